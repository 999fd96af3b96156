"""The layout's behaviours on particular screens: "On this page" folded above the content below 1200 px and beside it
at 1280, a phone gets a full-width search and an uncut title, copy buttons show on touch, printing shows the content
only, search snippets show text rather than TeX. (What every page must be in every view: test_every_page.py.)"""
import html, re
from urllib.parse import urlparse

import pytest

from tools.sitetest import ROOT, pages

ARTIFACTS = ROOT/'tests'/'artifacts'

@pytest.mark.parametrize('width', (1024, 390))
def test_on_this_page_holds_the_contents_and_actions_below_1200(open_page, server, width):
    "Below 1200 px, a folded 'On this page' above the content; it opens to the contents and the page actions."
    page, _ = open_page(f'{server[0]}/learner.html', width=width)
    box = page.locator('details.page-toc')
    assert box.is_visible() and box.locator('summary').inner_text().strip() == 'On this page'
    assert not box.locator('ul a').first.is_visible(), 'not folded'
    title = page.locator('h1.title').bounding_box()
    assert box.bounding_box()['y'] < title['y'] and box.bounding_box()['x'] >= title['x'] - 1, 'not at the top of the content'
    box.locator('summary').click()
    for text in ('View source', 'Open in Colab', 'Report an issue'):
        assert box.locator('.repo-actions a', has_text=text).is_visible(), text
    first = box.locator('ul a').first
    assert first.is_visible()
    target = first.get_attribute('href')
    first.click()
    assert page.evaluate('location.hash') == target

def test_on_this_page_stands_open_beside_the_content_at_1280(open_page, server):
    page, _ = open_page(f'{server[0]}/learner.html', width=1280)
    box = page.locator('aside.toc details.page-toc')
    assert box.get_attribute('open') is not None and box.locator('ul a').first.is_visible()
    assert box.bounding_box()['x'] > page.locator('h1.title').bounding_box()['x'], 'not beside the content'

def test_phone_search_is_full_width_with_results_on_screen_and_title_whole(open_page, server):
    page, _ = open_page(f'{server[0]}/callbacks.html', width=390)
    brand = page.locator('.navbar-brand')
    assert brand.evaluate('e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1'), 'the site title is cut'
    box = page.locator('#search').bounding_box()
    assert box['width'] >= 390 * .9, f'search box {box["width"]} px wide on a 390 px screen'
    page.locator('#search input').click()
    page.locator('#search input').fill('callback')
    page.wait_for_selector('.pagefind-ui__result-link', timeout=10_000)
    drawer = page.locator('.pagefind-ui__drawer').bounding_box()
    page.screenshot(path=str(ARTIFACTS/'search-390.png'))
    assert drawer['x'] >= 0 and drawer['x'] + drawer['width'] <= 390, f'results off screen: {drawer}'

def test_copy_buttons_show_on_touch_screens_and_take_focus(open_page, server):
    page, _ = open_page(f'{server[0]}/callbacks.html', width=390, has_touch=True, is_mobile=True)
    assert page.evaluate("matchMedia('(hover: none)').matches")
    opacity = page.locator('.copy-button').first.evaluate('b => getComputedStyle(b).opacity')
    assert float(opacity) == 1, f'copy button opacity {opacity} on a touch screen'
    page, _ = open_page(f'{server[0]}/callbacks.html', width=1280)
    btn = page.locator('.copy-button').first
    btn.focus()
    assert btn.evaluate('b => document.activeElement === b')
    page.wait_for_function('b => getComputedStyle(b).opacity === "1"', arg=btn.element_handle(), timeout=2000)

def test_print_shows_the_content_only_with_code_wrapped(open_page, server):
    page, _ = open_page(f'{server[0]}/learner.html', width=1280)
    page.emulate_media(media='print')
    hidden = page.evaluate("""() => ['.navbar', '.sidebar', '.toc', '.copy-button', '.page-navigation', '.footer']
        .filter(s => document.querySelector(s) && getComputedStyle(document.querySelector(s)).display !== 'none')""")
    cut = page.evaluate("() => [...document.querySelectorAll('pre')].filter(p => p.scrollWidth > p.clientWidth + 1).length")
    page.pdf(path=str(ARTIFACTS/'learner-print.pdf'))
    assert not hidden, f'printed: {hidden}'
    assert cut == 0, f'{cut} code blocks cut in print'

def test_search_snippets_show_text_not_tex(open_page, server):
    "The TeX source of the pages' equations (MathML annotations) is not in the indexed text that snippets come from."
    base, site = server
    ann = re.compile(r'<annotation encoding="application/x-tex"[^>]*>(.*?)</annotation>', re.S)
    tex = {}
    for p in pages(site):   # TeX that a page shows only as an equation (not also as code, where it belongs)
        src = p.read_text()
        shown = html.unescape(re.sub(r'<[^>]+>', '', ann.sub('', src)))
        url = f'{urlparse(base).path}/' + ('' if p.name == 'index.html' else p.name)   # under the site's sub-path
        tex[url] = {t for t in map(html.unescape, map(str.strip, ann.findall(src))) if '\\' in t and len(t) >= 8 and t not in shown}
    assert any(tex.values()), 'no TeX annotations found: the check would prove nothing'
    page, _ = open_page(f'{base}/index.html', width=1280)
    found = {}
    for word in ('variance', 'softmax', 'normalization', 'mean', 'standard', 'entropy'):
        found.update(page.evaluate("""async w => { const pf = await import(new URL('_pagefind/pagefind.js', location.href));
                const r = await pf.search(w);
                return Object.fromEntries(await Promise.all(r.results.map(async x => {
                    const d = await x.data(); return [d.url, d.content]; }))); }""", word))
    assert len(found) >= 3, found.keys()
    leaked = [f'{u}: {t}' for u, c in found.items() for t in tex.get(u, ()) if t in c]
    assert not leaked, 'TeX source in the search index:\n' + '\n'.join(leaked[:20])
