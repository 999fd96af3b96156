"""The offline build: check the notebooks, let nbdev process them, render each (cached), wrap, index, swap into place."""
from __future__ import annotations
import base64, contextlib, fcntl, hashlib, importlib.util, json, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools.cellref import cell_ref, nb_label
from tools.notebooks import nb_rel, notebooks

from . import BuildError
from .cells import CellView, source_views, text
from .config import Site, load_site
from .figures import check_alt
from .live import install_live, notebook_live_cells
from .meta import head_tags, write_meta
from .notebook import stored_error, to_markdown
from .page import PageHTML, render_page, sidebar_hrefs
from .pandoc import PandocWarning, pandoc_version, to_html
from .process import proc_nbs
from .strict import find_cell, lessons_table_problems, notebook_problems, sidebar_problems

HERE = Path(__file__).parent
CACHE = '.sitebuild-cache'   # inside nbdev's `_proc/`, so it goes wherever nbdev's cache goes (with the processed notebooks)
_mixed = re.compile(r"^\S*: UserWarning: Found cells containing imports and other code\. See FAQ\.\n---\n(.*?)\n---\n"
                    r"\s*warn\(f'Found[^\n]*\n?", re.S | re.M)   # nbdev's warning (processors._do_eval), with its source line

def source_notebooks(site:Site)->list[str]:
    "The site's notebooks as paths below its notebooks folder (`lesson11/00_intro.ipynb`), listed by nbdev's `nbglob`."
    return [nb_rel(p, site.nbs).as_posix() for p in notebooks(site.nbs)]

def check_notebook(path:Path)->tuple[dict, list[CellView]]:
    """The notebook at `path`, read, and the views of its cells; a malformed file or a stored error (without
    `#| error: true`) is a `BuildError`."""
    try: nb = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e: raise BuildError(f'{path}: not a readable notebook ({e})') from e
    if not isinstance(nb, dict) or not isinstance(nb.get('cells'), list): raise BuildError(f'{path}: not a notebook (no list of cells)')
    for i, cell in enumerate(nb['cells'], 1):
        if not isinstance(cell, dict) or 'cell_type' not in cell: raise BuildError(f'{path}: cell {i} is malformed (no cell_type)')
    views = source_views(nb)
    for i, (cell, view) in enumerate(zip(nb['cells'], views), 1):
        if err := stored_error(cell, view):
            raise BuildError(f'{cell_ref(nb_label(path), i, text(cell.get("source")))} has a stored error, {err.get("ename")}: '
                             f'{err.get("evalue")}. Fix the cell, then `make outputs NB={nb_label(path)}`. To show an error as part of '
                             'the lesson, catch it in the cell (`test_fail(f, contains=...)`, or `try`/`except` that prints it): '
                             'nbdev_test fails on every cell that raises, `#| error: true` or not.')
    check_alt(path, nb, views)
    return nb, views

@contextlib.contextmanager
def captured_output():
    "Capture what this process and its children write to stdout/stderr (nbdev prints warnings and cell output)."
    with tempfile.TemporaryFile(mode='w+') as f:
        sys.stdout.flush(); sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(f.fileno(), 1); os.dup2(f.fileno(), 2)
        res = []
        try: yield res
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os.dup2(saved[0], 1); os.dup2(saved[1], 2)
            os.close(saved[0]); os.close(saved[1])
            f.seek(0); res.append(f.read())

