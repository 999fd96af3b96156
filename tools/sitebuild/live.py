"""Live cells: which cells of a page run in the reader's browser, and what a built site needs to run them.

A page is live when its notebook says so once, in a raw front-matter cell (`---` / `live: true` / `---`), which nbdev
merges into the page's front matter and Quarto ignores. `LiveCells`, an nbdev processor (settings.ini `procs`), then
marks every code cell of the page that shows its code `#| classes: live` in nbdev's processed copy (`_proc/`), so both
builds render the same classes, and puts a note under the title saying which cells run. A cell that needs packages the
browser cannot load opts out with `#| classes: colab` (it keeps its stored output and links to Colab).


`install_live(site_dir, cells)` copies into `site_dir/site_libs/`:
  pyodide/   the pinned npm package `pyodide` (WebAssembly CPython and its standard library), from `node_modules/`
  live/      the page script, its worker, styles and `runner.py` (from `assets/site_libs/live/`, where the offline build
             copies them from anyway), and `modules.json`: the sources of the Python modules the live cells import
             besides the standard library (the torch-free `lessons_lib` modules, `fastcore.test`), found by following
             imports, so the page runs the same code the tests run.
Both builds call it: the offline build at the end of `build`, the Quarto build through `python -m tools.sitebuild live`.
"""
from __future__ import annotations
import ast, functools, importlib.util, json, re, shutil, sys
from pathlib import Path

from execnb.nbio import mk_cell
from nbdev.process import Processor

from ..cellref import cell_ref, first_line
from . import BuildError
from .notebook import cell_classes, cell_options, text

HERE = Path(__file__).parent
TOOLS_ROOT = HERE.parents[1]   # the checkout holding this build: its package.json pins Pyodide, npm installs it there
PYODIDE_FILES = ('pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json')
PACKAGE = 'lessons_lib'

LIVE_KEY = 'live'     # the front-matter key
OPT_OUT = 'colab'     # the cell class that keeps a cell of a live page static

def page_is_live(fm:dict, where:str)->bool:
    "Whether front matter `fm` (of notebook `where`) makes its page live; a value other than true/false is a `BuildError`."
    v = fm.get(LIVE_KEY, False)
    if not isinstance(v, bool): raise BuildError(f'{where}: front matter `{LIVE_KEY}: {v}` must be true or false')
    return v

def shows_code(opts:dict, code:str)->bool:
    "Whether a code cell with options `opts` shows its code on the page (nbdev's `show_doc` cells show only their output)."
    return bool(code.strip()) and opts.get('echo') is not False and opts.get('include') is not False and opts.get('output') != 'asis'

def with_class(source:str, cls:str)->str:
    "Cell `source` with `cls` added to its `#| classes:` option (the option written when there is none)."
    opts, _ = cell_options(source)
    classes = ' '.join(dict.fromkeys(cell_classes(opts) + [cls]))
    if 'classes' not in opts: return f'#| classes: {classes}\n{source}'
    return re.sub(r'^#\|\s*classes\s*:.*$', f'#| classes: {classes}', source, count=1, flags=re.M)

def note(runs:int, shown:int, static:int)->str:
    "The note under the title of a live page: how many of its code cells run in the browser, and how."
    res = (f'{runs} of the {shown} code cells on this page run in your browser: **Run** under a cell runs it (and the '
           'cells above it that have not run yet), **Edit** lets you change its code, **Reset** brings back the original.')
    if static: res += f' The other {static} need packages the browser cannot load; they show their stored output and link to Colab.'
    return f'::: {{.callout-tip .live-note title="Live code"}}\n{res}\n:::'

class LiveCells(Processor):
    """nbdev processor (settings.ini `procs`): on a page whose front matter says `live: true`, every code cell that
    shows its code, except `#| exports` cells (live.js runs them unmarked) and `#| classes: colab` cells, gets
    `#| classes: live`; a note under the title says which cells run."""
    def begin(self):
        self.live = page_is_live(getattr(self.nb, 'frontmatter_', None) or {}, getattr(self.nb, 'path_', 'a notebook'))
        self.runs = self.shown = self.static = 0

    def cell(self, cell):
        if not self.live or cell.cell_type != 'code': return
        opts, code = cell_options(cell.source)
        if not shows_code(opts, code): return
        self.shown += 1
        if OPT_OUT in cell_classes(opts): self.static += 1
        else:
            self.runs += 1
            if 'exports' not in cell.directives_: cell.source = with_class(cell.source, 'live')

    def end(self):
        if self.live: self.nb.cells.insert(1, mk_cell(note(self.runs, self.shown, self.static), 'markdown'))

