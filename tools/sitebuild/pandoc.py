"""Pandoc markdown → an HTML body and its table of contents, or → GitHub markdown, with pandoc 3 from pypandoc-binary."""
from __future__ import annotations
import functools, re, subprocess
from pathlib import Path

from . import BuildError
from .contract import LUA

HERE = Path(__file__).parent
_SPLIT = '<!--sitebuild:body-->'
_tex_warning = re.compile(r'Could not convert TeX math (.*?), rendering as TeX:', re.S)
# pandoc wraps each highlighted code line in a span holding an empty link to itself; pages are lighter without them
_line_anchors = re.compile(r'<span id="cb\d+-\d+"><a href="#cb\d+-\d+" aria-hidden="true" tabindex="-1"></a>(.*?)</span>(?=\n|</code>)')

@functools.cache
def pandoc_path()->str:
    "The pandoc binary bundled with pypandoc-binary (pandoc 3)."
    try:
        import pypandoc
        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as e:
        raise BuildError(f'pandoc 3 is missing: install the Python package pypandoc-binary (`make install`) ({e})') from e
    return path

@functools.cache
def pandoc_version()->str:
    out = subprocess.run([pandoc_path(), '--version'], capture_output=True, text=True).stdout.split('\n')[0]
    if not out.startswith('pandoc 3'): raise BuildError(f'need pandoc 3, found {out!r}: install pypandoc-binary (`make install`)')
    return out

class PandocWarning(BuildError):
    "Pandoc warned (it renders something other than what was written); `tex` holds the math it could not convert."
    def __init__(self, msg:str, tex:list[str]): super().__init__(msg); self.tex = tex

def pandoc(md:str, *args:str, what:str)->str:
    "Run pandoc on markdown `md`; a failure or a warning (treated as an error) names `what` was being converted."
    names = [f'--metadata=contract-{k}:{v}' for k, v in LUA.items()]   # the page contract's names, for filters.lua
    p = subprocess.run([pandoc_path(), '--from', 'markdown', f'--lua-filter={HERE/"filters.lua"}', *names, *args],
                       input=md, capture_output=True, text=True)
    if p.returncode: raise BuildError(f'pandoc failed on {what}: {p.stderr.strip()}')
    if '[WARNING]' in p.stderr:
        raise PandocWarning(f'pandoc warned on {what}: {p.stderr.strip()[:2000]}', _tex_warning.findall(p.stderr))
    return p.stdout

def to_html(md:str, what:str, toc_depth:int=3)->tuple[str, str]:
    "The HTML body of `md` and its table of contents (a nested <ul>, empty when there are no headings)."
    tpl = HERE/'assets'/'fragment.html5'
    out = pandoc(md, '--to', 'html5', '--mathml', '--toc', f'--toc-depth={toc_depth}', f'--template={tpl}', what=what)
    toc, body = out.split(_SPLIT, 1)
    return _line_anchors.sub(r'\1', body.strip()), toc.strip()

def to_gfm(md:str, what:str)->str:
    "`md` as GitHub-flavoured markdown."
    return pandoc(md, '--to', 'gfm', '--wrap=none', what=what)
