"""A processed notebook (what nbdev writes to `_proc/`) → Pandoc markdown, as Quarto reads it.

Markdown cells go in verbatim; code cells become fenced code blocks and their outputs `.cell-output` divs, honouring
the Quarto cell options nbdev emits (`#| echo: false`, `output: false|asis`, `include: false`, `code-fold`,
`code-summary`, `fig-cap`, `error: true`, `classes`), which the build's processing put in each cell's view (cells.py)
with the rest of what it knows about the cell. Images become files next to the page.
"""
from __future__ import annotations
import base64, re
from dataclasses import dataclass, field

import yaml

from tools.notebooks import page_name

from . import BuildError
from .cells import CellView, text, view_of
from .contract import CELL, CELL_NUMBER, CELL_OUTPUT, CODE_FOLD, EXPORTED
from .figures import IMAGES, attr, size_attrs
from .showdoc import is_show_doc, render_show_doc
from .srclinks import current_lines

_ansi = re.compile(r'\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])')

@dataclass
class NotebookMarkdown:
    "One notebook as Pandoc markdown, its front matter and the files (figures) it refers to."
    name: str                                   # notebook path below nbs/, e.g. `00_callbacks.ipynb`, `lesson11/00_intro.ipynb`
    meta: dict                                  # front matter: title, description, output-file
    markdown: str
    files: dict[str, bytes] = field(default_factory=dict)   # path relative to the site's root → content

def page_files(nb:str, kind:str, fn:str)->tuple[str, str]:
    """(path below the site's root, link from the page) of file `fn` of notebook `nb`'s page, in the folder of `kind`
    (`figure-html`, `attachments`) where Quarto puts it: `lesson11/intro_files/figure-html/x.png`, `intro_files/...`."""
    stem = page_name(nb)[:-5]
    return f'{stem}_files/{kind}/{fn}', f'{stem.rpartition("/")[2]}_files/{kind}/{fn}'

def stored_error(cell:dict, view:CellView)->dict|None:
    "The first stored error output of a code cell, unless its options allow errors (`#| error: true`); the build checks it."
    if cell.get('cell_type') != 'code' or view.options.get('error') is True: return None
    return next((o for o in cell.get('outputs', []) if o.get('output_type') == 'error'), None)

def fenced(code:str, lang:str='', attrs:str='')->str:
    "`code` in a backtick fence longer than any backtick run inside it."
    fence = '`' * max(3, 1 + max((len(m) for m in re.findall(r'`+', code)), default=0))
    info = '{' + ' '.join(filter(None, [f'.{lang}' if lang else '', attrs])) + '}' if lang or attrs else ''
    return f'{fence}{info}\n{code}\n{fence}'

def div(content:str, cls:str)->str: return f'::: {{{cls}}}\n{content}\n:::'

