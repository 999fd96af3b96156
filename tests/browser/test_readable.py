"""Every page readable at 1280, 1024 and 390 px wide, light and dark: axe-core finds no serious or critical problem,
code shows whole at 1280 px, figures keep their natural size and have alt text, "On this page" below 1200 px, a phone
gets a full-width search and an uncut title, copy buttons show on touch, headings have anchors, printing shows the
content only, search snippets show text rather than TeX. Screenshots of each page at each width and scheme go to
tests/artifacts/ for review; the code-width figures to tests/artifacts/code-width.txt."""
import contextlib, html, re
from urllib.parse import urlparse

import pytest

from tools.sitetest import ROOT, pages

ARTIFACTS = ROOT/'tests'/'artifacts'
AXE = ROOT/'node_modules'/'axe-core'/'axe.min.js'
WIDTHS = (1280, 1024, 390)
SCHEMES = ('light', 'dark')

@contextlib.contextmanager
def context(browser, width:int, scheme:str='light', **kw):
    "A browser context `width` px wide (`bypass_csp` lets the tests inject axe-core, which the site does not ship)."
    ctx = browser.new_context(viewport={'width': width, 'height': 900}, color_scheme=scheme, bypass_csp=True, **kw)
    try: yield ctx
    finally: ctx.close()

