"""`show_doc` output, rendered at build time as nbdev's own docs show docments: a heading, a compact signature and a
parameter table (Type, Default, Details), with working links and no markdown syntax inside code.

nbdev 2.4 stores show_doc output as markdown: an optional `---`, a `[source](…){…}` link, `### name`, a ```python
fence holding `def name(` and one parameter a line with its `# comment`, then the `*docstring*`. In `_proc/` nbdev
has turned backticked names into links (``[`Learner`](https://…)``), also inside that fence.
"""
from __future__ import annotations
import ast, io, re, textwrap, tokenize

from . import BuildError

WIDTH = 90   # the code column shows 92 monospace characters at a 1280 px window
_doc = re.compile(r'^(?:---\s*\n\s*)?(\[source\]\([^)\s]+\)(?:\{[^}\n]*\})?)\s*\n\s*(#{2,6} [^\n]+)\n\s*'
                  r'```python\n(.*?)\n```[ \t]*\n?(.*)\Z', re.S)
_code_link = re.compile(r'\[`([^`\]]+)`\]\(([^)\s]+)\)')   # [`Learner`](https://…)
_link = re.compile(r'\[([^\]]+)\]\(([^)\s]+)\)')

def is_show_doc(md:str)->bool: return bool(_doc.match(md.strip()))

def code_span(s:str)->str:
    "`s` as a markdown code span, fenced by more backticks than it holds."
    fence = '`' * (1 + max((len(m) for m in re.findall(r'`+', s)), default=0))
    return f'{fence} {s} {fence}' if s.startswith('`') or s.endswith('`') else f'{fence}{s}{fence}'

def type_markdown(src:str, links:dict[str, str])->str:
    "An annotation as markdown code, its linked names (`links`: name → address) as links."
    if not src: return ''
    if not links: return code_span(src)
    pat = re.compile(r'(?<![\w.])(' + '|'.join(map(re.escape, sorted(links, key=len, reverse=True))) + r')(?!\w)')
    out, pos = [], 0
    for m in pat.finditer(src):
        if m.start() > pos: out.append(code_span(src[pos:m.start()]))
        out.append(f'[{code_span(m[1])}]({links[m[1]]})')
        pos = m.end()
    return ''.join(out) + (code_span(src[pos:]) if pos < len(src) else '')

def comments(code:str)->dict[int, str]:
    "{line number: text} of the `# comments` in `code`."
    toks = tokenize.generate_tokens(io.StringIO(code).readline)
    return {t.start[0]: t.string.lstrip('#').strip() for t in toks if t.type == tokenize.COMMENT}

def parse_signature(code:str, where:str):
    "(function node, source without comments, {line: comment}) of the fenced signature `code` (links already removed)."
    try:
        notes = comments(code)
        tree = ast.parse(code.rstrip() + '\n    ...\n')
    except (SyntaxError, tokenize.TokenError) as e:
        raise BuildError(f'{where}: the show_doc signature is not Python ({e}):\n{code}') from e
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        raise BuildError(f'{where}: the show_doc signature is not a `def` or `class`:\n{code}')
    return node, notes

def _seg(code:str, node)->str: return ' '.join((ast.get_source_segment(code, node) or '').split()) if node else ''

