"""nbdev's merge driver as `make install` sets it up: a real merge of two branches' edits of one notebook, with no
venv on PATH, leaves a notebook that is valid JSON, with the conflicting cell marked inside it and the rest merged."""
import json, os, subprocess

import nbformat

from tools.sitetest import ROOT

def git(repo, *args, check=True):
    return subprocess.run(['git', '-c', 'user.name=t', '-c', 'user.email=t@t', *args], cwd=repo, check=check,
                          capture_output=True, text=True, env={**os.environ, 'PATH': '/usr/bin:/bin'})   # no venv

def commit_cells(repo, sources, msg):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s, id=f'c{i}') for i, s in enumerate(sources)]
    nbformat.write(nb, repo/'nb.ipynb')
    git(repo, 'add', 'nb.ipynb')
    git(repo, 'commit', '-qm', msg)

def test_two_branches_edit_one_notebook(tmp_path):
    repo = tmp_path/'repo'
    repo.mkdir()
    git(repo, 'init', '-q', '-b', 'main')
    (repo/'.gitattributes').write_bytes((ROOT/'.gitattributes').read_bytes())
    subprocess.run(['make', '-s', '-f', str(ROOT/'Makefile'), '-C', str(repo), 'hooks', f'VENV={ROOT/".venv"}'], check=True)
    assert git(repo, 'config', 'merge.nbdev-merge.driver').stdout.startswith(str(ROOT/'.venv'/'bin'/'nbdev_merge'))
    base = ['a = 1', 'b = 2', 'c = 3', 'd = 4']
    git(repo, 'add', '.gitattributes')
    commit_cells(repo, base, 'base')
    git(repo, 'checkout', '-qb', 'other')
    commit_cells(repo, ['a = 1', 'b = 30', 'c = 3', 'd = 40'], 'other: b and d')
    git(repo, 'checkout', '-q', 'main')
    commit_cells(repo, ['a = 10', 'b = 20', 'c = 3', 'd = 4'], 'main: a and b')
    merge = git(repo, 'merge', 'other', check=False)
    assert merge.returncode == 1 and 'CONFLICT' in merge.stdout, merge.stdout + merge.stderr   # b differs on both sides
    nb = json.loads((repo/'nb.ipynb').read_text())                   # still a notebook: no markers in the JSON
    sources = [''.join(c['source']) for c in nb['cells']]
    assert sources[0] == 'a = 10' and sources[-2:] == ['c = 3', 'd = 40'], sources   # the other edits merged
    conflict = [s for s in sources if 'b = 20' in s or 'b = 30' in s]
    assert any('<<<<<<<' in s for s in sources) and {'b = 20', 'b = 30'} <= set('\n'.join(conflict).splitlines()), sources
