"""A save's rebuild, in the preview's own process: nbdev, the build and the notebooks' libraries stay imported.

`Preview.full` is the published build (`tools.sitebuild.build.build`). After it, `Preview.rebuild` does what a change
needs, with the build's own steps: its checks and nbdev's processing (only the notebooks changed since are processed),
every page rendered (pandoc runs only for a page whose processed notebook changed; the others come from the build's
cache) and wrapped, and only the files whose bytes changed written into the served folder, each atomically. It returns
the pages that changed: their tabs reload. `Preview.settle` brings the rest up to date after the reload: the downloads
and markdown copies of the notebooks changed since, the sitemap, llms.txt and the search index. A change to the build's
assets alone (`site_libs/`) is copied over, with no build, and reloads every page. Between saves, `Preview.warm`
processes each notebook once in memory, so that the libraries its cells import (nbdev runs them for `show_doc`) are
imported before its first save.
"""
from __future__ import annotations
import atexit, hashlib, json, os, re, tempfile, threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from string import Template

import tools.sitebuild
from tools.sitebuild import BuildError
from tools.sitebuild import build as sb
from tools.sitebuild import page as sp
from tools.sitebuild.config import Site, load_site
from tools.sitebuild.live import install_live, notebook_live_cells
from tools.sitebuild.meta import head_tags, write_meta
from tools.sitebuild.page import PageHTML, render_page, sidebar_hrefs
from tools.sitebuild.process import processed_copy
from tools.sitebuild.strict import sidebar_problems

ASSETS = Path(tools.sitebuild.__file__).parent/'assets'
ALL = '*'   # in a list of changed pages: every page (an asset they all load changed)

def write_if_changed(path:Path, data:bytes)->bool:
    "`data` written to `path` unless it holds them already, atomically (a reader gets the old file or the new); whether it wrote."
    try:
        if path.read_bytes() == data: return False
    except OSError: pass
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix='.preview-', delete=False) as f: f.write(data)
    os.chmod(f.name, 0o644)
    os.replace(f.name, path)
    return True

def synced(src:Path, dest:Path)->bool:
    "Every file of folder `src` written into folder `dest` where it differs; whether any was."
    res = False
    for f in sorted(src.rglob('*')):
        if f.is_file() and write_if_changed(dest/f.relative_to(src), f.read_bytes()): res = True
    return res

class Preview:
    "The site of the project in the working directory, built into `out` (default: the configured `_docs`), kept up to date."
    def __init__(self, out:str|None=None):
        self.out = out
        self.built = False         # a complete site is in the served folder
        self.seen = {}             # notebook → digest of its source and processed copy, when last written
        self.unsettled = set()     # notebooks whose download and markdown copy are still to write (`settle`)
        self.due = None            # (site, pages, processed folder) for `settle`, None when all is written
        self.live = None           # the live cells whose runtime the served site holds
        self.cold = []             # notebooks not yet processed in this process (`warm`)

    def full(self)->sb.Result:
        "The published build, as `make site` makes it."
        res = sb.build(self.out, quiet=True)
        site = load_site(self.out)
        with sb.exclusive(site):
            nbs = sb.source_notebooks(site)
            proc = sb.process(site, nbs, quiet=True)
            end_shells()
            self.live, self.seen = notebook_live_cells(site.nbs, nbs, proc), {nb: digest(site, proc, nb) for nb in nbs}
        self.built, self.due, self.unsettled, self.cold = True, None, set(), [site.nbs/nb for nb in nbs]
        return res

    def warm(self)->None:
        "The next cold notebook processed in memory, its output discarded (a notebook that fails says so when saved)."
        f = self.cold.pop(0)
        try:
            with sb.captured_output(): processed_copy(json.loads(f.read_text(encoding='utf-8')), str(f))
        except Exception: pass
        finally: end_shells()

    def rebuild(self, paths:set[Path])->list[str]:
        "What changes to `paths` change in the site, written; returns the pages whose HTML changed (`[ALL]`: every page)."
        if not self.built:
            self.full()
            return [ALL]
        if paths and all(p.is_relative_to(ASSETS/'site_libs') for p in paths):
            return [ALL] if synced(ASSETS/'site_libs', load_site(self.out).out/'site_libs') else []
        sp.TEMPLATE = Template((ASSETS/'page.html').read_text())   # page.py reads the template once, at import
        site = load_site(self.out)
        with sb.exclusive(site):
            nbs = sb.source_notebooks(site)
            try: proc = sb.process(site, nbs, quiet=True)
            finally: end_shells()
            if bad := sidebar_problems(nbs, sidebar_hrefs(site.sidebar), nbs=site.nbs):
                raise BuildError('\n  '.join(['the sidebar:', *bad]))
            cache, tooling = proc.parent/sb.CACHE, sb.tooling_digest()
            with ThreadPoolExecutor(2) as ex: pages = [p for p, _ in ex.map(lambda nb: sb.render(nb, proc, site, cache, tooling), nbs)]
            changed = write_pages(site, pages, proc)
            if synced(ASSETS/'site_libs', site.out/'site_libs'): changed = [ALL]
            if (cells := notebook_live_cells(site.nbs, nbs, proc)) != self.live:   # rare: a live cell edited
                install_live(site.out, cells)
                self.live = cells
            now = {nb: digest(site, proc, nb) for nb in nbs}
        self.unsettled |= {nb for nb in nbs if now[nb] != self.seen.get(nb)}
        self.seen, self.due = now, (site, pages, proc)
        return changed

    def settle(self)->None:
        "After the reload: the downloads and markdown copies of the notebooks changed since, the sitemap, llms.txt, the search index."
        if self.due is None: return
        site, pages, proc = self.due
        with sb.exclusive(site): write_meta(site, pages, proc, site.out, changed=self.unsettled)
        sb.search_index(site.out)
        self.due, self.unsettled = None, set()

def end_shells()->None:
    """Let go of the IPython shells that nbdev's processing started (one per processed notebook, to run `show_doc`):
    each keeps a history thread, and both are held until exit, so a long preview would keep one of each per save."""
    for t in threading.enumerate():
        if type(t).__name__ == 'HistorySavingThread':
            t.stop()
            atexit.unregister(t.stop)
            if shell := getattr(t.history_manager, 'shell', None): atexit.unregister(shell.atexit_operations)

def digest(site:Site, proc:Path, nb:str)->str:
    "What a notebook's download and markdown copy come from: its source and its processed copy."
    return hashlib.sha256((site.nbs/nb).read_bytes() + (proc/nb).read_bytes()).hexdigest()

def write_pages(site:Site, pages:list[PageHTML], proc:Path)->list[str]:
    """Every page wrapped as the build's `write_site` wraps it, with its figures, and the files the notebooks refer to,
    each written where it changed; returns the pages whose HTML or figures changed."""
    titles = {p.href: p.title for p in pages}
    ids = {p.href: set(re.findall(r'\bid="([^"]+)"', p.body)) for p in pages}
    changed = []
    for p in pages:
        figures = [write_if_changed(site.out/rel, data) for rel, data in p.files.items()]
        html = render_page(site, p, titles, ids, head_tags(site, p)).encode()
        if write_if_changed(site.out/p.href, html) or any(figures): changed.append(p.href)
    for f in proc.rglob('*'):
        rel = f.relative_to(proc)
        if f.is_file() and f.suffix not in sb.PROC_ONLY and not any(s.startswith(('.', '_')) for s in rel.parts):
            write_if_changed(site.out/rel, f.read_bytes())
    return changed
