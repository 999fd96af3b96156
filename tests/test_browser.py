"""The built site in headless Chromium (Playwright, Debian's /usr/bin/chromium): pages load cleanly and only from
127.0.0.1, search finds every page, the dark-mode toggle works; screenshots of each page go to tests/artifacts/."""
import collections, functools, os, re, threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sitebuilt import ROOT, built_site, page_text, pages

CHROMIUM = Path('/usr/bin/chromium')
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run']
ARTIFACTS = ROOT/'tests'/'artifacts'

@pytest.fixture(scope='module')
def browser():
    if not CHROMIUM.exists():
        msg = f'{CHROMIUM} not found: install Debian chromium (`apt-get install chromium`) to run the browser tests'
        if os.environ.get('CI') == 'true': pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()

@pytest.fixture(scope='module')
def server():
    "The built site served on 127.0.0.1 at a free port, from a thread."
    site = built_site()
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}', site
    httpd.shutdown()

def open_page(browser, url:str, scheme:str='light'):
    "A fresh page at `url`, with the console errors, page errors and requests to other hosts it produced."
    ctx = browser.new_context(color_scheme=scheme, viewport={'width': 1400, 'height': 900})
    page = ctx.new_page()
    problems = []
    page.on('console', lambda m: problems.append(f'console {m.type}: {m.text}') if m.type == 'error' else None)
    page.on('pageerror', lambda e: problems.append(f'page error: {e}'))
    page.on('response', lambda r: problems.append(f'HTTP {r.status}: {r.url}') if r.status >= 400 else None)
    page.on('request', lambda r: problems.append(f'request to another host: {r.url}')
            if urlparse(r.url).hostname not in ('127.0.0.1', None) and not r.url.startswith(('data:', 'blob:')) else None)
    page.goto(url, wait_until='networkidle')
    return ctx, page, problems

def test_every_page_loads_cleanly(browser, server):
    base, site = server
    for html in pages(site):
        ctx, page, problems = open_page(browser, f'{base}/{html.name}')
        assert page.locator('h1.title').count() == 1, f'{html.name}: no title'
        assert page.locator('#search input').count() == 1, f'{html.name}: no search box'
        blocks = page.locator('div.sourceCode').count()
        assert page.locator('div.sourceCode > .copy-button').count() == blocks, f'{html.name}: code blocks without a copy button'
        assert page.locator('.sidebar a.active').count() <= 1
        ctx.close()
        assert not problems, f'{html.name}:\n' + '\n'.join(problems)

def rarest_words(site:Path)->dict[str, str]:
    "For each page, a word of its text that as few other pages as possible contain."
    words = {p.name: collections.Counter(re.findall(r'\b[a-z]{6,}\b', page_text(p.read_text()).lower())) for p in pages(site)}
    df = collections.Counter(w for c in words.values() for w in c)
    return {name: min(c, key=lambda w: (df[w], -c[w], w)) for name, c in words.items() if c}

def test_search_finds_a_word_from_every_page(browser, server):
    base, site = server
    ctx, page, _ = open_page(browser, f'{base}/index.html')
    for name, word in rarest_words(site).items():
        urls = page.evaluate("""async w => {
            const pf = await import('/_pagefind/pagefind.js');
            const r = await pf.search(w);
            return Promise.all(r.results.map(async x => (await x.data()).url)); }""", word)
        expected = '/' if name == 'index.html' else f'/{name}'
        assert expected in urls, f'searching {word!r} did not find {name} (found {urls})'
    ctx.close()

def test_search_box_finds_closure_on_the_callbacks_page(browser, server):
    base, _ = server
    ctx, page, problems = open_page(browser, f'{base}/index.html')
    page.fill('#search input', 'closure')
    page.wait_for_selector('.pagefind-ui__result-link', timeout=10_000)
    hrefs = page.eval_on_selector_all('.pagefind-ui__result-link', 'els => els.map(e => e.getAttribute("href"))')
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS/'search-closure.png'))
    ctx.close()
    assert any(h.endswith('callbacks.html') for h in hrefs), hrefs
    assert not problems, problems

def test_dark_mode_toggle_switches_and_is_remembered(browser, server):
    base, _ = server
    ctx, page, _ = open_page(browser, f'{base}/index.html', 'light')
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
    ctx.close()
    ctx, page, _ = open_page(browser, f'{base}/index.html', 'dark')
    assert theme() == 'dark', 'a reader whose system is dark gets the dark theme'
    ctx.close()

def test_screenshots_light_and_dark(browser, server):
    base, site = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for html in pages(site):
        for scheme in ('light', 'dark'):
            ctx, page, _ = open_page(browser, f'{base}/{html.name}', scheme)
            assert page.evaluate('document.documentElement.dataset.theme') == scheme
            shot = ARTIFACTS/f'{html.stem}-{scheme}.png'
            page.screenshot(path=str(shot), full_page=True)
            ctx.close()
            assert shot.stat().st_size > 10_000, f'{shot} looks empty'
