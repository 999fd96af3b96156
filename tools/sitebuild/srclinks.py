"""`show_doc`'s source links point at the line where the symbol is defined now, not where it was when the notebook's
outputs were stored: adding a function above must neither change other cells' stored outputs (the stored-output
check masks these line numbers) nor leave the published links pointing at the wrong lines."""
from __future__ import annotations
import ast, functools, re
from pathlib import Path

from nbdev.config import get_config

# nbdev's markdown: `[source](https://github.com/U/R/blob/BRANCH/lessons_lib/stats.py#L52){...}` then `### RunningStats.update`
_doc = re.compile(r'(\[source\]\(https://github\.com/[^/\s]+/[^/\s]+/blob/[^/\s]+/)([^#)\s]+\.py)#L\d+(\)[^\n]*\n\s*#+ +)([\w.]+)')

@functools.cache
def definitions(path:Path, mtime:float)->dict[str, int]:
    "Every class, function and method of the module at `path` (`Class.method`) → its first line, decorators included."
    res = {}
    def walk(nodes, prefix=''):
        for n in nodes:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                res[prefix + n.name] = min([n.lineno] + [d.lineno for d in n.decorator_list])
                if isinstance(n, ast.ClassDef): walk(n.body, f'{n.name}.')
    walk(ast.parse(path.read_text(encoding='utf-8')).body)
    return res

def current_lines(md:str, root:Path|None=None)->str:
    """`md` with each source link's line set to where its symbol is defined now in the project at `root` (default:
    settings.ini's folder); a link whose symbol is gone points at the module."""
    root = root or get_config().config_path
    def fix(m):
        path = root/m[2]
        if not path.is_file(): return m[0]
        line = definitions(path, path.stat().st_mtime).get(m[4])
        return f'{m[1]}{m[2]}{f"#L{line}" if line else ""}{m[3]}{m[4]}'
    return _doc.sub(fix, md)
