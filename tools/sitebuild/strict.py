"""The strict build: what a source notebook may hold. Anything the build would drop or mangle is a problem that names
the notebook, the cell (as Jupyter numbers it, `tools/cellref.py`) and the fix; CONTRIBUTING.md lists the same."""
from __future__ import annotations
import re
from pathlib import Path

from tools.cellref import cell_ref
from .cells import CellView, source_views, text
from .notebook import _ansi   # colour codes in outputs: the build strips them

# Quarto cell options the build renders (notebook.py), and nbdev's own directives (nbdev acts on them before the build)
QUARTO_OPTIONS = {'echo', 'output', 'include', 'eval', 'error', 'code-fold', 'code-summary', 'fig-cap', 'fig-alt', 'classes'}
NBDEV_DIRECTIVES = {'default_exp', 'export', 'exporti', 'exports', 'hide', 'exec_doc', 'filter_stream'}
# The notebook check's own directive: `#| tolerance 3% why`, numbers that vary between machines (tools/numdiff.py)
CHECK_DIRECTIVES = {'tolerance'}
# Fenced divs (`::: {.callout-note}`) a markdown cell may open; filters.lua renders them
DIV_CLASSES = {'callout-note', 'callout-tip', 'callout-warning', 'callout-important', 'callout-caution'}

_control = re.compile(r'[\x00-\x09\x0b-\x1f\x7f]')
_div = re.compile(r'^:::+\s*\{([^}]*)\}', re.M)
_shortcode = re.compile(r'\{\{<\s*(\w+)')
_xref = re.compile(r'(?<![\w@])@(fig|tbl|sec|eq|lst|thm)-[\w-]+')
# an output that navigates away, changes the base of every link, or loads from another host
_away = [(re.compile(r'<meta\b[^>]*http-equiv', re.I), 'a <meta http-equiv> tag (it can reload or redirect the page)'),
         (re.compile(r'<base\b', re.I), 'a <base> tag (it changes where every link of the page points)'),
         (re.compile(r'<(?:script|img|iframe|link|embed|object|source|video|audio|track|frame)\b[^>]*?\b(?:src|href|srcset|data|poster)'
                     r'\s*=\s*["\']?\s*(?:https?:)?//', re.I), 'an element that loads from another host'),
         (re.compile(r'url\(\s*["\']?\s*(?:https?:)?//|@import\b', re.I), 'CSS that loads from another host'),
         (re.compile(r'!\[[^\]]*\]\(\s*(?:https?:)?//'), 'an image from another host')]

def control_chars(s:str, allowed:str='\n')->list[str]:
    "The control characters in `s` other than `allowed`, as `U+000C` names."
    return sorted({f'U+{ord(c):04X}' for c in _control.findall(s) if c not in allowed})

def visible(s:str)->str:
    "`s` with its control characters (newline aside) shown as Unicode control pictures: a form-feed is `␌`."
    return _control.sub(lambda m: chr(0x2400 + ord(m[0])) if m[0] != '\x7f' else '\u2421', s)

def outputs_text(cell:dict)->list[tuple[str, str]]:
    "(mime or stream, text) of every text output of a code cell."
    res = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream': res.append((o.get('name', 'stream'), text(o.get('text'))))
        for mime, v in o.get('data', {}).items():
            if mime.startswith('text/'): res.append((mime, text(v)))
    return res

def written(view:CellView, name:str)->str:
    "Option or directive `name` of `view` as a `#|` line."
    if name in view.options: return f'#| {name}: {view.options[name]}'
    return ' '.join(['#|', name, *view.directives[name]])

def cell_problems(cell:dict, view:CellView, options:set[str])->list[str]:
    "What in `cell` (seen as `view`) the build cannot render faithfully, each with the fix."
    kind, src, res = cell.get('cell_type'), text(cell.get('source')), []
    if bad := control_chars(src, '\n\t' if kind == 'code' else '\n'):
        res.append(f'its source holds control character {", ".join(bad)} (a Python string may have turned `\\f` of '
                   '`\\frac` into a form-feed): retype that text in Jupyter')
    if kind == 'code':
        for name in [*view.directives, *view.options]:
            if name not in options and f'%%{name}' not in src:   # nbdev reads a cell magic as a directive
                res.append(f'cell option `{written(view, name)}` is not one the build renders: use one of '
                           f'{", ".join(sorted(QUARTO_OPTIONS))} (CONTRIBUTING.md) or remove it')
        for mime, out in outputs_text(cell):
            if bad := control_chars(_ansi.sub('', out)):
                res.append(f'its {mime} output holds control character {", ".join(bad)}: fix the code, then `make outputs NB=...`')
            if mime in ('text/html', 'text/markdown'): res += [f'its {mime} output holds {what}: remove it from the output, then '
                                                               '`make outputs NB=...`' for rx, what in _away if rx.search(out)]
    if kind == 'markdown':
        for attrs in _div.findall(src):
            classes = {c[1:] for c in attrs.split() if c.startswith('.')}
            if not classes & DIV_CLASSES:
                res.append(f'fenced div `::: {{{attrs}}}` is not rendered by the build: use one of '
                           f'{", ".join(sorted("." + c for c in DIV_CLASSES))}')
        res += [f'Quarto shortcode `{{{{< {m}` is not rendered by the build: write it out' for m in _shortcode.findall(src)]
        res += [f'Quarto cross-reference `@{m}-…` is not rendered by the build: link to the heading instead' for m in _xref.findall(src)]
        res += [f'it holds {what}: remove it' for rx, what in _away if rx.search(src)]
    return res