class _Cell:
    "Render one code cell; `files` collects the images its outputs hold."
    def __init__(self, page:str, idx:int, cell:dict, files:dict, as_list:bool):
        self.page, self.idx, self.files, self.as_list = page, idx, files, as_list
        self.view = view_of(cell)
        self.opts, self.code = self.view.options, text(cell.get('source'))
        self.lang = cell.get('metadata', {}).get('language', 'python')
        self.outputs = cell.get('outputs', [])

    def image(self, mime:str, data, j:int, output:dict)->str:
        key, path = page_files(self.page, 'figure-html', f'cell-{self.idx}-output-{j}.{IMAGES[mime]}')
        self.files[key] = text(data).encode() if mime == 'image/svg+xml' else base64.b64decode(text(data))
        cap = str(self.opts.get('fig-cap', '') or '').replace('\n', ' ')
        alt = str(self.opts.get('fig-alt', '') or '').replace('\n', ' ') or cap   # figures.check_alt: one is there
        return f'![{cap}]({path}){{{attr("alt", alt)}{size_attrs(output, mime)}}}'

    def output(self, o:dict, j:int)->str:
        kind, asis = o.get('output_type'), self.opts.get('output') == 'asis'
        if kind == 'stream':
            s = _ansi.sub('', text(o.get('text'))).rstrip('\n')
            return s if asis else div(fenced(s), f'.{CELL_OUTPUT} .{CELL_OUTPUT}-{o.get("name", "stdout")}')
        if kind == 'error':
            tb = _ansi.sub('', '\n'.join(o.get('traceback', [])) or f"{o.get('ename')}: {o.get('evalue')}")
            return div(fenced(tb), f'.{CELL_OUTPUT} .{CELL_OUTPUT}-error')
        data = o.get('data', {})
        mime = next((m for m in IMAGES if m in data), None)
        if mime: return div(self.image(mime, data[mime], j, o), f'.{CELL_OUTPUT} .{CELL_OUTPUT}-display')
        if 'text/markdown' in data:
            md = current_lines(text(data['text/markdown']))   # show_doc's source links: today's line numbers
            if is_show_doc(md): md = render_show_doc(md, f'{self.page}, processed cell {self.idx}', self.as_list)
            return md if asis else div(md, f'.{CELL_OUTPUT} .{CELL_OUTPUT}-display')
        if 'text/html' in data: return div(fenced(text(data['text/html']), attrs='=html'), f'.{CELL_OUTPUT} .{CELL_OUTPUT}-display')
        if 'text/plain' in data:
            s = text(data['text/plain'])
            return s if asis else div(fenced(s), f'.{CELL_OUTPUT} .{CELL_OUTPUT}-display')
        return ''

    def markdown(self)->str:
        o = self.opts
        if o.get('include') is False: return ''
        parts = []
        if o.get('echo') is not False and self.code:
            block = fenced(self.code, self.lang, '.cell-code')
            fold = o.get('code-fold')
            if fold in (True, 'show'):
                summary = str(o.get('code-summary', 'Code')).replace('"', '&quot;')
                block = f'::: {{.{CODE_FOLD} summary="{summary}"{" open=true" if fold == "show" else ""}}}\n{block}\n:::'
            parts.append(block)
        if o.get('output') is not False and o.get('eval') is not False:
            parts += [md for j, out in enumerate(self.outputs, 1) if (md := self.output(out, j))]
        if not parts: return ''
        # asis output is page markdown (show_doc headings belong in the TOC), so it is not wrapped in a cell div
        exported = [EXPORTED] if 'exports' in self.view.directives else []   # live-ui.js runs these
        classes = ''.join(f' .{c}' for c in self.view.classes + exported)   # Quarto puts them on the cell's div
        number = f' {CELL_NUMBER[5:]}="{self.view.number}"' if self.view.number else ''   # pandoc writes it as data-…
        return '\n\n'.join(parts) if o.get('output') == 'asis' else f':::: {{.{CELL}{classes}{number}}}\n' + '\n\n'.join(parts) + '\n::::'

def front_matter(cell:dict)->dict|None:
    "The YAML front matter nbdev writes into the first (raw) cell, or None."
    src = text(cell.get('source')).strip()
    if cell.get('cell_type') != 'raw' or not src.startswith('---'): return None
    try: return yaml.safe_load(src.strip('-\n')) or {}
    except yaml.YAMLError as e: raise BuildError(f'front matter is not valid YAML: {e}') from e

def to_markdown(nb:dict, name:str, as_list:bool=False)->NotebookMarkdown:
    """The processed notebook `nb` (path `name` below nbs/) as Pandoc markdown; with `as_list`, show_doc's parameters
    as lists rather than HTML tables (for markdown copies)."""
    cells, meta, files, parts = nb.get('cells', []), {}, {}, []
    if cells and (fm := front_matter(cells[0])) is not None: meta, cells = fm, cells[1:]
    for i, cell in enumerate(cells, 1):
        kind, src = cell.get('cell_type'), text(cell.get('source'))
        if kind == 'markdown':
            for fn, data in cell.get('attachments', {}).items():
                mime, payload = next(iter(data.items()))
                key, path = page_files(name, 'attachments', fn)
                files[key] = base64.b64decode(text(payload))
                src = src.replace(f'attachment:{fn}', path)
            parts.append(src)
        elif kind == 'code':
            parts.append(_Cell(name, i, cell, files, as_list).markdown())
        elif kind == 'raw': parts.append(src)
    meta.setdefault('title', name.rpartition('/')[2].rsplit('.', 1)[0])
    return NotebookMarkdown(name, meta, '\n\n'.join(p for p in parts if p.strip()) + '\n', files)
