"""Figures: every figure a page shows has alt text, and is shown at most at its natural size.

A code cell whose shown outputs include an image needs `#| fig-alt: <what the figure shows>` (or `#| fig-cap:`, whose
text then serves as the alt text); the build stops naming each cell that has neither. execnb stores PNGs at 2x with
`metadata["image/png"]["width"/"height"]` in CSS pixels: the page gets those as the image's size, so a figure is never
upscaled (CSS `max-width: 100%` still shrinks it to a narrow screen).
"""
from __future__ import annotations
from pathlib import Path

from tools.cellref import cell_ref
from . import BuildError
from . import notebook   # which imports this module: its names are looked up when called

def shows_image(cell:dict)->bool:
    "Whether code `cell` shows an image output on its page."
    opts = notebook.cell_options(notebook.text(cell.get('source')))[0]
    if opts.get('include') is False or opts.get('output') is False or opts.get('eval') is False: return False
    return any(m in o.get('data', {}) for o in cell.get('outputs', []) for m in notebook.IMAGES)

def shown(path:Path)->Path:
    "`path` as contributors type it (`nbs/03_stats.ipynb`): relative to the working directory where it lies below it."
    try: return path.resolve().relative_to(Path.cwd())
    except ValueError: return path

def missing_alt(path:Path, nb:dict)->list[str]:
    "The cells of notebook `nb` (at `path`) that show a figure with neither `fig-alt` nor `fig-cap`, as cell references."
    path, res = shown(path), []
    for i, cell in enumerate(nb.get('cells', []), 1):
        if cell.get('cell_type') != 'code' or not shows_image(cell): continue
        opts = notebook.cell_options(notebook.text(cell.get('source')))[0]
        if not str(opts.get('fig-alt') or '').strip() and not str(opts.get('fig-cap') or '').strip():
            res.append(cell_ref(str(path), i, notebook.text(cell.get('source'))))
    return res

def unquoted_text(path:Path, nb:dict)->list[str]:
    """The cells of `nb` whose `fig-alt` or `fig-cap` YAML reads as something other than text (`a: b` is a mapping):
    Quarto would mangle them as this build would, so they are quoted."""
    return [cell_ref(str(shown(path)), i, notebook.text(c.get('source'))) + f': `{k}`'
            for i, c in enumerate(nb.get('cells', []), 1) if c.get('cell_type') == 'code'
            for k, v in notebook.cell_options(notebook.text(c.get('source')))[0].items()
            if k in ('fig-alt', 'fig-cap') and v is not None and not isinstance(v, str)]

def check_alt(path:Path, nb:dict)->None:
    "A `BuildError` naming every cell of `nb` whose figure has no alt text, or alt text or caption that is not text."
    if cells := missing_alt(path, nb):
        raise BuildError(f'{len(cells)} figure(s) without alt text; add `#| fig-alt: <what the figure shows>` as the '
                         'first line of each cell, then `nbdev_clean`:\n  ' + '\n  '.join(cells))
    if cells := unquoted_text(path, nb):
        raise BuildError('alt text or caption that YAML does not read as text (a `: ` makes it a mapping); put the '
                         'value in double quotes, `#| fig-alt: "…"`:\n  ' + '\n  '.join(cells))

def size_attrs(output:dict, mime:str)->str:
    "` width=… height=…` (pandoc attributes) from the output's stored size in CSS pixels; empty when not stored."
    meta = output.get('metadata', {}).get(mime, {})
    w, h = meta.get('width'), meta.get('height')
    if not isinstance(w, (int, float)) or w <= 0: return ''
    return f' width={int(w)}' + (f' height={int(h)}' if isinstance(h, (int, float)) and h > 0 else '')

def attr(key:str, value:str)->str:
    "A pandoc markdown attribute `key=\"value\"`, quotes and backslashes in `value` escaped."
    return key + '="' + value.replace('\\', '\\\\').replace('"', '\\"') + '"'