def notebook_problems(nb:dict, path:str, tst_flags:set[str]=frozenset(), views:list[CellView]|None=None)->list[str]:
    """Every problem of notebook `nb` (at `path`, its cells seen as `views`, read from it when not given), each naming
    its cell; `make outputs NB=...` filled in."""
    options = QUARTO_OPTIONS | NBDEV_DIRECTIVES | CHECK_DIRECTIVES | set(tst_flags)
    views = source_views(nb) if views is None else views
    return [f'{cell_ref(path, v.number, visible(text(c.get("source"))))}: {p}'.replace('NB=...', f'NB={path}')
            for c, v in zip(nb.get('cells', []), views) for p in cell_problems(c, v, options)]

def sidebar_problems(names:list[str], listed:list[str], quarto:str='_quarto.yml', nbs:Path|None=None)->list[str]:
    """Notebooks (`names`, paths below notebooks folder `nbs`) missing from the sidebar, and sidebar entries naming none;
    an entry naming a notebook in a folder that nbdev does not look into says so."""
    def unknown(h):
        if nbs is not None and (nbs/h).is_file():
            return (f'{quarto} lists {h} in the sidebar, but nbdev does not list nbs/{h}: set `recursive = True` in settings.ini '
                    'so that notebooks in folders of nbs/ are part of the site (a folder starting with `_` or `.` never is)')
        return f'{quarto} lists {h} in the sidebar, but nbs/{h} does not exist: remove the entry or restore the notebook'
    return ([f'nbs/{n} is not in the sidebar: add it to `website.sidebar.contents` in {quarto}' for n in names if n not in listed]
            + [unknown(h) for h in listed if h.endswith('.ipynb') and h not in names])

_lesson_row = re.compile(r'^\|\s*\[([^\]]+)\]\(([^)#\s]+\.ipynb)\)', re.M)   # | [Title](03_stats.ipynb) | ...

def lessons_table_problems(home:dict, path:str, pages:list[str], titles:dict[str,str])->list[str]:
    """Where the home notebook `home` (at `path`) has a table of lessons (rows that start with a link to a notebook), it
    must list `pages` (the sidebar's notebooks besides the home page) in their order, each by its `# Title` (`titles`)."""
    for i, cell in enumerate(home.get('cells', []), 1):
        rows = _lesson_row.findall(text(cell.get('source'))) if cell.get('cell_type') == 'markdown' else []
        if not rows: continue
        where, fix = cell_ref(path, i, text(cell.get('source'))), 'then `.venv/bin/python -m tools.sitebuild readme`'
        listed = [h for _, h in rows]
        res = [f'{where}: the table of lessons has no row for {h}, which the sidebar lists: add one, {fix}'
               for h in pages if h not in listed]
        res += [f'{where}: the table of lessons links {h}, which the sidebar does not list: remove the row or add the page '
                f'to the sidebar, {fix}' for h in listed if h not in pages]
        if not res and listed != pages:
            res.append(f'{where}: the table of lessons lists its pages in another order than the sidebar '
                       f'({", ".join(pages)}): reorder its rows, {fix}')
        res += [f'{where}: the table of lessons calls {h} "{t}", its title is "{titles[h]}": use the title, {fix}'
                for t, h in rows if h in titles and t != titles[h]]
        return res
    return []

def find_cell(nb:dict, path:str, needle:str)->str:
    "The `cell_ref` of the first cell of `nb` whose source or text output holds `needle`; the notebook alone if none."
    for i, c in enumerate(nb.get('cells', []), 1):
        if needle in text(c.get('source')) or any(needle in t for _, t in outputs_text(c)): return cell_ref(path, i, text(c.get('source')))
    return f'{path} (no cell holds `{needle}` verbatim)'
