"""The Pyodide backend: live cells run in the reader's browser, in CPython compiled to WebAssembly (the npm package
`pyodide`, pinned in package.json) inside a Web Worker (`site_libs/live/transport-pyodide.js`, `live-worker.js`).

`install` copies into a built site's `site_libs/`:
  pyodide/   the pinned package's runtime files, from `node_modules/`
  live/      the page scripts, worker, styles and `runner.py` (from `assets/site_libs/live/`), and `modules.json`: the
             sources of the Python modules the live cells import besides the standard library (the torch-free
             `lessons_lib` modules, `fastcore.test`), found by following imports, so the page runs the code the tests run.
"""
from __future__ import annotations
import json, re, shutil
from pathlib import Path

from ... import BuildError
from ..imports import imported, is_stdlib, module_closure, torch_free_modules
from ..marking import LIVE_KEY, STATIC
from . import Cells

HERE = Path(__file__).parents[2]   # tools/sitebuild
TOOLS_ROOT = HERE.parents[1]       # the checkout holding this build: its package.json pins Pyodide, npm installs it there
PYODIDE_FILES = ('pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json')

def bundle(cells:Cells)->dict[str, str]:
    """{path: source} of the modules that the live `cells` and the torch-free `lessons_lib` modules import; a live cell
    that imports a module which cannot run in the browser is a `BuildError` naming the notebook and the cell."""
    roots = set(torch_free_modules())
    for refs in cells.values():
        for ref, code in refs:
            need = {m for m in imported(code, ref) if not is_stdlib(m)}
            if bad := module_closure(need)[1]:
                raise BuildError(f'{ref} imports {", ".join(sorted(bad))}, which Pyodide cannot load (compiled or missing), '
                                 f'and its page is live (front matter `{LIVE_KEY}: true`): add `#| classes: {STATIC}` to the '
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

class Pyodide:
    "Live cells in the reader's browser: pure-Python modules only."
    name = 'pyodide'
    def __init__(self, root:Path=TOOLS_ROOT): self.root = root

    def install(self, site_dir:Path, cells:Cells)->int:
        _, pyodide = pinned_pyodide(self.root)
        mods = bundle(cells)
        dest = site_dir/'site_libs'
        (dest/'pyodide').mkdir(parents=True, exist_ok=True)
        for f in PYODIDE_FILES: shutil.copy2(pyodide/f, dest/'pyodide'/f)
        shutil.copytree(HERE/'assets'/'site_libs'/'live', dest/'live', dirs_exist_ok=True)
        (dest/'live'/'modules.json').write_text(json.dumps(mods), encoding='utf-8')
        return len(mods)
