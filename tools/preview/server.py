"""The preview's HTTP server (the standard library's), its state, and the loop that rebuilds on each batch of changes.

Addresses below `ENDPOINT` are the server's own: `client.js` (the reload client, `PREVIEW` prepended), `events` (a tab's
event stream) and `status` (JSON: builds so far, busy, the current error; tests and `make bench` read it). Every other
address is a file of the served folder; an HTML page gets the client's `<script>` before its `</body>` as it is sent
(the page's Content-Security-Policy admits scripts and connections of its own origin), and nothing is cached.
"""
from __future__ import annotations
import html, json, queue, sys, threading, time, traceback
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tools.sitebuild import BuildError

from . import ENDPOINT, NAMES
from .rebuild import ALL, Preview

CLIENT = Path(__file__).with_name('client.js')
KEEPALIVE_S = 15   # an idle event stream gets a comment this often, so a closed tab's stream ends

class State:
    """What the tabs are told, guarded by `cond`: each page's generation (the count of builds that changed pages, when it
    last changed), the current build error, and the events sent so far (numbered, the latest kept)."""
    def __init__(self):
        self.cond = threading.Condition()
        self.generation, self.changed_at, self.error = 0, {}, None
        self.ready = False    # the first build succeeded
        self.busy = True      # a build (or what follows it) is running or about to
        self.builds = 0       # builds after the first one: one per batch of changes
        self.seconds = None   # how long the last build took, until the pages were written
        self.events, self.sent = [], 0

    def publish(self, name:str, data:dict)->None:
        "Send event `name` with `data` to every open tab (the caller holds `cond`)."
        self.sent += 1
        self.events = [*self.events[-49:], (self.sent, name, json.dumps(data))]
        self.cond.notify_all()

    def built(self, pages:list[str], seconds:float)->None:
        with self.cond:
            if pages: self.generation += 1
            for p in pages: self.changed_at[p] = self.generation
            self.error, self.ready, self.seconds = None, True, seconds
            self.publish('built', {'pages': pages, 'generation': self.generation})

    def failed(self, message:str)->None:
        with self.cond:
            self.error = message
            self.publish('failed', {'message': message})

    def stale(self, page:str, since:int)->bool:
        "Whether `page`, served at generation `since`, has changed since."
        return max(self.changed_at.get(page, 0), self.changed_at.get(ALL, 0)) > since

    def opening(self, page:str, since:int)->tuple[int, list[tuple[str, str]]]:
        """What a new event stream of tab `page` (served at generation `since`) starts with: the number of events sent
        so far, then `hello` and what the tab missed (the current error, or that its page changed)."""
        with self.cond:
            first = [('hello', json.dumps({'generation': self.generation}))]
            if self.error: first.append(('failed', json.dumps({'message': self.error})))
            elif self.stale(page, since): first.append(('built', json.dumps({'pages': [page], 'generation': self.generation})))
            return self.sent, first

    def status(self)->dict:
        with self.cond:
            return {'ready': self.ready, 'busy': self.busy, 'builds': self.builds, 'generation': self.generation,
                    'error': self.error, 'seconds': self.seconds}

def with_client(body:bytes|None, href:str, state:State, command:str)->tuple[int, bytes]:
    """(status, HTML) of the site's page `href` (`body`; None: not built, which the page says, and reloads once it is)
    with the reload client's script, which `command`'s server serves."""
    since = state.generation   # read first: a page written meanwhile reloads once more, never once too few
    code = 200 if body is not None else 404
    if body is None:
        body = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not built</title></head><body>'
                f'<p>{command}: no page {html.escape(href)} in the served site (yet).</p></body></html>').encode()
    script = f'<script src="{ENDPOINT}client.js" data-page="{html.escape(href)}" data-since="{since}"></script>'.encode()
    i = body.rfind(b'</body>')
    return code, body[:i] + script + body[i:] if i >= 0 else body + script