def params(node, code:str, notes:dict[int, str])->list[tuple[str, str, str, str]]:
    "(name with * or **, annotation, default, comment) of each parameter of `node`."
    if isinstance(node, ast.ClassDef): return []
    a = node.args
    pos = a.posonlyargs + a.args
    defaults = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
    res = [(p.arg, p, d) for p, d in zip(pos, defaults)]
    if a.vararg: res.append(('*' + a.vararg.arg, a.vararg, None))
    res += [(p.arg, p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    if a.kwarg: res.append(('**' + a.kwarg.arg, a.kwarg, None))
    return [(n, _seg(code, p.annotation), _seg(code, d), notes.get(p.lineno, '')) for n, p, d in res]

def signature(name:str, ps:list, ret:str)->str:
    "`name(a:T=d, …)->R`, wrapped to `WIDTH` characters with continuation lines indented."
    items = [f'{n}:{t}' if t else n for n, t, _, _ in ps]
    items = [f'{it}={d}' if d else it for it, (_, _, d, _) in zip(items, ps)]
    one = f'{name}({", ".join(items)})' + (f'->{ret}' if ret else '')
    if len(one) <= WIDTH: return one
    body = textwrap.fill(', '.join(items), WIDTH - 4, initial_indent='    ', subsequent_indent='    ',
                         break_long_words=False, break_on_hyphens=False)
    return f'{name}(\n{body}\n)' + (f'->{ret}' if ret else '')

def rows(ps:list, ret:str, ret_note:str, links:dict[str, str])->list[tuple[str, str, str, str]]:
    """(name, type, default, details) of each parameter and the return value, as markdown; none when nothing is
    documented or typed."""
    res = [(code_span(n), type_markdown(t, links), code_span(d) if d else '', ' '.join(c.split())) for n, t, d, c in ps]
    if ret or ret_note: res.append(('**Returns**', type_markdown(ret, links), '', ' '.join(ret_note.split())))
    return res if any(t or d or c for _, t, d, c in res) else []

def table_html(rs:list)->str:
    """The parameter table, as nbdev's docs show docments. HTML whose cells pandoc reads as markdown (its
    `markdown_in_html_blocks`), so the details keep their links, code and math."""
    body = ''.join(f'<tr>\n<td>{n}</td>\n<td>{t}</td>\n<td>{d}</td>\n<td>{c}</td>\n</tr>\n' for n, t, d, c in rs)
    return ('<table class="docments">\n<thead data-pagefind-ignore>\n<tr>\n<th scope="col"></th>\n<th scope="col">Type</th>\n'
            '<th scope="col">Default</th>\n<th scope="col">Details</th>\n</tr>\n</thead>\n'
            f'<tbody>\n{body}</tbody>\n</table>')

def table_list(rs:list)->str:
    "The parameters as a markdown list (the pages' markdown copies hold no HTML): `- `name` (`type`, default `value`): details`."
    def item(n, t, d, c):
        what = ', '.join(filter(None, [t, f'default {d}' if d else '']))
        return f'- {n}' + (f' ({what})' if what else '') + (f': {c}' if c else '')
    return '\n'.join(item(*r) for r in rs)

def render_show_doc(md:str, where:str, as_list:bool=False)->str:
    """show_doc markdown `md` (from `where`, for messages) as page markdown: heading, signature, parameters (a table, or
    with `as_list` a list), docstring."""
    m = _doc.match(md.strip())
    if not m: raise BuildError(f'{where}: not show_doc output:\n{md[:300]}')
    source, heading, fence, rest = m[1], m[2], m[3], m[4].strip()
    links = {}
    def unlink(x):
        links[x[1]] = x[2]
        return x[1]
    plain = lambda s: _link.sub(lambda x: x[1], _code_link.sub(unlink, s))  # noqa: E731
    code = plain(fence)
    node, notes = parse_signature(code, where)
    lines = fence.split('\n')
    for n, note in notes.items():   # the comment as written, its links kept: the suffix of the line that reads `note`
        line = lines[n - 1]
        notes[n] = next((line[i:].lstrip('#').strip() for i, ch in enumerate(line)
                         if ch == '#' and plain(line[i:]).lstrip('#').strip() == note), note)
    ps = params(node, code, notes)
    ret = _seg(code, getattr(node, 'returns', None))
    ret_note = notes.get(node.returns.lineno, '') if getattr(node, 'returns', None) else ''
    sig = signature(node.name, ps, ret)
    link = re.sub(r'\{[^}]*\}$', '', source)   # the source link, without nbdev's inline style (the site styles it)
    parts = [heading, f'{link}{{.doc-source}}', f'```{{.python .signature}}\n{sig}\n```']
    if rs := rows(ps, ret, ret_note, links): parts.append(table_list(rs) if as_list else table_html(rs))
    if rest: parts.append(rest)
    return '\n\n'.join(parts)
