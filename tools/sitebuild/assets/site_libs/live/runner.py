"""The page's Python side of live cells, run by Pyodide in a Web Worker: one namespace per page, notebook-style results.

`cell(src, name)` runs a cell and returns (repr of its last expression or None, traceback text or None); what the
cell prints goes to the worker's stdout/stderr, which the page streams under the cell.
"""
import ast, linecache, sys, traceback, types

main = sys.modules['__main__'] = types.ModuleType('__main__')   # the cells' module, as in a notebook: pickle finds
ns = main.__dict__                                              # the classes they define as `__main__.Name`
# WebAssembly frames live on the browser's JavaScript stack, which runs out long before CPython's default limit of
# 1000 frames: deep recursion (the data-model page's `__getattr__` loop) would kill the interpreter instead of raising
# RecursionError. 200 frames raised cleanly in Chromium's worker and in Node, 300 did not in Node (Pyodide 314.0.7).
sys.setrecursionlimit(200)

def run(src:str, name:str)->str|None:
    "Run `src` in the page's namespace (tracebacks call it `name`); the repr of its last expression unless that is None."
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)   # tracebacks show the cell's lines
    tree = ast.parse(src, name, 'exec')
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, 'exec'), ns)
    if last is None: return None
    res = eval(compile(ast.Expression(last.value), name, 'eval'), ns)
    return None if res is None else repr(res)

def error_text(e:BaseException)->str:
    "The traceback of `e` from the cell's own frames on, as a notebook shows it."
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__: tb = tb.tb_next
    return ''.join(traceback.format_exception(type(e), e, tb))

def cell(src:str, name:str)->tuple[str|None, str|None]:
    "(result, error) of running cell `src`: exactly one is a string unless the cell shows nothing."
    try: return run(src, name), None
    except BaseException as e: return None, error_text(e)   # SystemExit too: the page's interpreter must survive
    finally:
        sys.stdout.flush(); sys.stderr.flush()
