"""Which cells of a page are live, whatever runs them (backend-free).

A page is live when its notebook says so once, in a raw front-matter cell (`---` / `live: true` / `---`), which nbdev
merges into the page's front matter and Quarto ignores. `LiveCells`, the last of the build's processors (process.py),
then adds the class `live` to the view (cells.py) of every code cell of the page that shows its code, and puts a note
under the title saying which cells run. `#| exports` cells are not marked: the page runs them among the live cells.
A cell no backend can run keeps its stored output: its author marks it `#| classes: colab` (`STATIC`), and the page
says why and links the notebook in Colab.
"""
from __future__ import annotations
from dataclasses import replace

from execnb.nbio import mk_cell
from nbdev.process import Processor

from .. import BuildError
from ..cells import store, text, view_of
from ..contract import COLAB, LIVE

LIVE_KEY = 'live'   # the front-matter key
STATIC = COLAB      # the class that keeps a cell of a live page static

def page_is_live(fm:dict, where:str)->bool:
    "Whether front matter `fm` (of notebook `where`) makes its page live; a value other than true/false is a `BuildError`."
    v = fm.get(LIVE_KEY, False)
    if not isinstance(v, bool): raise BuildError(f'{where}: front matter `{LIVE_KEY}: {v}` must be true or false')
    return v

def note(runs:int, shown:int, static:int)->str:
    "The note under the title of a live page: how many of its code cells run in the browser, and how."
    res = (f'{runs} of the {shown} code cells on this page run in your browser: **Run** under a cell runs it (and the '
           'cells above it that have not run yet), **Edit** lets you change its code, **Reset** brings back the original.')
    if static: res += f' The other {static} need packages the browser cannot load; they show their stored output and link to Colab.'
    return f'::: {{.callout-tip .live-note title="Live code"}}\n{res}\n:::'

class LiveCells(Processor):
    """On a page whose front matter says `live: true`, every code cell that shows its code, except `#| exports` cells
    and `STATIC` ones, gets the class `live` in its view; a note under the title says which cells run."""
    def begin(self):
        self.live = page_is_live(getattr(self.nb, 'frontmatter_', None) or {}, getattr(self.nb, 'path_', 'a notebook'))
        self.runs = self.shown = self.static = 0

    def cell(self, cell):
        if not self.live or cell.cell_type != 'code' or not (v := view_of(cell)).shown: return
        self.shown += 1
        if STATIC in v.classes: self.static += 1
        else:
            self.runs += 1
            if 'exports' not in v.directives: store(cell, replace(v, classes=[*v.classes, LIVE]))

    def end(self):
        if self.live: self.nb.cells.insert(1, mk_cell(note(self.runs, self.shown, self.static), 'markdown'))

def live_cells(nb:dict)->list[tuple[int|None, str]]:
    """(source number, code) of the cells of processed notebook `nb` that run in the page, in page order: those marked
    `live` and, when there are any, the exported definitions, which the page runs among them unmarked."""
    code = [(view_of(c), text(c.get('source'))) for c in nb.get('cells', []) if c.get('cell_type') == 'code']
    if not any(LIVE in v.classes for v, _ in code): return []
    return [(v.number, src) for v, src in code if LIVE in v.classes or (v.shown and 'exports' in v.directives)]
