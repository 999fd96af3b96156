"""tools/deploysteps.py, which runs deploy.yaml's build job here (`make deploy-check`), on small workflows in throwaway
repositories: the `run:` steps in order with the job's environment less what only GitHub has, a failing step ending
the run, and the upload checked against the folder as it was built. (The real job takes minutes: `make deploy-check`.)"""
import subprocess, sys, tempfile
from pathlib import Path

import pytest

from tools import deploysteps

PY = '%d.%d' % sys.version_info[:2]
HEAD = f'''name: deploy
on: push
env:
  FROM_WORKFLOW: w
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      FROM_JOB: j
      RUNNERS_CHROME: /nonexistent/google-chrome
      RUNNERS_INDEX: http://127.0.0.1:9/simple
    steps:
      - uses: actions/checkout@v7
      - uses: actions/setup-python@v7
        with:
          python-version: "{PY}"
          cache: pip
          cache-dependency-path: lock.txt
      - run: |
          mkdir -p _docs && echo page > _docs/index.html
          echo "$FROM_WORKFLOW $FROM_JOB ${{RUNNERS_CHROME-gone}} ${{RUNNERS_INDEX-gone}} $CI $STEP_ONLY $(basename "$PWD")" > "$OUT/env"
          python -c 'import sys; print("%d.%d" % sys.version_info[:2])' >> "$OUT/env"
          echo build >> "$OUT/order"
        env:
          STEP_ONLY: s
'''
UPLOAD = '''      - uses: actions/upload-pages-artifact@v5
        with:
          path: _docs
'''

def repo(tmp_path, workflow:str, files:dict|None=None):
    r = Path(tempfile.mkdtemp(dir=tmp_path))/'repo'
    (r/'.github'/'workflows').mkdir(parents=True)
    (r/'.github'/'workflows'/'deploy.yaml').write_text(workflow)
    for name, text in {'lock.txt': 'x==1\n', **(files or {})}.items(): (r/name).write_text(text)
    for cmd in (['init', '-q', '-b', 'main'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'c']):
        subprocess.run(['git', *cmd], cwd=r, check=True)
    return r

@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    "Run the job of `workflow` in a fresh repository; its exit status, its output, and the folder its steps write to."
    out = tmp_path/'out'; out.mkdir()
    monkeypatch.setenv('OUT', str(out))
    def go(workflow:str, files:dict|None=None, *args:str):
        rc = deploysteps.main(['--repo', str(repo(tmp_path, workflow, files)), *args])
        return rc, capsys.readouterr().out, out
    return go

def test_green_run_in_order_with_the_jobs_environment(run):
    rc, log, out = run(HEAD + '      - run: echo test >> "$OUT/order"\n' + UPLOAD)
    assert rc == 0, log
    assert (out/'order').read_text().split() == ['build', 'test']
    assert (out/'env').read_text().split() == ['w', 'j', 'gone', 'gone', 'true', 's', 'workspace', PY]
    assert 'RUNNERS_CHROME: left out' in log and 'RUNNERS_INDEX: left out' in log
    assert 'the upload holds _docs exactly as' in log and '_docs: 1 files' in log

def test_a_failing_step_ends_the_run(run):
    rc, log, out = run(HEAD + '      - run: exit 3\n      - run: echo test >> "$OUT/order"\n' + UPLOAD)
    assert rc == 1 and 'FAIL: step 4: exit status 3' in log
    assert (out/'order').read_text().split() == ['build']

def test_default_shell_stops_at_the_first_failing_command(run):
    rc, log, out = run(HEAD + '      - run: |\n          false\n          echo test >> "$OUT/order"\n' + UPLOAD)
    assert rc == 1 and (out/'order').read_text().split() == ['build']

def test_a_site_changed_after_its_build_is_not_uploaded(run):
    rc, log, _ = run(HEAD + '      - run: echo more >> _docs/index.html\n' + UPLOAD)
    assert rc == 1 and 'changed since it was built: index.html' in log

def test_hidden_files_are_left_out_of_the_upload(run):
    "upload-pages-artifact leaves out hidden files unless told to keep them: a site that has one is not uploaded whole."
    hidden = HEAD.replace('echo build', 'touch _docs/.nojekyll; echo build') + UPLOAD
    rc, log, _ = run(hidden)
    assert rc == 1 and 'left out of the upload: .nojekyll' in log
    rc, log, _ = run(hidden + '          include-hidden-files: true\n')
    assert rc == 0, log

@pytest.mark.parametrize('change, message', [
    (('cache-dependency-path: lock.txt', 'cache-dependency-path: missing.lock'), 'missing.lock matches no file'),
    (('- uses: actions/checkout@v7', '- uses: actions/checkout@v7\n      - uses: some/action@v1'),
     'some/action@v1: this file does not know'),
    (('echo build >>', 'echo ${{ github.sha }} >>'), 'only GitHub evaluates'),
    (('python-version: "' + PY, 'python-version: "2.9'), 'Python 2.9, which this machine lacks'),
])
def test_what_github_would_fail_or_this_cannot_reproduce_stops_it(run, change, message):
    rc, log, _ = run(HEAD.replace(*change) + UPLOAD)
    assert rc == 1 and message in log, log

def test_the_real_deploy_job_is_readable(capsys):
    "The project's own deploy.yaml, as committed, parses into the job that uploads (nothing runs)."
    assert deploysteps.main(['--list']) == 0
    log = capsys.readouterr().out
    assert 'job build' in log and 'uses: actions/upload-pages-artifact@' in log
