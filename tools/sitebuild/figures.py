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
from .cells import CellView, source_views, text

IMAGES = {'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/svg+xml': 'svg'}

def shows_image(cell:dict, view:CellView)->bool:
    "Whether code `cell` (seen as `view`) shows an image output on its page."
    opts = view.options
    if opts.get('include') is False or opts.get('output') is False or opts.get('eval') is False: return False
    return any(m in o.get('data', {}) for o in cell.get('outputs', []) for m in IMAGES)

def shown(path:Path)->Path:
    "`path` as contributors type it (`nbs/03_stats.ipynb`): relative to the working directory where it lies below it."
    try: return path.resolve().relative_to(Path.cwd())
    except ValueError: return path

def missing_alt(path:Path, nb:dict, views:list[CellView])->list[str]:
    """The cells of notebook `nb` (at `path`, its cells seen as `views`) that show a figure with neither `fig-alt` nor
    `fig-cap`, as cell references."""
    return [cell_ref(str(shown(path)), v.number, text(c.get('source'))) for c, v in zip(nb.get('cells', []), views)
            if c.get('cell_type') == 'code' and shows_image(c, v)
            and not str(v.options.get('fig-alt') or '').strip() and not str(v.options.get('fig-cap') or '').strip()]

def unquoted_text(path:Path, nb:dict, views:list[CellView])->list[str]:
    """The cells of `nb` whose `fig-alt` or `fig-cap` YAML reads as something other than text (`a: b` is a mapping):
    Quarto would mangle them as this build would, so they are quoted."""
    return [cell_ref(str(shown(path)), v.number, text(c.get('source'))) + f': `{k}`'
            for c, v in zip(nb.get('cells', []), views) for k, o in v.options.items()
            if k in ('fig-alt', 'fig-cap') and o is not None and not isinstance(o, str)]

def check_alt(path:Path, nb:dict, views:list[CellView]|None=None)->None:
    """A `BuildError` naming every cell of `nb` (seen as `views`, read from it when not given) whose figure has no alt
    text, or alt text or caption that is not text."""
    views = source_views(nb) if views is None else views
    if cells := missing_alt(path, nb, views):
        raise BuildError(f'{len(cells)} figure(s) without alt text; add `#| fig-alt: <what the figure shows>` as the '
                         'first line of each cell, then `nbdev_clean`:\n  ' + '\n  '.join(cells))
    if cells := unquoted_text(path, nb, views):
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
