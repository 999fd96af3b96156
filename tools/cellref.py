"""How every tool names a notebook cell in its messages: the notebook's path, the cell's number counted as Jupyter
lists cells (1-based, markdown and code alike, in the source notebook), and its first line, so a contributor can find it."""
from __future__ import annotations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def nb_label(fn:str|Path)->str:
    "`nbs/03_stats.ipynb`: the notebook as a contributor types it (relative to the project root when inside it)."
    fn = Path(fn).absolute()
    return fn.relative_to(ROOT).as_posix() if fn.is_relative_to(ROOT) else str(fn)

def first_line(source:str, width:int=60)->str:
    """The first line of `source` that is not a Quarto/nbdev option (`#| ...`), shortened to `width` characters (lines end
    only at a newline: `splitlines` would also cut at a form-feed or other control character inside the line)."""
    line = next((s.strip() for s in source.split('\n') if s.strip() and not s.startswith('#|')), '')
    return line if len(line) <= width else line[:width-1] + '…'

def cell_ref(nb:str, number:int, source:str)->str:
    "`nbs/03_stats.ipynb, cell 49 (`## The library…`)`: notebook `nb`, cell `number` (1-based), its first line."
    return f'{nb}, cell {number} (`{first_line(source)}`)'
