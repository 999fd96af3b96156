"""The built site that the checks use (built once per run into a temporary folder), served on 127.0.0.1 and
opened in headless Chromium; conftest.py's fixtures and tools/bench/bench_live.py use these.

`make test` (tools/checks.py) builds the site once and names it in `SITE_DIR`; the site, browser and live tests then
check that build instead of building their own (deploy.yaml points `SITE_DIR` at the `_docs/` it publishes)."""
import configparser, contextlib, functools, os, re, subprocess, sys, tempfile, threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'))   # CI may point at another Chromium build
# GitHub Pages serves the site under the repository's path (settings.ini `doc_baseurl`, e.g. /lessons_lib): so do the tests
_ini = configparser.ConfigParser(); _ini.read(ROOT/'settings.ini')
BASE_PATH = _ini['DEFAULT'].get('doc_baseurl', '').rstrip('/')
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run']

@functools.cache
def built_site()->Path:
    "The site named by `SITE_DIR`, else the project's site built now by the offline build into a temporary folder."
    if given := os.environ.get('SITE_DIR'):
        assert (Path(given)/'index.html').exists(), f'no site at {given} (SITE_DIR): the site build failed, see `make site`'
        return Path(given).resolve()
    out = Path(tempfile.mkdtemp(prefix='sitebuild-test-'))/'site'
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet', '--out', str(out)], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, f'the site build failed:\n{p.stdout}\n{p.stderr}'
    return out

def pages(site:Path)->list[Path]:
    "The site's pages (404.html, served for missing addresses, is not one)."
    return sorted(p for p in site.glob('*.html') if p.name != '404.html')

def page_text(html:str)->str:
    "The indexed text of a page (what pagefind sees): the `data-pagefind-body` region, tags removed."
    body = html.split('data-pagefind-body>', 1)[-1].split('<nav class="page-navigation"', 1)[0]
    body = re.sub(r'<(script|style|math)\b.*?</\1>', ' ', body, flags=re.S)
    return re.sub(r'<[^>]+>', ' ', body)

@contextlib.contextmanager
def served(site:Path):
    """The folder `site` served on 127.0.0.1 at a free port under `BASE_PATH`, its 404.html answering any missing address,
    as GitHub Pages serves a project site; yields the site's URL (no trailing slash)."""
    class Pages(SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
        def translate_path(self, path):   # outside BASE_PATH nothing exists (a link that escapes it is a 404)
            inside = path == BASE_PATH or path.startswith(f'{BASE_PATH}/')
            return super().translate_path(path[len(BASE_PATH):] or '/') if inside else str(site/'.outside-the-site')
        def send_error(self, code, message=None, explain=None):   # a missing address gets the site's 404.html, status 404
            page = site/'404.html'
            if code != 404 or not page.exists(): return super().send_error(code, message, explain)
            body = page.read_bytes()
            self.send_response(404)
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            if self.command != 'HEAD': self.wfile.write(body)
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Pages, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try: yield f'http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH}'
    finally: httpd.shutdown()

@contextlib.contextmanager
def chromium():
    "Headless Debian Chromium driven by Playwright."
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try: yield b
        finally: b.close()