def axe_problems(page)->list[str]:
    "axe-core's serious and critical violations on `page`, one line each with up to three of the elements."
    if not AXE.exists(): pytest.fail(f'{AXE} is missing: run `npm ci` (`make install`)')
    if not page.evaluate("typeof axe !== 'undefined'"): page.add_script_tag(path=str(AXE))
    res = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.impact} ${v.id} (${v.nodes.length}): ${v.help}; e.g. ` +
                  v.nodes.slice(0, 3).map(n => n.target.join(' ') + (n.any[0] ? ' [' + n.any[0].message + ']' : '')).join(' | '))""")
    return res

# The text colour and the effective background (the first ancestor's that is not transparent) of an element.
COLOURS = """el => { const c = s => s.match(/[\\d.]+/g).map(Number);
    let bg = el; while (bg && c(getComputedStyle(bg).backgroundColor)[3] === 0) bg = bg.parentElement;
    return [c(getComputedStyle(el).color).slice(0, 3), c(bg ? getComputedStyle(bg).backgroundColor : 'rgb(255,255,255)').slice(0, 3)]; }"""

def luminance(rgb)->float:
    "WCAG relative luminance of an sRGB colour (0–255 channels)."
    lin = [c/255/12.92 if c/255 <= 0.04045 else ((c/255 + 0.055)/1.055) ** 2.4 for c in rgb]
    return 0.2126*lin[0] + 0.7152*lin[1] + 0.0722*lin[2]

def contrast(fg, bg)->float:
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)

def colours(page)->dict[str, tuple]:
    "(text, background) of the page body and, where the page has one, of its first code block."
    res = {'body': page.eval_on_selector('main', COLOURS)}
    if page.locator('div.sourceCode pre code').count(): res['code'] = page.eval_on_selector('div.sourceCode pre code', COLOURS)
    return res

def dark_problems(name:str, light:dict, dark:dict)->list[str]:
    "What is wrong with page `name`'s dark colours: not light on dark, below WCAG AA (4.5:1), or the light page's."
    res = []
    for part, (fg, bg) in dark.items():
        if not luminance(bg) < 0.1 < luminance(fg): res.append(f'{name} {part}: text {fg} on {bg} is not light on dark')
        if contrast(fg, bg) < 4.5: res.append(f'{name} {part}: contrast {contrast(fg, bg):.1f} of {fg} on {bg} is below 4.5')
        if [fg, bg] == light[part]: res.append(f'{name} {part}: the same colours as the light page')
    return res

def test_every_page_in_every_width_and_scheme(browser, server):
    """Each page is loaded once and shown at 1280, 1024 and 390 px in light and dark (the system setting switched
    under it, as a reader's can be): axe-core finds no serious or critical problem in any of the six; in dark, prose
    and code are light on dark with 4.5:1 contrast, unlike light; each view is saved for review."""
    base, site = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found = []
    with context(browser, WIDTHS[0]) as ctx:
        page = ctx.new_page()
        for html in pages(site):
            page.goto(f'{base}/{html.name}', wait_until='load')
            seen = {}
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                page.wait_for_function(f"document.documentElement.dataset.theme === '{scheme}'")
                for width in WIDTHS:
                    page.set_viewport_size({'width': width, 'height': 900})
                    page.evaluate('() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))')
                    page.screenshot(path=str(ARTIFACTS/f'{html.stem}-{width}-{scheme}.png'))
                    found += [f'{html.name} at {width} px, {scheme}: {p}' for p in axe_problems(page)]
                seen[scheme] = colours(page)
            found += dark_problems(html.name, seen['light'], seen['dark'])
    assert not found, '\n'.join(found)

CODE_WIDTH_JS = """() => [...document.querySelectorAll('.content div.sourceCode pre')].map(pre => ({
    whole: pre.scrollWidth <= pre.clientWidth + 1,
    focusable: pre.getAttribute('tabindex') === '0' && !!pre.getAttribute('aria-label'),
    first: pre.innerText.split('\\n')[0].slice(0, 70),
    longest: Math.max(...pre.innerText.split('\\n').map(l => l.length)) }))"""

def test_code_shows_whole_at_1280(browser, server):
    "At least 95% of code blocks show every line whole at 1280 px; any other one scrolls and takes keyboard focus."
    base, site = server
    lines, total, whole, unfocusable = [], 0, 0, []
    with context(browser, 1280) as ctx:
        page = ctx.new_page()
        page.goto(f'{base}/index.html', wait_until='load')
        chars = page.evaluate("""() => { const pre = document.querySelector('.content div.sourceCode pre');
            const s = document.createElement('span'); s.textContent = 'x'.repeat(100);
            pre.querySelector('code').append(s); const w = s.getBoundingClientRect().width / 100; s.remove();
            return Math.floor((pre.clientWidth - parseFloat(getComputedStyle(pre).paddingLeft)
                               - parseFloat(getComputedStyle(pre).paddingRight)) / w); }""")
        lines.append(f'code column at 1280 px: {chars} monospace characters')
        for html in pages(site):
            page.goto(f'{base}/{html.name}', wait_until='load')
            blocks = page.evaluate(CODE_WIDTH_JS)
            n = sum(b['whole'] for b in blocks)
            total, whole = total + len(blocks), whole + n
            lines.append(f'{html.name}: {n}/{len(blocks)} code blocks whole')
            lines += [f'  cut: {html.name}: {b["longest"]} chars, first line `{b["first"]}`' for b in blocks if not b['whole']]
            unfocusable += [f'{html.name}: `{b["first"]}`' for b in blocks if not b['whole'] and not b['focusable']]
    share = whole / total
    lines.append(f'all pages: {whole}/{total} = {share:.1%} of code blocks whole at 1280 px')
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS/'code-width.txt').write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    assert chars >= 92, lines[0]
    assert not unfocusable, 'code blocks that scroll but cannot be reached by keyboard:\n' + '\n'.join(unfocusable)
    assert share >= .95, '\n'.join(lines)

def test_figures_keep_their_natural_size_and_have_alt_text(browser, server):
    base, site = server
    bad = []
    for width in (1280, 390):
        with context(browser, width) as ctx:
            page = ctx.new_page()
            for html in pages(site):
                page.goto(f'{base}/{html.name}', wait_until='load')
                imgs = page.evaluate("""() => [...document.querySelectorAll('.content img')].map(i => ({
                    src: i.getAttribute('src'), alt: i.getAttribute('alt') || '', shown: i.getBoundingClientRect().width,
                    natural: +i.getAttribute('width') || i.naturalWidth, column: i.closest('.content').clientWidth }))""")
                for i in imgs:
                    if not i['alt'].strip(): bad.append(f'{html.name}: {i["src"]} has no alt text')
                    if i['shown'] > i['natural'] + .5:
                        bad.append(f'{html.name} at {width}: {i["src"]} upscaled {i["natural"]} → {i["shown"]:.0f} px')
                    if i['shown'] > i['column'] + .5: bad.append(f'{html.name} at {width}: {i["src"]} wider than the column')
    assert not bad, '\n'.join(bad)

@pytest.mark.parametrize('width', (1024, 390))
def test_on_this_page_holds_the_contents_and_actions_below_1200(browser, server, width):
    "Below 1200 px, a folded 'On this page' above the content; it opens to the contents and the page actions."
    base, site = server
    with context(browser, width) as ctx:
        page = ctx.new_page()
        page.goto(f'{base}/learner.html', wait_until='load')
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
    with context(browser, 1280) as ctx:
        page = ctx.new_page()
        page.goto(f'{base}/learner.html', wait_until='load')
        box = page.locator('aside.toc details.page-toc')
        assert box.get_attribute('open') is not None and box.locator('ul a').first.is_visible()
        assert box.bounding_box()['x'] > page.locator('h1.title').bounding_box()['x'], 'not beside the content'

def test_phone_search_is_full_width_with_results_on_screen_and_title_whole(browser, server):
    base, _ = server
    with context(browser, 390) as ctx:
        page = ctx.new_page()
        page.goto(f'{base}/callbacks.html', wait_until='load')
        brand = page.locator('.navbar-brand')
        assert brand.evaluate('e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1'), 'the site title is cut'
        box = page.locator('#search').bounding_box()
        assert box['width'] >= 390 * .9, f'search box {box["width"]} px wide on a 390 px screen'
        page.locator('#search input').click()
        page.locator('#search input').fill('callback')
        page.wait_for_selector('.pagefind-ui__result-link', timeout=10_000)
        drawer = page.locator('.pagefind-ui__drawer').bounding_box()
        assert drawer['x'] >= 0 and drawer['x'] + drawer['width'] <= 390, f'results off screen: {drawer}'
        page.screenshot(path=str(ARTIFACTS/'search-390.png'))

def test_copy_buttons_show_on_touch_screens_and_take_focus(browser, server):
    base, _ = server
    with context(browser, 390, has_touch=True, is_mobile=True) as ctx:
        page = ctx.new_page()
        page.goto(f'{base}/callbacks.html', wait_until='load')
        assert page.evaluate("matchMedia('(hover: none)').matches")
        opacity = page.locator('.copy-button').first.evaluate('b => getComputedStyle(b).opacity')
        assert float(opacity) == 1, f'copy button opacity {opacity} on a touch screen'
    with context(browser, 1280) as ctx:
        page = ctx.new_page()
        page.goto(f'{base}/callbacks.html', wait_until='load')
        btn = page.locator('.copy-button').first
        btn.focus()
        btn.evaluate('b => document.activeElement === b')
        page.wait_for_function('b => getComputedStyle(b).opacity === "1"', arg=btn.element_handle(), timeout=2000)

def test_headings_have_anchor_links(browser, server):
    base, site = server
    with context(browser, 1280) as ctx:
        page = ctx.new_page()
        for html in pages(site):
            page.goto(f'{base}/{html.name}', wait_until='load')
            missing = page.evaluate("""() => [...document.querySelectorAll('.content h2[id], .content h3[id], .content h4[id]')]
                .filter(h => { const a = h.querySelector('a.anchor'); return !a || a.getAttribute('href') !== '#' + h.id; })
                .map(h => h.id)""")
            assert not missing, f'{html.name}: headings without an anchor: {missing}'

def test_print_shows_the_content_only_with_code_wrapped(browser, server):
    base, _ = server
    with context(browser, 1280) as ctx:
        page = ctx.new_page()
        page.goto(f'{base}/learner.html', wait_until='load')
        page.emulate_media(media='print')
        hidden = page.evaluate("""() => ['.navbar', '.sidebar', '.toc', '.copy-button', '.page-navigation', '.footer']
            .filter(s => document.querySelector(s) && getComputedStyle(document.querySelector(s)).display !== 'none')""")
        assert not hidden, f'printed: {hidden}'
        cut = page.evaluate("() => [...document.querySelectorAll('pre')].filter(p => p.scrollWidth > p.clientWidth + 1).length")
        assert cut == 0, f'{cut} code blocks cut in print'
        page.pdf(path=str(ARTIFACTS/'learner-print.pdf'))

def test_search_snippets_show_text_not_tex(browser, server):
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
    with context(browser, 1280) as ctx:
        page = ctx.new_page()
        page.goto(f'{base}/index.html', wait_until='load')
        found = {}
        for word in ('variance', 'softmax', 'normalization', 'mean', 'standard', 'entropy'):
            found.update(page.evaluate("""async w => { const pf = await import(new URL('_pagefind/pagefind.js', location.href));
                const r = await pf.search(w);
                return Object.fromEntries(await Promise.all(r.results.map(async x => {
                    const d = await x.data(); return [d.url, d.content]; }))); }""", word))
    assert len(found) >= 3, found.keys()
    leaked = [f'{u}: {t}' for u, c in found.items() for t in tex.get(u, ()) if t in c]
    assert not leaked, 'TeX source in the search index:\n' + '\n'.join(leaked[:20])
