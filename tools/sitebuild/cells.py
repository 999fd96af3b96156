"""One cell view: what the build knows about a cell, parsed once and carried in the cell's metadata.

nbdev parses a cell's `#|` lines when it reads a notebook (`NBProcessor` → `cell.directives_`) and leaves the Quarto
options (`#| key: value`) at the top of the source. `read_view` turns that into a `CellView`: nbdev's directives as
parsed, the Quarto options read as YAML (the only place in the build that reads `#|` lines), the code without them.
The build's processors (process.py) store the view in `cell.metadata[KEY]`, numbered as Jupyter numbers the cell in the
source notebook; every later step (notebook.py, figures.py, live/) reads it back with `view_of`. The strict checks read
source notebooks through `source_view`, which runs nbdev's own parser first, as `NBProcessor` does.
"""
from __future__ import annotations
import copy, json, re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml
from fastcore.basics import AttrDict
from nbdev.process import extract_directives

from tools.cellref import cell_ref, first_line

KEY = 'sitebuild'   # the cell metadata key that holds the view
EXPORTING = {'export', 'exports', 'exporti'}   # nbdev's directives that write a cell into the module
_option = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.*)$')

def text(src)->str: return ''.join(src) if isinstance(src, list) else (src or '')

@dataclass
class CellView:
    "A cell as the build sees it."
    number: int|None = None                        # 1-based among all cells of the source notebook, as Jupyter shows it
    directives: dict = field(default_factory=dict) # nbdev's directives (`export`, `hide`, `tolerance`...): name → arguments
    options: dict = field(default_factory=dict)    # Quarto options (`#| echo: false`): name → YAML value
    classes: list = field(default_factory=list)    # the `classes` option, and what the build adds (`live`)
    exported: bool = False                         # written into the module (`#| export`, `exports`, `exporti`)
    shown: bool = False                            # its code shows on the page

def _value(s:str):
    "A cell option's YAML value (`false`, `show`, `\"a caption\"`); the text itself if it is not valid YAML."
    try: return yaml.safe_load(s) if s.strip() else None
    except yaml.YAMLError: return s.strip()

def split_options(source:str)->tuple[dict, str]:
    "The Quarto options (`#| key: value` lines at the top of a cell nbdev has read) and the code without them."
    lines, opts = source.splitlines(), {}
    while lines and lines[0].startswith('#|'):
        if m := _option.match(lines.pop(0)): opts[m[1]] = _value(m[2])
    return opts, '\n'.join(lines).strip('\n')

def classes_of(opts:dict)->list[str]:
    "The `classes` option (`#| classes: live`, or a list), as class names."
    c = opts.get('classes')
    return [str(x) for x in c] if isinstance(c, list) else str(c or '').split()

def read_view(cell, number:int|None=None)->tuple[CellView, str]:
    "(view, code without options) of a cell nbdev has read (`cell.directives_` set, its Quarto lines still in the source)."
    if cell.get('cell_type') != 'code': return CellView(number), text(cell.get('source'))
    opts, code = split_options(text(cell.get('source')))
    dirs = {k: list(v) for k, v in (cell.get('directives_') or {}).items() if not k.endswith(':')}
    shown = bool(code.strip()) and opts.get('echo') is not False and opts.get('include') is not False and opts.get('output') != 'asis'
    return CellView(number, dirs, opts, classes_of(opts), bool(EXPORTING & dirs.keys()), shown), code

def source_view(cell:dict, number:int, lang:str='python')->CellView:
    "The view of cell `number` of a source notebook, its `#|` lines parsed by nbdev as `NBProcessor` parses them."
    c = AttrDict(copy.deepcopy(cell))
    c['source'] = text(c.get('source'))
    if c.get('cell_type') == 'code': c['directives_'] = extract_directives(c, lang=lang)
    return read_view(c, number)[0]

def source_views(nb:dict)->list[CellView]:
    "The view of every cell of source notebook `nb`, in order."
    lang = nb.get('metadata', {}).get('kernelspec', {}).get('language', 'python')
    return [source_view(c, i, lang) for i, c in enumerate(nb.get('cells', []), 1)]

def view_of(cell:dict)->CellView:
    "The view the build's processing stored in `cell` (an empty one for a cell it added)."
    return CellView(**cell.get('metadata', {}).get(KEY, {}))

def store(cell, view:CellView)->None:
    "Keep `view` in `cell`'s metadata."
    cell.setdefault('metadata', {})[KEY] = asdict(view)

def source_ref(nbs:Path, nb:str, number:int|None, code:str='')->str:
    "Cell `number` of source notebook `nb` (below folder `nbs`), named as every tool names cells; by its code if unnumbered."
    where = f'{nbs.name}/{nb}'
    if number is None: return f'{where}, the cell `{first_line(code)}`'
    cells = json.loads((nbs/nb).read_text(encoding='utf-8')).get('cells', [])
    return cell_ref(where, number, text(cells[number-1].get('source')))
