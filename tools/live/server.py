"""The live server: one `jupyter_server` application, bound to 127.0.0.1, that serves the site and kernels of this Python.

Jupyter's own parts do the security: its token (printed once, in the address to open; the login cookie set from it
thereafter), the XSRF check on the API's writes, the Host check (no DNS rebinding), and the Origin check on the API and
its websockets, which `SameOrigin` makes unconditional (Jupyter skips it for a token in the request): no CORS is opened,
and a page of another origin is refused even with the token. Kernels are ipykernel in this Python only (`VenvKernels`),
started in the notebooks folder, where the notebooks run. This package adds, before Jupyter's handlers:
  `SiteHandler`       the site: the kernel backend's bundle (an overlay folder) in front of the built site; each HTML page
                      with the preview's reload client when the server watches
  `PageHandler`       `/__live__/page?path=stats.html`: this Python's and torch's versions, and the code cells of the
                      page's notebook that a run of it executes (the kernel transport runs the ones the page does not show)
  `PreviewHandler`    the preview's endpoints (tools/preview): its client, its event stream, its status
"""
from __future__ import annotations
import asyncio, importlib.metadata, json, mimetypes, platform, queue, secrets, shutil, sys, tempfile, threading
from pathlib import Path

from ipykernel.kernelspec import RESOURCES, get_kernel_dict
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_server.auth.identity import IdentityProvider
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.serverapp import ServerApp
from tornado import web
from traitlets.config import Config
from tornado.iostream import StreamClosedError

from tools.notebooks import notebooks, page_name
from tools.sitebuild import BuildError
from tools.sitebuild.cells import source_views, text
from tools.sitebuild.config import Site, load_site
from tools.sitebuild.live.backends import backend

from tools.preview.server import KEEPALIVE_S

from . import ENDPOINT

HOST = '127.0.0.1'
# Jupyter's own addresses, which the site handler leaves to it (the site's files are everything else)
JUPYTER = r'(?!(?:api|static|kernelspecs|__preview__)/|(?:login|logout)$)'
TYPES = {'.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json'}

class SameOrigin(IdentityProvider):
    """Jupyter's token login (`?token=` once, then its cookie), except that a token never excuses a request from another
    origin: the kernel API and its websockets answer the site's own pages only."""
    def should_check_origin(self, handler)->bool: return True

class VenvKernels(KernelSpecManager):
    "One kernel: ipykernel in this Python (the project's .venv), whatever kernels the machine has installed elsewhere."
    def find_kernel_specs(self)->dict: return {'python3': RESOURCES}
    def get_all_specs(self)->dict: return {'python3': {'resource_dir': RESOURCES, 'spec': get_kernel_dict()}}
    def get_kernel_spec(self, kernel_name:str):
        if kernel_name != 'python3': raise NoSuchKernel(kernel_name)
        return self.kernel_spec_class(resource_dir=RESOURCES, **get_kernel_dict())

def versions()->dict:
    "This Python's version and torch's (None when it is not installed): the kernels run this Python."
    try: torch = importlib.metadata.version('torch').split('+')[0]
    except importlib.metadata.PackageNotFoundError: torch = None
    return {'python': platform.python_version(), 'torch': torch}

def run_cells(nb:Path, skip:set[str])->list[dict]:
    """The code cells of notebook `nb` that a run of it executes, as `nbdev_test` runs it (none flagged with a directive
    in `skip`, settings.ini `tst_flags`; none `#| eval: false`): [{number (as Jupyter numbers it), code}]."""
    d = json.loads(nb.read_text(encoding='utf-8'))
    return [{'number': v.number, 'code': text(c.get('source'))} for v, c in zip(source_views(d), d.get('cells', []))
            if c.get('cell_type') == 'code' and not skip & v.directives.keys() and v.options.get('eval') is not False]

def tst_flags(site:Site)->set[str]:
    "settings.ini's `tst_flags`: the cells a run of the notebooks skips (`slow`)."
    from nbdev.config import get_config
    return set(str(get_config(path=site.root).get('tst_flags', '')).split())

class SiteHandler(JupyterHandler):
    "The site's files, from the first of `folders` that holds them; HTML pages through `page` (the preview's client)."
    def initialize(self, folders:list[Path], page=None):
        self.folders, self.page = [f.resolve() for f in folders], page

    @web.authenticated
    def get(self, path:str):
        _ = self.xsrf_token   # sets the `_xsrf` cookie, which @jupyterlab/services sends back on the kernel API's writes
        rel = path + 'index.html' if not path or path.endswith('/') else path
        f = next((p for root in self.folders if (p := (root/rel).resolve()).is_relative_to(root) and p.is_file()), None)
        if f is None and not (self.page and rel.endswith('.html')): raise web.HTTPError(404)
        body = f.read_bytes() if f else None
        if rel.endswith('.html') and self.page: body, code = self.page(body, rel)
        else: code = 200
        self.set_status(code)
        self.set_header('Content-Type', TYPES.get(Path(rel).suffix) or mimetypes.guess_type(rel)[0] or 'application/octet-stream')
        self.set_header('Cache-Control', 'no-store')   # a reload shows what the last build wrote
        self.finish(body)

class PageHandler(APIHandler):
    "This Python's versions and the run cells of the notebook of page `path` (none for a page without a notebook)."
    def initialize(self, site:Site): self.site = site

    @web.authenticated
    def get(self):
        path = self.get_argument('path')
        nb = next((f for f in notebooks(self.site.nbs) if page_name(f, self.site.nbs) == path), None)
        self.finish(json.dumps({**versions(), 'cells': run_cells(nb, tst_flags(self.site)) if nb else []}))

