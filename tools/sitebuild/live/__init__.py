"""Live cells: the cells of a page a reader can edit and run, as one part of the build.

  marking    which cells are live (backend-free): `LiveCells`, one of the build's nbdev processors (process.py)
  imports    what a live cell imports, followed to the modules that are pure Python
  backends/  what runs them: `pyodide` (in the reader's browser, the published site), `kernel` (every shown cell of every
             page in a Jupyter kernel of the reader's Python, under `make live` only: tools/live); each has its transport
             in the page
Both builds call `install_live`: the offline build at the end of `build`, the Quarto build through
`python -m tools.sitebuild live`.
"""
from __future__ import annotations
import json
from pathlib import Path

from .. import BuildError
from ..cells import source_ref
from .backends import Cells, backend
from .marking import live_cells

def notebook_live_cells(folder:Path, nbs:list[str], proc:Path)->Cells:
    """{notebook: [(cell reference, code)] of its live cells} for the notebooks `nbs` (paths below notebooks folder
    `folder`) that have any, read from the build's processed copies in `proc` (where `LiveCells` marked them)."""
    res = {}
    for p in nbs:
        try: nb = json.loads((proc/p).read_text(encoding='utf-8'))
        except (OSError, json.JSONDecodeError) as e:
            raise BuildError(f'{proc/p}: no processed notebook ({e}): build the site first (`make site`)') from e
        if found := live_cells(nb): res[p] = [(source_ref(folder, p, n, code), code) for n, code in found]
    return res

def install_live(site_dir:Path, cells:Cells, name:str='pyodide')->int:
    """What backend `name` needs to run the live `cells` in built site `site_dir`; returns its module count. A site
    without live cells gets nothing (and needs no npm)."""
    return backend(name).install(site_dir, cells) if cells else 0