class Handler(SimpleHTTPRequestHandler):
    "The served folder's files, each HTML page with the reload client; the server's own addresses below `ENDPOINT`."
    state: State

    def log_message(self, *args): pass
    def end_headers(self):
        self.send_header('Cache-Control', 'no-store')   # a reload shows what the last build wrote
        super().end_headers()

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.startswith(ENDPOINT): return self.own(url.path[len(ENDPOINT):], parse_qs(url.query))
        f = Path(self.translate_path(url.path))
        if url.path.endswith('/'): f = f/'index.html'
        if f.suffix == '.html': return self.page(f, unquote(url.path).lstrip('/') + ('index.html' if url.path.endswith('/') else ''))
        return super().do_GET()

    def send(self, code:int, body:bytes, kind:str):
        self.send_response(code)
        self.send_header('Content-Type', kind)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def page(self, f:Path, href:str):
        "HTML page `f` (the site's page `href`) with the reload client."
        try: body = f.read_bytes()
        except OSError: body = None
        self.send(*with_client(body, href, self.state, 'make serve'), 'text/html; charset=utf-8')

    def own(self, name:str, query:dict):
        if name == 'client.js':
            return self.send(200, f'const PREVIEW = {json.dumps(NAMES)};\n{CLIENT.read_text()}'.encode(), 'text/javascript')
        if name == 'status': return self.send(200, json.dumps(self.state.status()).encode(), 'application/json')
        if name == 'events': return self.stream(query.get('page', ['index.html'])[0], int(query.get('since', ['0'])[0]))
        self.send_error(404)

    def stream(self, page:str, since:int):
        "Tab `page` (served at generation `since`): the events from now on, after what it missed."
        s = self.state
        self.send_response(200)
        self.send_header('Content-Type', 'text/event-stream')
        self.end_headers()
        seen, first = s.opening(page, since)
        try:
            for name, data in first: self.event(name, data)
            while True:
                with s.cond:
                    s.cond.wait_for(lambda seen=seen: s.sent > seen, timeout=KEEPALIVE_S)
                    new, seen = [e for e in s.events if e[0] > seen], s.sent
                if not new: self.wfile.write(b': still here\n\n'); self.wfile.flush()
                for _, name, data in new: self.event(name, data)
        except (BrokenPipeError, ConnectionResetError): return   # the tab closed or reloaded

    def event(self, name:str, data:str):
        self.wfile.write(f'event: {name}\ndata: {data}\n\n'.encode())
        self.wfile.flush()

class Server(ThreadingHTTPServer):
    daemon_threads = True
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError): super().handle_error(request, client_address)

def make_server(folder:Path, state:State, port:int)->Server:
    "The server of `folder` on 127.0.0.1 at `port` (0: a free one)."
    return Server(('127.0.0.1', port), partial(type('PreviewHandler', (Handler,), {'state': state}), directory=str(folder)))

def builder(preview:Preview, state:State, changes:queue.Queue)->None:
    """Build, then rebuild on each batch of changes, forever: the batches that arrived meanwhile make one build; after
    a build that changed pages the tabs are told at once, and the rest of the site is written while no change waits;
    then the notebooks are warmed, one at a time while no change waits. `state.busy` until all that is done."""
    paths, first = set(), True
    while True:
        if not first:
            while preview.cold and changes.empty(): preview.warm()
            with state.cond: state.busy = not changes.empty()
            paths = changes.get()
        while not changes.empty(): paths |= changes.get()
        with state.cond:
            state.busy = True
            if not first: state.builds += 1
        t = time.perf_counter()
        try:
            pages = preview.rebuild(paths)
        except Exception as e:   # a BuildError names notebook, cell and fix; anything else shows its traceback
            msg = str(e) if isinstance(e, BuildError) else traceback.format_exc()
            state.failed(msg)
            print(f'make serve: the build failed (the open pages show this until the next good save):\n{msg}',
                  file=sys.stderr, flush=True)
        else:
            took = time.perf_counter() - t
            state.built(pages, took)
            n = 'every page' if ALL in pages else f'{len(pages)} page{"s" * (len(pages) != 1)}' + (f' ({", ".join(pages)})' * bool(pages))
            what = 'the site built' if first else f'{", ".join(sorted(changed(paths))) or "a change"}: {n} changed,'
            print(f'{what} in {took:.2f} s', flush=True)
            if changes.empty():
                try: preview.settle()
                except Exception as e:
                    state.failed(f'after the build: {e}')
                    print(f'make serve: after the build: {e}', file=sys.stderr, flush=True)
        first = False

def changed(paths:set[Path])->set[str]:
    "The changed files, as a contributor names them (relative to the working directory where inside it)."
    cwd = Path.cwd()
    return {p.relative_to(cwd).as_posix() if p.is_relative_to(cwd) else str(p) for p in paths}
