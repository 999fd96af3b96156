"""Live cells: what a built site needs to run the `#| classes: live` cells of its pages in the reader's browser.

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

from . import BuildError
from .notebook import cell_classes, cell_options, text

HERE = Path(__file__).parent
TOOLS_ROOT = HERE.parents[1]   # the checkout holding this build: its package.json pins Pyodide, npm installs it there
PYODIDE_FILES = ('pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json')
PACKAGE = 'lessons_lib'

def live_cells(nb:dict)->list[str]:
    """The code of the cells of notebook `nb` that run in the page (options removed), in page order: those marked
    `#| classes: live` and, when there are any, the `#| exports` cells, which live.js runs among them unmarked."""
    srcs = [text(c.get('source')) for c in nb.get('cells', []) if c.get('cell_type') == 'code']
    parsed = [cell_options(src) for src in srcs]
    marked = ['live' in cell_classes(opts) for opts, _ in parsed]
    if not any(marked): return []
    exports = re.compile(r'^#\|\s*exports\s*$', re.M)
    return [code for (_, code), m, src in zip(parsed, marked, srcs) if m or exports.search(src)]

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

def bundle(cells:dict[str, list[str]])->dict[str, str]:
    """{path: source} of the modules that the live `cells` ({notebook: codes}) and the torch-free `lessons_lib` modules
    import; a live cell that imports a module which cannot run in the browser is a `BuildError` naming it."""
    roots = set(torch_free_modules())
    for nb, codes in cells.items():
        for i, code in enumerate(codes, 1):
            need = {m for m in imported(code, f'{nb}, live cell {i}') if not is_stdlib(m)}
            if bad := module_closure(need)[1]:
                raise BuildError(f'{nb}: live cell {i} (`{code.splitlines()[0]}`) imports {", ".join(sorted(bad))}, which '
                                 'Pyodide cannot load (compiled or missing): remove `classes: live` from that cell')
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

def notebook_live_cells(nbs:list[Path])->dict[str, list[str]]:
    "{notebook name: the code of its live cells} for the notebooks `nbs` that have any."
    res = {p.name: live_cells(json.loads(p.read_text(encoding='utf-8'))) for p in nbs}
    return {k: v for k, v in res.items() if v}

def install_live(site_dir:Path, cells:dict[str, list[str]], root:Path=TOOLS_ROOT)->int:
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