def live_cells(nb:dict)->list[str]:
    """The code of the cells of processed notebook `nb` that run in the page (options removed), in page order: those
    marked `#| classes: live` and, when there are any, the exported definitions, which live.js runs among them unmarked."""
    srcs = [text(c.get('source')) for c in nb.get('cells', []) if c.get('cell_type') == 'code']
    parsed = [cell_options(src) for src in srcs]
    marked = ['live' in cell_classes(opts) for opts, _ in parsed]
    if not any(marked): return []
    return [code for (opts, code), m in zip(parsed, marked) if m or opts.get('code-fold') == 'show']

def imported(src:str, where:str, package:str|None=None)->set[str]:
    """The absolute names of the modules that code `src` imports when it runs: module level only (imports inside
    functions run on demand), relative imports resolved against `package`."""
    try: tree = ast.parse(src)
    except SyntaxError as e: raise BuildError(f'{where}: not valid Python ({e.msg}, line {e.lineno})') from e
    res, todo = set(), list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import): res |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name('.' * node.level + (node.module or ''), package) if node.level else node.module
            res.add(base)   # `from pkg import name` imports `pkg.name` too when that is a module
            res |= {f'{base}.{a.name}' for a in node.names if not is_stdlib(base) and source_of(f'{base}.{a.name}')}
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            todo += node.body + getattr(node, 'orelse', []) + getattr(node, 'finalbody', [])
            todo += [s for h in getattr(node, 'handlers', []) for s in h.body]
    return res

def is_stdlib(name:str)->bool: return name.split('.')[0] in sys.stdlib_module_names

@functools.cache
def pure_root(top:str)->Path|None:
    "The folder (package) or file (module) of top-level module `top` if it is pure Python; None if compiled or missing."
    spec = importlib.util.find_spec(top)
    if spec is None or not (spec.origin or '').endswith('.py'): return None
    if not spec.submodule_search_locations: return Path(spec.origin)
    folder = Path(spec.origin).parent
    return None if next((p for p in folder.rglob('*') if p.suffix in ('.so', '.pyd')), None) else folder

def source_of(name:str)->tuple[str, Path]|None:
    "(path inside the site's Python folder, source file) of pure-Python module `name`; None when compiled or missing."
    top, *rest = name.split('.')
    root = pure_root(top)
    if root is None or (root.is_file() and rest): return None
    if root.is_file(): return f'{top}.py', root
    for f in (root.joinpath(*rest, '__init__.py'), root.joinpath(*rest).with_suffix('.py') if rest else None):
        if f is not None and f.exists(): return f'{top}/{f.relative_to(root).as_posix()}', f
    return None

def module_closure(roots:set[str])->tuple[dict[str, Path], set[str]]:
    """The non-stdlib modules `roots` need, with their parent packages, followed through their imports:
    ({path in the site: source file}, the names that are not pure Python)."""
    files, bad, seen, todo = {}, set(), set(), [r for r in roots if not is_stdlib(r)]
    while todo:
        name = todo.pop()
        if name in seen: continue
        seen.add(name)
        parts = name.split('.')
        todo += ['.'.join(parts[:i]) for i in range(1, len(parts))]   # `a.b` runs `a/__init__.py` first
        src = source_of(name)
        if src is None:
            bad.add(name)
            continue
        rel, path = src
        files[rel] = path
        pkg = name if rel.endswith('__init__.py') else name.rpartition('.')[0]
        todo += [m for m in imported(path.read_text(encoding='utf-8'), str(path), pkg) if not is_stdlib(m)]
    return files, bad

def package_modules()->list[str]:
    "Every module of `lessons_lib` (its private, generated ones excepted)."
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None: raise BuildError(f'{PACKAGE} is not importable: run `make install`')
    return sorted(f'{PACKAGE}.{p.stem}' for p in Path(spec.origin).parent.glob('*.py') if not p.stem.startswith('_'))

def torch_free_modules()->list[str]:
    "The `lessons_lib` modules whose imports are all the standard library or pure Python: those that run in Pyodide."
    return [m for m in package_modules() if not module_closure({m})[1]]

