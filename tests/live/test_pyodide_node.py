"""The live cells' Python under Pyodide, in Node (the same npm package and python.mjs the page's worker uses): the
torch-free `lessons_lib` modules import without torch, and the runner returns results, output and tracebacks."""
import json, shutil, subprocess
from pathlib import Path

import pytest

from tools.sitetest import ROOT, built_site
from tools.sitebuild.live import torch_free_modules

def run_cells(*cells:str)->list[dict]:
    "Each cell's {result, error, stdout} after running `cells` in order in one Pyodide interpreter, in Node."
    if shutil.which('node') is None: pytest.skip('node is not installed')
    live = built_site()/'site_libs'/'live'
    p = subprocess.run(['node', str(Path(__file__).with_name('pyodide_node.mjs')), str(live), json.dumps(cells)], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return [json.loads(line) for line in p.stdout.splitlines()]

IMPORTS = f"import sys, {', '.join(torch_free_modules())}\nsorted(m for m in ('torch', 'numpy') if m in sys.modules), sys.version_info[:2]"
CELLS = ['from lessons_lib.callbacks import slow_calculation\nx = 2',
         "slow_calculation(lambda o: print(f'epoch {o}'), steps=x)",
         'x = 1\nslow_calculation(3)',
         'from fastcore.test import test_eq\ntest_eq(slow_calculation(), 30)',
         'def f(:',
         'class D:\n    def __getattr__(self, k): return getattr(self.o, k)\nD().x',
         'import pickle\nclass P: pass\ntype(pickle.loads(pickle.dumps(P()))).__name__',
         'x * 7;', 'x * 7  # a comment is no semicolon', "'a;'", 'x = 1; x;', 'x']

@pytest.fixture(scope='module')
def results()->list[dict]:
    "One Pyodide start for the module: the imports cell first (nothing imported before it), then `CELLS`."
    return run_cells(IMPORTS, *CELLS)

def test_torch_free_modules_import_under_pyodide(results):
    mods = torch_free_modules()
    assert 'lessons_lib.callbacks' in mods and 'lessons_lib.learner' not in mods
    res = results[0]
    assert res['error'] is None, res['error']
    assert res['result'].startswith('([], (3, '), res   # nothing pulled in torch or numpy; Pyodide's Python 3

def test_cells_share_a_namespace_and_show_results_output_and_tracebacks(results):
    r = results[1:]   # cell i of `CELLS` is `<cell i+2>`
    assert r[0] == {'result': None, 'error': None, 'stdout': ''}
    assert r[1] == {'result': '1', 'error': None, 'stdout': 'epoch 0\nepoch 1\n'}
    assert r[2]['result'] is None and r[2]['error'].startswith('Traceback (most recent call last):\n  File "<cell 4>", line 2')
    assert 'slow_calculation(3)' in r[2]['error'] and 'TypeError: cb must be callable' in r[2]['error']
    assert 'runner' not in r[2]['error'] and '_pyodide' not in r[2]['error']   # the runner's own frames are not shown
    assert r[3] == {'result': None, 'error': None, 'stdout': ''}
    assert 'SyntaxError' in r[4]['error'] and '<cell 6>' in r[4]['error']
    assert r[5]['error'].endswith('RecursionError: maximum recursion depth exceeded\n'), r[5]['error'][-300:]
    assert r[6]['result'] == "'P'"   # the interpreter survived the recursion; a cell's classes pickle as in a notebook
    assert [c['result'] for c in r[7:]] == [None, '7', "'a;'", None, '1']   # a trailing `;` hides the result, as in Jupyter
    assert all(c['error'] is None and c['stdout'] == '' for c in r[7:]), r[7:]
