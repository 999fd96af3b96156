"""The page's Python side of live cells, run by Pyodide in a Web Worker: one namespace per page, notebook-style results.

`cell(src, name)` runs a cell and returns (repr of its last expression or None, traceback text or None); what the
cell prints goes to the worker's stdout/stderr, which the page streams under the cell. Cells run through Pyodide's
`eval_code`, which follows IPython's rules: the last expression's value is the result, unless a `;` ends the cell.
"""
import linecache, sys, traceback, types

from pyodide.code import eval_code

main = sys.modules['__main__'] = types.ModuleType('__main__')   # the cells' module, as in a notebook: pickle finds
ns = main.__dict__                                              # the classes they define as `__main__.Name`
# WebAssembly frames live on the browser's JavaScript stack, which runs out long before CPython's default limit of
# 1000 frames: deep recursion (the data-model page's `__getattr__` loop) would kill the interpreter instead of raising
# RecursionError. 200 frames raised cleanly in Chromium's worker and in Node, 300 did not in Node (Pyodide 314.0.7).
sys.setrecursionlimit(200)

def run(src:str, name:str)->str|None:
    "Run `src` in the page's namespace (tracebacks call it `name`, and show its lines); the repr of its result or None."
    try: res = eval_code(src, ns, filename=name)
    finally:   # kept for later tracebacks through functions the cell defines (eval_code's lazy entry is not read)
        linecache.cache[name] = (len(src), None, src.splitlines(True), name)
    return None if res is None else repr(res)

def error_text(e:BaseException, name:str)->str:
    "The traceback of `e` from the frames of cell `name` on, as a notebook shows it (a syntax error has none)."
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != name: tb = tb.tb_next
    return ''.join(traceback.format_exception(type(e), e, tb))

def cell(src:str, name:str)->tuple[str|None, str|None]:
    "(result, error) of running cell `src`: exactly one is a string unless the cell shows nothing."
    try: return run(src, name), None
    except BaseException as e: return None, error_text(e, name)   # SystemExit too: the page's interpreter must survive
    finally:
        sys.stdout.flush(); sys.stderr.flush()
