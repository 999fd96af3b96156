"""What a live cell imports: followed through the modules' sources, to the ones that are pure Python (any backend that
ships modules to the page needs them) and the ones that are not."""
from __future__ import annotations
import ast, functools, importlib.util, sys
from pathlib import Path

from .. import BuildError

PACKAGE = 'lessons_lib'

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
