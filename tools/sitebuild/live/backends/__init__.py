"""The backends that run a page's live cells, one module each, behind one interface (`Backend`).

A backend installs into a built site what its transport in the page needs, and stops the build at a live cell it cannot
run, saying why and what the author can do. In the page, each
backend has its transport module (`site_libs/live/transport-<name>.js`), which speaks the message protocol of
contract.py (`LIVE_PROTOCOL`) to the shared UI (`live-ui.js`). `pyodide` runs the live pages' cells in the reader's
browser, in the published site; `kernel` runs every cell of every page in a Jupyter kernel of the reader's own Python,
under `make live` only (tools/live).
"""
from __future__ import annotations
from pathlib import Path
from typing import Protocol, runtime_checkable

Cells = dict[str, list[tuple[str, str]]]   # {notebook: [(cell reference, code)]} of the live cells

@runtime_checkable
class Backend(Protocol):
    name: str   # its transport in the page: `transport-<name>.js`

    def install(self, site_dir:Path, cells:Cells)->int:
        """What the page needs to run `cells`, copied into built site `site_dir`; returns the number of modules it ships.
        A cell it cannot run is a `BuildError` naming the cell, why, and what the author can do."""

def backend(name:str='pyodide')->Backend:
    "The backend called `name`."
    from .kernel import Kernel
    from .pyodide import Pyodide
    return {'pyodide': Pyodide, 'kernel': Kernel}[name]()
