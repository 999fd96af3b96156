"""The built site that the checks use (built once per run into a temporary folder), served on 127.0.0.1 and
opened in headless Chromium; conftest.py's fixtures and tools/bench/bench_live.py use these.

`make test` (tools/checks.py) builds the site once and names it in `SITE_UNDER_TEST`; the site, browser and live
tests then check that build instead of building their own."""
import contextlib, functools, os, re, subprocess, sys, tempfile, threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'))   # CI may point at another Chromium build
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run']

@functools.cache
def built_site()->Path:
    "The site named by `SITE_UNDER_TEST`, else the project's site built now by the offline build into a temporary folder."
    if given := os.environ.get('SITE_UNDER_TEST'):
        assert (Path(given)/'index.html').exists(), f'no site at {given} (SITE_UNDER_TEST): the site build failed, see `make site`'
        return Path(given)
    out = Path(tempfile.mkdtemp(prefix='sitebuild-test-'))/'site'
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet', '--out', str(out)], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, f'the site build failed:\n{p.stdout}\n{p.stderr}'
    return out

def pages(site:Path)->list[Path]: return sorted(site.glob('*.html'))

def page_text(html:str)->str:
    "The indexed text of a page (what pagefind sees): the `data-pagefind-body` region, tags removed."
    body = html.split('data-pagefind-body>', 1)[-1].split('<nav class="page-navigation"', 1)[0]
    body = re.sub(r'<(script|style|math)\b.*?</\1>', ' ', body, flags=re.S)
    return re.sub(r'<[^>]+>', ' ', body)

@contextlib.contextmanager
def served(site:Path):
    "The folder `site` served on 127.0.0.1 at a free port, from a thread; yields the base URL."
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try: yield f'http://127.0.0.1:{httpd.server_address[1]}'
    finally: httpd.shutdown()

@contextlib.contextmanager
def chromium():
    "Headless Debian Chromium driven by Playwright."
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try: yield b
        finally: b.close()
