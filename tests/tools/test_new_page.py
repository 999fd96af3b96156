"""A page added as CONTRIBUTING.md's "A new page" says, on a copy of the project: the build, the page's notebook check
and the generated-file checks pass; and each step left out fails with a message that names it."""
import os, re, sys

import nbformat
import pytest

from tools.cellref import ROOT
from tools.checks import hygiene, run

NB = '08_extra.ipynb'
SOURCES = ['#| default_exp extra',
           '#| export\ndef double(x:float, # a number\n          )->float: # twice `x`\n    "Twice `x`."\n    return 2*x',
           'from nbdev.showdoc import show_doc\nshow_doc(double)',
           'double(21)',
           'from fastcore.test import test_eq\ntest_eq(double(21), 42)']

def in_copy(repo, *cmd):
    "Run `cmd` in the project copy `repo`, its own `tools` first on the path: exit status, output."
    return run(*cmd, cwd=repo, env={'PYTHONPATH': str(repo)})

def step_1_notebook(repo):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell('# Extra page\n> A page added by the steps of CONTRIBUTING.md'),
                nbformat.v4.new_markdown_cell('Doubling, the smallest idea that has a test.')]
    nb.cells[1:1] = [nbformat.v4.new_code_cell(SOURCES[0])]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in SOURCES[1:]]
    nb.metadata = {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}
    nbformat.write(nb, repo/'nbs'/NB)

def step_2_sidebar(repo):
    q = repo/'_quarto.yml'
    q.write_text(re.sub(r'^(\s+)- 07_norms\.ipynb$', rf'\g<0>\n\g<1>- {NB}', q.read_text(), count=1, flags=re.M))

def step_3_table(repo):
    index = repo/'nbs'/'index.ipynb'
    nb = nbformat.read(index, as_version=4)
    cell = next(c for c in nb.cells if '](07_norms.ipynb)' in c.source)
    row = rf'\1\n| [Extra page]({NB}) | doubling |'
    cell.source = re.sub(r'^(\| \[[^\]]+\]\(07_norms\.ipynb\).*)$', row, cell.source, count=1, flags=re.M)
    nbformat.write(nb, index)

def step_5_generate(repo):
    bin_ = os.path.dirname(sys.executable)
    for cmd in ([f'{bin_}/nbdev_export'], [sys.executable, '-m', 'tools.nbcheck', '--update', f'nbs/{NB}'],
                [sys.executable, '-m', 'tools.sitebuild', 'readme']):
        rc, out = in_copy(repo, *cmd)
        assert rc == 0, f'{cmd}: {out}'

def build(repo): return in_copy(repo, sys.executable, '-m', 'tools.sitebuild', '--quiet')

def test_a_page_added_as_contributing_says_goes_green(clone):
    (clone/'node_modules').symlink_to(ROOT/'node_modules')   # what `make install` put there: Pyodide for the live cells
    step_1_notebook(clone)
    rc, out = build(clone)
    assert rc == 1 and f'nbs/{NB} is not in the sidebar: add it to `website.sidebar.contents` in _quarto.yml' in out, out
    step_2_sidebar(clone)
    rc, out = build(clone)
    assert rc == 1 and f'the table of lessons has no row for {NB}' in out and '.venv/bin/python -m tools.sitebuild readme' in out, out
    step_3_table(clone)
    step_5_generate(clone)
    rc, out = build(clone)
    assert rc == 0, out
    assert 'Extra page' in (clone/'README.md').read_text() and (clone/'_docs'/'extra.html').is_file()
    rc, out = in_copy(clone, sys.executable, '-m', 'tools.nbcheck', '--path', f'nbs/{NB}')
    assert rc == 0 and '1 of 1 notebooks passed' in out, out
    n, failed, report = hygiene(clone)
    assert failed == 0, report

@pytest.fixture(autouse=True)
def _no_shared_site(monkeypatch):
    "The copy builds its own site: not the one `make test` hands its pytest processes."
    monkeypatch.delenv('SITE_DIR', raising=False)