def bundle(cells:dict[str, list[tuple[str, str]]])->dict[str, str]:
    """{path: source} of the modules that the live `cells` ({notebook: [(cell reference, code)]}) and the torch-free
    `lessons_lib` modules import; a live cell that imports a module which cannot run in the browser is a `BuildError`
    naming the notebook and the cell."""
    roots = set(torch_free_modules())
    for refs in cells.values():
        for ref, code in refs:
            need = {m for m in imported(code, ref) if not is_stdlib(m)}
            if bad := module_closure(need)[1]:
                raise BuildError(f'{ref} imports {", ".join(sorted(bad))}, which Pyodide cannot load (compiled or missing), '
                                 f'and its page is live (front matter `{LIVE_KEY}: true`): add `#| classes: {OPT_OUT}` to the '
                                 'cell, so the page shows its stored output and links to Colab, or remove the import')
            roots |= need
    files, _ = module_closure(roots)
    return {rel: files[rel].read_text(encoding='utf-8') for rel in sorted(files)}

def pinned_pyodide(root:Path)->tuple[str, Path]:
    "(version, folder) of the `pyodide` npm package installed under `root`, checked against the pin in package.json."
    try: want = json.loads((root/'package.json').read_text())['dependencies']['pyodide']
    except (OSError, KeyError, json.JSONDecodeError) as e: raise BuildError(f'{root}/package.json does not pin pyodide ({e})') from e
    folder = root/'node_modules'/'pyodide'
    try: have = json.loads((folder/'package.json').read_text())['version']
    except (OSError, KeyError, json.JSONDecodeError): have = None
    if have != want or not re.fullmatch(r'[\d.]+', want):
        raise BuildError(f'Pyodide {want} is pinned in package.json but {"version " + have if have else "none"} is installed '
                         f'in {folder}: run `npm ci` (`make site` does)')
    missing = [f for f in PYODIDE_FILES if not (folder/f).exists()]
    if missing: raise BuildError(f'{folder} lacks {", ".join(missing)}: run `npm ci`')
    return want, folder

def source_ref(nbs:Path, nb:str, code:str)->str:
    "The cell of source notebook `nb` (below folder `nbs`) whose code (options removed) is `code`, named as every tool names cells."
    sources = [text(c.get('source')) for c in json.loads((nbs/nb).read_text(encoding='utf-8')).get('cells', [])]
    i = next((i for i, src in enumerate(sources, 1) if cell_options(src)[1] == code), None)
    where = f'{nbs.name}/{nb}'
    return cell_ref(where, i, sources[i-1]) if i else f'{where}, the cell `{first_line(code)}`'

def notebook_live_cells(folder:Path, nbs:list[str], proc:Path)->dict[str, list[tuple[str, str]]]:
    """{notebook: [(cell reference, code)] of its live cells} for the notebooks `nbs` (paths below notebooks folder
    `folder`) that have any, read from nbdev's processed copies in `proc` (where `LiveCells` marked them)."""
    res = {}
    for p in nbs:
        try: nb = json.loads((proc/p).read_text(encoding='utf-8'))
        except (OSError, json.JSONDecodeError) as e:
            raise BuildError(f'{proc/p}: no processed notebook ({e}): build the site first (`make site`)') from e
        if codes := live_cells(nb): res[p] = [(source_ref(folder, p, code), code) for code in codes]
    return res

def install_live(site_dir:Path, cells:dict[str, list[tuple[str, str]]], root:Path=TOOLS_ROOT)->int:
    """Copy Pyodide (installed under `root`), the live-cell scripts and the modules the live `cells` need into built site
    `site_dir`; returns the module count. A site without live cells gets nothing (and needs no npm)."""
    if not cells: return 0
    _, pyodide = pinned_pyodide(root)
    mods = bundle(cells)
    dest = site_dir/'site_libs'
    (dest/'pyodide').mkdir(parents=True, exist_ok=True)
    for f in PYODIDE_FILES: shutil.copy2(pyodide/f, dest/'pyodide'/f)
    shutil.copytree(HERE/'assets'/'site_libs'/'live', dest/'live', dirs_exist_ok=True)
    (dest/'live'/'modules.json').write_text(json.dumps(mods), encoding='utf-8')
    return len(mods)
