"""The live cells' runner (runner.py) as the page's own worker runs it, one cell edited and run after another in the
browsing-source page's Python: the torch-free `lessons_lib` modules import without torch, cells share a namespace, and
the cell shows its result, its output and tracebacks as Jupyter would (a trailing `;` hides the result)."""
import pytest

from tests.live.cells import edit, run
from tools.sitebuild.live.imports import torch_free_modules

IMPORTS = f"import sys, {', '.join(torch_free_modules())}\nsorted(m for m in ('torch', 'numpy') if m in sys.modules), sys.version_info[:2]"
CELLS = ['from lessons_lib.callbacks import slow_calculation\nx = 2',
         "slow_calculation(lambda o: print(f'epoch {o}'), steps=x)",
         'x = 1\nslow_calculation(3)',
         'from fastcore.test import test_eq\ntest_eq(slow_calculation(), 30)',
         'def f(:',
         'class D:\n    def __getattr__(self, k): return getattr(self.o, k)\nD().x',
         'import pickle\nclass P: pass\ntype(pickle.loads(pickle.dumps(P()))).__name__',
         'x * 7;', 'x * 7  # a comment is no semicolon', "'a;'", 'x = 1; x;', 'x']

def shown(cell)->dict:
    "What the cell shows from its run: {result, error, stdout}, None (or '') where it shows none."
    out = cell.locator('.live-output')
    kind = lambda k: out.locator(f':scope > pre.live-{k}').all_text_contents()   # noqa: E731
    result, error = kind('result'), kind('error')
    return {'result': result[0] if result else None, 'error': error[0] if error else None, 'stdout': ''.join(kind('stdout'))}

@pytest.fixture(scope='module')
def results(browsing_source_tab)->tuple[int, list[dict]]:
    "(the edited cell's number, what each of `IMPORTS`, then `CELLS`, showed), run in turn in the page's first live cell."
    since = len(browsing_source_tab.problems)
    cell = browsing_source_tab.cells.first
    res = []
    for code in [IMPORTS, *CELLS]:
        edit(cell, code)
        run(cell)
        res.append(shown(cell))
    n = int(cell.locator('textarea').get_attribute('aria-label').rsplit(' ', 1)[1])   # "Code of live cell N"
    cell.locator('button', has_text='Reset').click()
    assert not browsing_source_tab.problems[since:], browsing_source_tab.problems[since:]
    return n, res

def test_torch_free_modules_import_under_pyodide(results):
    mods = torch_free_modules()
    assert 'lessons_lib.callbacks' in mods and 'lessons_lib.learner' not in mods
    res = results[1][0]
    assert res['error'] is None, res['error']
    assert res['result'].startswith('([], (3, '), res   # nothing pulled in torch or numpy; Pyodide's Python 3

def test_cells_share_a_namespace_and_show_results_output_and_tracebacks(results):
    n, r = results[0], results[1][1:]   # what each of `CELLS` showed; they all ran as `<cell n>`
    assert r[0] == {'result': None, 'error': None, 'stdout': ''}
    assert r[1] == {'result': '1', 'error': None, 'stdout': 'epoch 0\nepoch 1\n'}
    assert r[2]['result'] is None and r[2]['error'].startswith(f'Traceback (most recent call last):\n  File "<cell {n}>", line 2')
    assert 'slow_calculation(3)' in r[2]['error'] and 'TypeError: cb must be callable' in r[2]['error']
    assert 'runner' not in r[2]['error'] and '_pyodide' not in r[2]['error']   # the runner's own frames are not shown
    assert r[3] == {'result': None, 'error': None, 'stdout': ''}
    assert 'SyntaxError' in r[4]['error'] and f'<cell {n}>' in r[4]['error']
    assert r[5]['error'].endswith('RecursionError: maximum recursion depth exceeded\n'), r[5]['error'][-300:]
    assert r[6]['result'] == "'P'"   # the interpreter survived the recursion; a cell's classes pickle as in a notebook
    assert [c['result'] for c in r[7:]] == [None, '7', "'a;'", None, '1']   # a trailing `;` hides the result, as in Jupyter
    assert all(c['error'] is None and c['stdout'] == '' for c in r[7:]), r[7:]
