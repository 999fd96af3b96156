"""The built site in headless Chromium (Playwright, Debian's /usr/bin/chromium): search finds every page, the search box
finds a word, the dark-mode toggle works and is remembered. (Every page loading cleanly: test_readable.py.) The server,
browser and `open_page` fixtures are in conftest.py."""
import collections, re
from urllib.parse import urlparse
from pathlib import Path

from tools.sitetest import ROOT, page_text, pages

ARTIFACTS = ROOT/'tests'/'artifacts'

def rarest_words(site:Path)->dict[str, str]:
    "For each page, a word of its text that as few other pages as possible contain."
    words = {p.name: collections.Counter(re.findall(r'\b[a-z]{6,}\b', page_text(p.read_text()).lower())) for p in pages(site)}
    df = collections.Counter(w for c in words.values() for w in c)
    return {name: min(c, key=lambda w: (df[w], -c[w], w)) for name, c in words.items() if c}

def test_search_finds_a_word_from_every_page(open_page, server):
    base, site = server
    page, _ = open_page(f'{base}/index.html')
    for name, word in rarest_words(site).items():
        urls = page.evaluate("""async w => {
            const pf = await import(new URL('_pagefind/pagefind.js', location.href));
            const r = await pf.search(w);
            return Promise.all(r.results.map(async x => (await x.data()).url)); }""", word)
        expected = f'{urlparse(base).path}/' + ('' if name == 'index.html' else name)   # the site's sub-path, as on Pages
        assert expected in urls, f'searching {word!r} did not find {name} (found {urls})'

def test_search_box_finds_closure_on_the_callbacks_page(open_page, server):
    base, _ = server
    page, problems = open_page(f'{base}/index.html')
    page.fill('#search input', 'closure')
    page.wait_for_selector('.pagefind-ui__result-link', timeout=10_000)
    hrefs = page.eval_on_selector_all('.pagefind-ui__result-link', 'els => els.map(e => e.getAttribute("href"))')
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS/'search-closure.png'))
    assert f'{urlparse(base).path}/callbacks.html' in hrefs, hrefs   # a result under the site's sub-path, as on Pages
    assert not problems, problems

def test_dark_mode_toggle_switches_and_is_remembered(open_page, server):
    base, _ = server
    page, _ = open_page(f'{base}/index.html', 'light', fresh=True)   # nothing remembered
    bg = lambda: page.evaluate('getComputedStyle(document.body).backgroundColor')  # noqa: E731
    theme = lambda: page.evaluate('document.documentElement.dataset.theme')  # noqa: E731
    assert theme() == 'light'
    light_bg = bg()
    page.click('#theme-toggle')
    assert theme() == 'dark' and bg() != light_bg
    page.reload()
    assert theme() == 'dark', 'the choice was not remembered'
    page.click('#theme-toggle')
    assert theme() == 'light' and bg() == light_bg
    page, _ = open_page(f'{base}/index.html', 'dark', fresh=True)
    # theme.js follows the system setting as it changes: a context's dark scheme that lands after the first paint counts
    page.wait_for_function("document.documentElement.dataset.theme === 'dark'", timeout=10_000)
    assert theme() == 'dark', 'a reader whose system is dark gets the dark theme'

def test_on_a_touch_screen_the_copy_button_covers_no_code(open_page, server):
    "No hover on a phone: the button always shows, so it sits in a row of its own above the first line of code."
    base, _ = server
    page, _ = open_page(f'{base}/stats.html', width=390, has_touch=True, is_mobile=True)
    overlaps = page.evaluate("""() => [...document.querySelectorAll('div.sourceCode')].filter(b => {
        const btn = b.querySelector('.copy-button'), line = b.querySelector('pre code');
        if (!btn || !line) return false;
        const r = btn.getBoundingClientRect(), top = line.getBoundingClientRect().top;
        return r.bottom > top; }).length""")
    assert page.locator('div.sourceCode .copy-button').count() > 0 and overlaps == 0, f'{overlaps} copy buttons cover code'

def test_a_page_whose_code_needs_torch_says_how_to_run_it(open_page, server):
    "Without a server, a page with code and no live cell (its code needs torch) names `make live` and Colab, once."
    base, _ = server
    page, problems = open_page(f'{base}/stats.html')
    note = page.locator('.live-runtime')
    note.wait_for()
    assert note.count() == 1 and 'make live' in note.inner_text() and 'in a clone of the repository' in note.inner_text()
    assert note.locator('a').get_attribute('href').startswith('https://colab.research.google.com/github/')
    assert not problems, problems
