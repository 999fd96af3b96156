"""nbdev's merge driver as `make install` sets it up (.gitconfig, .gitattributes): a real two-branch merge of one
notebook, with no virtual environment on PATH, as a contributor who never activated it runs git."""
import os, shutil, subprocess

import nbformat

from tools.sitetest import ROOT

def git(repo, *args, **kw)->subprocess.CompletedProcess:
    env = {**os.environ, 'PATH': os.pathsep.join(d for d in os.environ['PATH'].split(os.pathsep) if '.venv' not in d),
           'HOME': str(repo.parent), 'GIT_CONFIG_NOSYSTEM': '1', 'GIT_AUTHOR_NAME': 'a', 'GIT_AUTHOR_EMAIL': 'a@b',
           'GIT_COMMITTER_NAME': 'a', 'GIT_COMMITTER_EMAIL': 'a@b'}
    return subprocess.run(['git', *args], cwd=repo, env=env, capture_output=True, text=True, **kw)

def edit_cell(fn, i:int, source:str):
    nb = nbformat.read(fn, as_version=4)
    nb.cells[i].source = source
    nbformat.write(nb, fn)

def test_two_edits_to_different_cells_of_one_notebook_merge_without_an_activated_venv(tmp_path):
    repo = tmp_path/'repo'
    repo.mkdir()
    for f in ('.gitconfig', '.gitattributes'): shutil.copy(ROOT/f, repo/f)
    (repo/'.venv').symlink_to(ROOT/'.venv')
    (repo/'.gitignore').write_text('.venv\n')
    fn = repo/'lesson.ipynb'
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell('# T\n> d')] + [nbformat.v4.new_code_cell(f'x{i} = {i}') for i in range(3)]
    nbformat.write(nb, fn)
    for args in [('init', '-q', '-b', 'main'), ('config', '--local', 'include.path', '../.gitconfig'),   # as make install
                 ('add', '.'), ('commit', '-qm', 'base'), ('checkout', '-qb', 'other')]:
        git(repo, *args, check=True)
    edit_cell(fn, 1, 'x0 = "edited on other"')
    git(repo, 'commit', '-qam', 'other', check=True)
    git(repo, 'checkout', '-q', 'main', check=True)
    edit_cell(fn, 3, 'x2 = "edited on main"')
    git(repo, 'commit', '-qam', 'main', check=True)

    bare = git(repo, '-c', 'merge.nbdev-merge.driver=nbdev_merge %O %A %B %P', 'merge', '--no-edit', 'other')
    assert bare.returncode != 0, 'a bare nbdev_merge ran without the venv on PATH: this test would prove nothing'
    git(repo, 'merge', '--abort', check=True)

    merged = git(repo, 'merge', '--no-edit', 'other')
    assert merged.returncode == 0, merged.stdout + merged.stderr
    text = fn.read_text()
    assert '<<<<<<<' not in text and '>>>>>>>' not in text
    sources = [c.source for c in nbformat.read(fn, as_version=4).cells]
    assert sources[1:] == ['x0 = "edited on other"', 'x1 = 1', 'x2 = "edited on main"']