def process(site:Site, nbs:list[str], force:bool=False, quiet:bool=False)->Path:
    """Check notebooks `nbs` (paths below the notebooks folder), then nbdev's doc processing with the build's processors
    (process.py, no Quarto needed); returns the folder of the processed notebooks."""
    from nbdev.config import get_config
    titles, problems = {}, []   # notebook → its `# Title`: nbdev's error names the title, the message names the notebook
    for p in nbs:
        nb, views = check_notebook(site.nbs/p)
        problems += notebook_problems(nb, f'{site.nbs.name}/{p}', set(get_config().get('tst_flags', '').split()), views)
        titles[p] = re.findall(r'^#\s+(.+)$', text(nb['cells'][0].get('source')), re.M)[:1] if nb['cells'] else []
        if p == site.readme_nb: home = nb
    pages = [h for h in sidebar_hrefs(site.sidebar) if h.endswith('.ipynb') and h != site.readme_nb]
    if site.readme_nb in titles and set(pages) <= titles.keys():   # the whole site: the home page's table of lessons
        problems += lessons_table_problems(home, f'{site.nbs.name}/{site.readme_nb}', pages, {h: t[0] for h, t in titles.items() if t})
    if problems: raise BuildError(f'{len(problems)} problem{"s" * (len(problems) > 1)} the build will not render silently:\n  '
                                  + '\n  '.join(problems))
    # In this process: only the notebooks changed since the last run are processed, and spawned workers would each
    # import nbdev, IPython and the notebooks' libraries again (measured: 40% slower on 2 cores).
    with captured_output() as out:
        try: cache = proc_nbs(site.nbs, force=force)
        except Exception as e: err = e
        else: err = None
    log = out[0].strip()
    if err is not None:
        msg = str(err).strip()
        culprit = next((nb for nb, t in titles.items() if t and f'notebook: {t[0].strip()} in' in msg), None)
        raise BuildError(f'nbdev could not process {"nbs/" + culprit if culprit else "the notebooks"}: {msg}'
                         f'{chr(10) + log[-2000:] if log else ""}')
    if log and not quiet: print(nbdev_warnings(log, {f'{site.nbs.name}/{p}': site.nbs/p for p in nbs}), file=sys.stderr)
    return cache

def processed(site:Site, nb:str)->dict:
    "Notebook `nb` (a path below the notebooks folder), checked and processed as the build does it."
    with exclusive(site): return json.loads((process(site, [nb], quiet=True)/nb).read_text())

def nbdev_warnings(log:str, nbs:dict[str, Path])->str:
    "nbdev's log, its warning about a cell mixing imports and other code shortened to one line naming that cell."
    def named(m):
        cell = next((ref for nb, p in nbs.items() if '(no cell' not in (ref := find_cell(json.loads(p.read_text()), nb, m[1]))),
                    f'a cell starting `{m[1].splitlines()[0]}`')
        return (f'warning: {cell} mixes imports and other code; nbdev runs such cells to render show_doc: '
                'move the imports into a cell of their own\n')
    return _mixed.sub(named, log).strip()

def tooling_digest()->str:
    "What the rendered pages depend on besides the notebook: this package's sources and the pandoc version."
    h = hashlib.sha256(pandoc_version().encode())
    for f in sorted(HERE.rglob('*')):
        if f.is_file() and '__pycache__' not in f.parts: h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()

def cached(entry:Path)->PageHTML|None:
    "The rendering stored in cache `entry`; None when absent or unreadable (truncated, corrupt: it is rebuilt)."
    try:
        d = json.loads(entry.read_text())
        res = PageHTML(**{**d, 'files': {k: base64.b64decode(v) for k, v in d['files'].items()}})
    except (OSError, ValueError, TypeError, KeyError, AttributeError): return None
    entry.touch()   # in use: kept by the pruning at the end of the build
    return res

def render(nb:str, proc:Path, site:Site, cache:Path, tooling:str)->tuple[PageHTML, bool]:
    "Notebook `nb` as nbdev processed it into `proc`, rendered, from the cache when content, options and tooling are unchanged."
    raw = (proc/nb).read_bytes()
    depth = int(site.html.get('toc-depth', 3))
    key = hashlib.sha256(raw + tooling.encode() + str(depth).encode()).hexdigest()
    hit = cache/f'{key}.json'
    if (res := cached(hit)) is not None: return res, True
    page = to_markdown(json.loads(raw), nb)
    what = f'{site.nbs.name}/{nb}'
    try: body, toc = to_html(page.markdown, what, depth)
    except PandocWarning as e:
        if not e.tex: raise
        src = json.loads((site.nbs/nb).read_text(encoding='utf-8'))
        raise BuildError('\n  '.join(['TeX math that pandoc cannot convert (the page would show it as raw TeX):',
                                       *(f'{find_cell(src, what, t)}: `{t}`: fix the TeX' for t in e.tex)])) from e
    res = PageHTML(nb, str(page.meta.get('title')), str(page.meta.get('description', '') or ''), body, toc, page.files)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile('w', dir=cache, suffix='.tmp', delete=False) as f:   # atomic: whole entry or none
        f.write(json.dumps({**res.__dict__, 'files': {k: base64.b64encode(v).decode() for k, v in res.files.items()}}))
    os.replace(f.name, hit)
    return res, False

@contextlib.contextmanager
def staged(out:Path):
    "A fresh folder next to `out` that replaces `out` only when the block succeeds; a failure leaves `out` as it was."
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'{out.name}.build-', dir=out.parent))
    try: yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = out.with_name(f'{out.name}.old-{os.getpid()}')
    if out.exists(): out.rename(old)
    tmp.chmod(0o755)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)