class Reloads:
    """The preview's rebuild-and-reload (tools/preview) in this server: its watchers and builder in threads as under
    `make serve`, its tabs' event streams on this server's event loop."""
    def __init__(self, site:Site, out:str|None):
        from tools.preview import ENDPOINT as PREVIEW, NAMES
        from tools.preview.server import CLIENT, State
        self.site, self.out, self.endpoint, self.names, self.client = site, out, PREVIEW, NAMES, CLIENT
        self.waiters, self.loop = set(), None
        reloads = self
        class LiveState(State):
            def publish(self, name:str, data:dict)->None:   # the caller holds `cond`; wake the waiting streams
                super().publish(name, data)
                if reloads.loop: reloads.loop.call_soon_threadsafe(reloads.wake)
        self.state = LiveState()

    def wake(self):
        for f in self.waiters:
            if not f.done(): f.set_result(None)
        self.waiters = set()

    def start(self, loop)->None:
        "Watch, and build: the first build now, then one per batch of saves."
        from tools.preview.rebuild import ASSETS, Preview
        from tools.preview.server import builder
        from tools.preview.watch import start_watching
        self.loop, self.changes, self.stop = loop, queue.Queue(), threading.Event()
        self.watchers = start_watching(self.site.root, self.site.nbs, ASSETS, self.changes, self.stop)
        threading.Thread(target=builder, args=(Preview(self.out), self.state, self.changes), daemon=True, name='live-build').start()

    def page(self, body:bytes|None, href:str)->tuple[bytes, int]:
        "HTML page `body` (None: not built yet) of the site's page `href`, with the reload client; and its status."
        from tools.preview.server import with_client
        code, body = with_client(body, href, self.state, 'make live')
        return body, code

class PreviewHandler(JupyterHandler):
    "The preview's own addresses: `client.js`, `status`, `events` (server-sent events, as tools/preview's server sends them)."
    def initialize(self, reloads:Reloads): self.reloads = reloads

    @web.authenticated
    async def get(self, name:str):
        r = self.reloads
        if name == 'client.js':
            self.set_header('Content-Type', 'text/javascript')
            return self.finish(f'const PREVIEW = {json.dumps(r.names)};\n{r.client.read_text()}')
        if name == 'status':
            self.set_header('Content-Type', 'application/json')
            return self.finish(json.dumps(r.state.status()))
        if name != 'events': raise web.HTTPError(404)
        page, since, s = self.get_argument('page', 'index.html'), int(self.get_argument('since', '0')), r.state
        self.set_header('Content-Type', 'text/event-stream')
        self.set_header('Cache-Control', 'no-store')
        seen, first = s.opening(page, since)
        try:
            for name, data in first: self.write(f'event: {name}\ndata: {data}\n\n')
            await self.flush()
            while True:
                wait = r.loop.create_future()
                r.waiters.add(wait)
                with s.cond: new, seen = [e for e in s.events if e[0] > seen], s.sent
                if not new:
                    try: await asyncio.wait_for(wait, KEEPALIVE_S)
                    except asyncio.TimeoutError: self.write(': still here\n\n')
                for _, name, data in new: self.write(f'event: {name}\ndata: {data}\n\n')
                await self.flush()
        except StreamClosedError: return   # the tab closed or reloaded

def make_app(port:int, root:Path, token:str)->ServerApp:
    """Jupyter's server app on 127.0.0.1:`port` (0: a free one), its kernels this Python's, started in folder `root` and
    reached over Unix sockets (no port of their own)."""
    cfg = Config()
    cfg.ServerApp.update(ip=HOST, port=port, port_retries=0, root_dir=str(root), open_browser=False, allow_root=True,
                         answer_yes=True, terminals_enabled=False, log_level='WARN', default_url='/index.html',
                         allow_remote_access=False, identity_provider_class=SameOrigin, kernel_spec_manager_class=VenvKernels,
                         # in ms; Jupyter's default timeout is over tornado's limit
                         tornado_settings={'ws_ping_interval': 30_000, 'ws_ping_timeout': 30_000})
    cfg.IdentityProvider.token = token
    cfg.KernelManager.transport = 'ipc'
    app = ServerApp(config=cfg)
    app.initialize(argv=[], find_extensions=False)
    return app

def serve(port:int, out:str|None=None, built:str|None=None)->int:
    """Serve the site (built site folder `built` as it is; else the project's site, built into `out` and rebuilt on each
    save) with this Python's kernels on 127.0.0.1:`port` until Ctrl-C. Prints the address to open, token included."""
    try:
        site = load_site(out)
        folder = Path(built) if built else site.out
        overlay = Path(tempfile.mkdtemp(prefix='lessons-live-'))
        backend('kernel').install(overlay)
    except BuildError as e:
        print(f'make live: {e}', file=sys.stderr)
        return 1
    token = secrets.token_hex(24)
    try: app = make_app(port, site.nbs, token)
    except SystemExit: return 1
    reloads = None if built else Reloads(site, out)
    handlers = [(ENDPOINT + 'page', PageHandler, {'site': site}),
                (rf'/{JUPYTER}(.*)', SiteHandler, {'folders': [overlay, folder], 'page': reloads and reloads.page})]
    if reloads: handlers.insert(0, (reloads.endpoint + '(.*)', PreviewHandler, {'reloads': reloads}))
    app.web_app.add_handlers('.*$', handlers)
    def started():   # once the server listens: the address to open, then the first build
        print(f'http://{HOST}:{app.port}/index.html?token={token}', flush=True)
        if reloads: reloads.start(asyncio.get_running_loop())
    app.io_loop.add_callback(started)
    try: app.start()
    finally:
        if reloads: reloads.stop.set()
        shutil.rmtree(overlay, ignore_errors=True)
    return 0
