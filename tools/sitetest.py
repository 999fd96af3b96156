"""The built site that the checks use (built once per run into a temporary folder), served on 127.0.0.1 and
opened in headless Chromium; conftest.py's fixtures and tools/bench/bench_live.py use these.

`make test` (tools/checks.py) builds the site once and names it in `SITE_DIR`, and starts one Chromium, named in
`CHECKS_BROWSER`; the site, browser and live tests then check that build in that browser instead of their own
(deploy.yaml points `SITE_DIR` at the `_docs/` it publishes)."""
import configparser, contextlib, functools, os, re, socket, subprocess, sys, tempfile, threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'))   # CI may point at another Chromium build
# GitHub Pages serves the site under the repository's path (settings.ini `doc_baseurl`, e.g. /lessons_lib): so do the tests
_ini = configparser.ConfigParser(); _ini.read(ROOT/'settings.ini')
BASE_PATH = _ini['DEFAULT'].get('doc_baseurl', '').rstrip('/')
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run']

SITE_ENV = 'SITE_DIR'   # names the site under test: make test's temporary build, or deploy's _docs
# a folder of one `make test` run where its pytest processes build a test fixture once and share it (tests/conftest.py)
SHARED_ENV = 'CHECKS_SHARED_DIR'

@functools.cache
def built_site()->Path:
    "The site named by `SITE_DIR`, else the project's site built now by the offline build into a temporary folder."
    if given := os.environ.get(SITE_ENV):
        assert (Path(given)/'index.html').exists(), f'no site at {given} (SITE_DIR): the site build failed, see `make site`'
        return Path(given).resolve()
    out = Path(tempfile.mkdtemp(prefix='sitebuild-test-'))/'site'
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet', '--out', str(out)], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, f'the site build failed:\n{p.stdout}\n{p.stderr}'
    return out

def pages(site:Path)->list[Path]:
    "The site's pages, in its folders too (not 404.html, served for missing addresses, nor the files of site_libs/, _pagefind/)."
    return sorted(p for p in site.rglob('*.html') if p.relative_to(site).as_posix() != '404.html'
                  and not {'site_libs', '_pagefind'} & set(p.relative_to(site).parts))

SRC_ATTRS = {('script', 'src'), ('img', 'src'), ('iframe', 'src'), ('source', 'src'), ('video', 'src'), ('audio', 'src'),
             ('embed', 'src'), ('link', 'href'), ('object', 'data'), ('image', 'href'), ('use', 'href'), ('input', 'src')}

class Refs(HTMLParser):
    "The resources (src, stylesheet, ...), links (<a href>) and element ids of one page."
    def __init__(self):
        super().__init__()
        self.resources, self.links, self.ids = [], [], set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if tag == 'a' and a.get('href'): self.links.append(a['href'])
        if tag == 'link' and a.get('rel') == 'canonical': return   # the page's published address, not loaded
        self.resources += [a[k] for t, k in SRC_ATTRS if t == tag and a.get(k)]
        self.resources += re.findall(r'url\(\s*[\'"]?([^\'")]+)', a.get('style') or '')

@functools.cache
def parse(path:Path)->Refs:
    "The links, resources and ids of the page at `path` (read once per run: pages do not change under test)."
    r = Refs()
    r.feed(path.read_text(encoding='utf-8'))
    return r

def broken_links(site:Path)->list[str]:
    "`page: address` of every link or resource of the site's pages that names no file of the site, or no id of its page."
    broken = []
    for page in pages(site):
        refs, name = parse(page), page.relative_to(site).as_posix()
        for url in refs.links + refs.resources:
            if urlparse(url).scheme or url.startswith('//') or url.startswith('mailto:'): continue
            path, frag = urldefrag(url)
            target = (page.parent/path).resolve() if path else page
            if not target.exists() or site.resolve() not in (target, *target.parents): broken.append(f'{name}: {url}')
            elif frag and target.suffix == '.html' and frag not in parse(target).ids: broken.append(f'{name}: {url} (no #{frag})')
    return broken

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

# the DevTools address of the one Chromium that a `make test` run starts and its test processes share (tools/checks.py)
BROWSER_ENV = 'CHECKS_BROWSER'

def launch(p, *args:str):
    "Headless Debian Chromium, started by Playwright `p` with `ARGS` and `args`."
    return p.chromium.launch(executable_path=str(CHROMIUM), args=[*ARGS, *args])

@contextlib.contextmanager
def chromium():
    """Headless Debian Chromium driven by Playwright: the run's shared browser where `CHECKS_BROWSER` names one (closing
    it then closes only the contexts this process made), else a browser of its own."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        shared = os.environ.get(BROWSER_ENV)
        b = p.chromium.connect_over_cdp(shared) if shared else launch(p)
        try: yield b
        finally: b.close()

@contextlib.contextmanager
def shared_chromium():
    """One Chromium, started as `chromium()` starts it, that other processes reach at the DevTools address yielded (on
    127.0.0.1); None where there is no Chromium or it does not start (each test process then tries its own, and its
    browser tests report what went wrong)."""
    if not CHROMIUM.exists():
        yield None
        return
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    from playwright.sync_api import Error, sync_playwright
    with sync_playwright() as p:
        try: b = launch(p, f'--remote-debugging-port={port}')
        except Error as e:
            print(f'{CHROMIUM} did not start for the run ({e}); each browser test process starts its own', file=sys.stderr)
            yield None
            return
        try: yield f'http://127.0.0.1:{port}'
        finally: b.close()

@contextlib.contextmanager
def live_served(site:Path):
    """The built folder `site` served by the live server (`make live`'s tools/live, as it is: no build, no watching), on a
    free port of 127.0.0.1; yields (its root URL, no trailing slash; its token; the server's process). Stopped at the end,
    which shuts its kernels down."""
    err = tempfile.TemporaryFile(mode='w+')
    p = subprocess.Popen([sys.executable, '-m', 'tools.live', '--port', '0', '--site', str(site)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        line = p.stdout.readline().strip()
        m = re.fullmatch(r'(http://127\.0\.0\.1:\d+)/index\.html\?token=(\w+)', line)
        if not m:
            p.wait(timeout=20)
            err.seek(0)
            raise AssertionError(f'the live server printed {line!r}, not its address:\n{err.read()}')
        yield m[1], m[2], p
    finally:
        p.terminate()
        try: p.wait(timeout=20)
        except subprocess.TimeoutExpired: p.kill()
        err.close()