def search_index(site_dir:Path)->None:
    "Pagefind's index and UI (`_pagefind/`) for the pages in `site_dir`."
    if importlib.util.find_spec('pagefind') is None:
        raise BuildError('pagefind is missing: install the Python package pagefind[bin] (`make install`)')
    # left out of the index: equations' TeX source (snippets show their text) and the headings' § links (page.py)
    cmd = [sys.executable, '-m', 'pagefind', '--site', str(site_dir), '--output-subdir', '_pagefind', '--silent',
           '--exclude-selectors', 'annotation', '--exclude-selectors', '.anchor']
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode or not (site_dir/'_pagefind'/'pagefind-ui.js').exists():
        raise BuildError(f'pagefind failed (is pagefind[bin] installed?): {(p.stdout + p.stderr).strip()[-2000:]}')

# What the processed folder holds that is not a file for the site: notebooks, configuration, styles (the build writes its own)
PROC_ONLY = ('.ipynb', '.yml', '.css', '.html', '.qmd')

def write_site(site:Site, pages:list[PageHTML], proc:Path, dest:Path)->None:
    "Every page wrapped and written into `dest`, with their figures, the project's other files and the assets."
    titles = {p.href: p.title for p in pages}
    ids = {p.href: set(re.findall(r'\bid="([^"]+)"', p.body)) for p in pages}
    for p in pages:
        (dest/p.href).parent.mkdir(parents=True, exist_ok=True)
        (dest/p.href).write_text(render_page(site, p, titles, ids, head_tags(site, p)), encoding='utf-8')
        for rel, data in p.files.items():
            (dest/rel).parent.mkdir(parents=True, exist_ok=True)
            (dest/rel).write_bytes(data)
    for f in proc.rglob('*'):   # images and other files the notebooks refer to, as Quarto copies them
        rel = f.relative_to(proc)
        if f.is_file() and f.suffix not in PROC_ONLY \
                and not any(s.startswith(('.', '_')) for s in rel.parts):
            (dest/rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest/rel)
    shutil.copytree(HERE/'assets'/'site_libs', dest/'site_libs')
    write_meta(site, pages, proc, dest)

@contextlib.contextmanager
def exclusive(site:Site):
    "One build of a project at a time: builds share nbdev's `_proc/` (several people and tools run them)."
    lock = Path(tempfile.gettempdir())/f'sitebuild-{hashlib.sha256(str(site.root).encode()).hexdigest()[:16]}.lock'
    with open(lock, 'w') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try: yield
        finally: fcntl.flock(f, fcntl.LOCK_UN)

@dataclass
class Result:
    "What a build did: where, how many pages, how many of them pandoc rendered (the rest came from the cache), how long."
    out: Path
    pages: int
    rendered: int
    seconds: float

def build(out:str|None=None, force:bool=False, quiet:bool=False)->Result:
    "Build the site of the project in the working directory into `out` (default: the configured `_docs`)."
    t0 = time.time()
    site = load_site(out)
    tooling = tooling_digest()
    with exclusive(site):
        nbs = source_notebooks(site)   # listed first: a notebook that appears during the build waits for the next one
        proc = process(site, nbs, force, quiet)
        cache = proc.parent/CACHE
        if force: shutil.rmtree(cache, ignore_errors=True)
        if bad := sidebar_problems(nbs, sidebar_hrefs(site.sidebar), nbs=site.nbs): raise BuildError('\n  '.join(['the sidebar:', *bad]))
        lost = [nb for nb in nbs if not (proc/nb).exists()]
        if lost: raise BuildError(f'nbdev did not process {", ".join(lost)} (not in {proc}): run again with --force')
        with ThreadPoolExecutor(2) as ex: done = list(ex.map(lambda nb: render(nb, proc, site, cache, tooling), nbs))  # pandoc runs
        pages, fresh = [p for p, _ in done], sum(not cached for _, cached in done)
        for f in [*cache.glob('*.json'), *cache.glob('*.tmp')]:   # renderings of notebook versions that are gone
            if f.stat().st_mtime < t0: f.unlink()
        with staged(site.out) as tmp:
            write_site(site, pages, proc, tmp)
            install_live(tmp, notebook_live_cells(site.nbs, nbs, proc))
            search_index(tmp)
    return Result(site.out, len(pages), fresh, time.time() - t0)
