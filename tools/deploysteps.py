"""deploy.yaml's build job run here as GitHub runs it: `make deploy-check`, or `python -m tools.deploysteps`.

The job is the one that uploads the Pages artifact. Its steps are read from the workflow file of a fresh shallow clone
of the last commit (what `actions/checkout` gives the runner), never copied by hand, and taken in order:

- `run:` steps run in that clone, in the shell GitHub uses (`bash -e` unless the step names one), with the workflow's,
  job's and step's `env:` and the variables every runner sets (`CI`, `RUNNER_TEMP`, `RUNNER_OS`, `GITHUB_WORKSPACE`).
  What only GitHub has is left out and named as the run starts: a variable that names a file this machine lacks (the
  runner's Google Chrome: `.ci/run` then finds this machine's Chromium) or an address it cannot reach (the PyTorch
  wheel index: pip then finds torch where this machine keeps it). A failing step ends the run, as on GitHub.
- `uses:` steps are checked rather than run: checkout is the clone; setup-python puts that Python first on PATH (it
  must be here) and setup-node compares Node's major version; both need the files their cache is keyed on, or
  GitHub fails the step; upload-pages-artifact archives the folder with the action's own `tar` command (hidden files
  left out unless `include-hidden-files`), and the archive must hold the folder exactly as the step that built it left
  it. Any other action stops the run: teach this file what it does.

Prints each step's time and what would be uploaded; exits non-zero on any failure. The clone is removed after a
green run and kept after a failure (its path is printed). `--list` prints the steps and the environment, running none.
"""
from __future__ import annotations
import argparse, glob, hashlib, os, platform, shutil, subprocess, sys, tarfile, tempfile, time, urllib.error, urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = '.github/workflows/deploy.yaml'
UPLOAD = 'actions/upload-pages-artifact'
# GitHub's `run:` shells on Linux and macOS: the default (no `shell:`), and the named ones
SHELLS = {None: ['bash', '-e'], 'bash': ['bash', '--noprofile', '--norc', '-eo', 'pipefail'], 'sh': ['sh', '-e']}
STEP_KEYS = {'name', 'id', 'run', 'uses', 'with', 'env', 'shell', 'working-directory', 'timeout-minutes'}
# what this process may carry that a runner would not have: a `make test` run's or an activated venv's settings
LEAKS = {'SITE_DIR', 'CHECKS_BROWSER', 'CHECKS_SHARED_DIR', 'VIRTUAL_ENV', 'PYTHONPATH', 'PYTHONHOME',
         'MAKEFLAGS', 'MAKELEVEL', 'MFLAGS', 'MAKEOVERRIDES'}

class Failed(Exception): "A step that would fail on GitHub, or one this file cannot reproduce."

def upload_job(workflow:dict)->tuple[str,dict]:
    "The name and definition of the job whose steps upload the Pages artifact."
    jobs = [(n, j) for n, j in (workflow.get('jobs') or {}).items()
            if any(str(s.get('uses', '')).startswith(f'{UPLOAD}@') for s in j.get('steps') or [])]
    if len(jobs) != 1: raise Failed(f'expected one job that uses {UPLOAD}, found {len(jobs)}')
    return jobs[0]

def as_env(d:dict|None, where:str)->dict[str,str]:
    "An `env:` mapping as the runner passes it (strings; `true`/`false` in lower case); no `${{ }}` expressions."
    out = {}
    for k, v in (d or {}).items():
        v = str(v).lower() if isinstance(v, bool) else str(v)
        if '${{' in v: raise Failed(f'{where}: env {k} holds an expression, which only GitHub evaluates: {v}')
        out[str(k)] = v
    return out

def reachable(url:str, timeout:float=5)->bool:
    "Whether `url` answers at all (any HTTP status counts)."
    try: urllib.request.urlopen(urllib.request.Request(url, method='HEAD'), timeout=timeout).close()
    except urllib.error.HTTPError: return True
    except (OSError, ValueError): return False
    return True

def github_only(name:str, value:str)->str|None:
    "Why the variable `name`=`value` is GitHub's alone here (a file this machine lacks, an address it cannot reach), else None."
    if value.startswith('/') and ' ' not in value and not Path(value).exists():
        return f'{value} does not exist on this machine'
    urls = value.split()
    if urls and all(u.startswith(('http://', 'https://')) for u in urls):
        if not all(reachable(u) for u in urls): return f'{value} cannot be reached from this machine'
    return None

def digest(folder:Path)->dict[str,str]:
    "Every file under `folder` (links followed, as the upload's tar follows them) and its sha256."
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob('*')) if p.is_file()}

def archive(folder:Path, tar:Path, hidden:bool)->dict[str,str]:
    """`folder` archived into `tar` by the command of upload-pages-artifact (v5, Linux), and the archive's files with
    their sha256."""
    cmd = ['tar', '--dereference', '--hard-dereference', '--directory', str(folder), '-cf', str(tar),
           '--exclude=.git', '--exclude=.github', *([] if hidden else ['--exclude=.[^/]*']), '.']
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode: raise Failed(f'upload-pages-artifact: tar failed:\n{p.stderr}')
    with tarfile.open(tar) as t:
        return {m.name.removeprefix('./'): hashlib.sha256(t.extractfile(m).read()).hexdigest()
                for m in t.getmembers() if m.isfile()}

def compare(built:dict[str,str], uploaded:dict[str,str])->list[str]:
    "How the upload differs from the folder as built: files it leaves out, adds, or holds changed."
    return ([f'left out of the upload: {f}' for f in sorted(built.keys() - uploaded.keys())] +
            [f'not in the folder as built: {f}' for f in sorted(uploaded.keys() - built.keys())] +
            [f'changed since it was built: {f}' for f in sorted(built.keys() & uploaded.keys()) if built[f] != uploaded[f]])

def which_python(version:str)->Path:
    "This machine's Python `version` (as setup-python's `python-version`, e.g. 3.11): python3.11, or python3 if it is that."
    for name in (f'python{version}', 'python3'):
        if (exe := shutil.which(name)):   # the interpreter itself, not a launcher (pyenv's shims go by their name)
            v, _, real = subprocess.run([exe, '-c', 'import sys; print("%d.%d" % sys.version_info[:2], sys.executable)'],
                                        capture_output=True, text=True).stdout.strip().partition(' ')
            if real and (v == version or v.startswith(f'{version}.')): return Path(real)
    raise Failed(f'setup-python: the job asks for Python {version}, which this machine lacks (no python{version})')

def cache_files(workspace:Path, action:str, inputs:dict):
    "setup-python's and setup-node's `cache:` keys on files that must exist, or the action fails the step."
    if not inputs.get('cache'): return
    default = {'setup-python': '**/requirements.txt', 'setup-node': 'package-lock.json'}[action]
    patterns = str(inputs.get('cache-dependency-path') or default).split()
    for pat in patterns:
        if not glob.glob(pat, root_dir=workspace, recursive=True):
            raise Failed(f'{action}: cache-dependency-path {pat} matches no file of the checkout: GitHub fails this step')

class Runner:
    "The steps of one job, run in `workspace` with `env`; each step's time is kept in `times`."
    def __init__(self, workspace:Path, temp:Path, env:dict[str,str], defaults:dict, repo:Path, commit:str, branch:str,
                 upload_paths:list[str]):
        self.workspace, self.temp, self.env, self.defaults = workspace, temp, env, defaults
        self.repo, self.commit, self.branch, self.upload_paths = repo, commit, branch, upload_paths
        self.times: list[tuple[str,float]] = []
        self.built: dict[str,tuple[str,dict]] = {}   # folder → (the step after which it first existed, its files then)
        self.uploaded: dict[str,str] = {}

    def step(self, i:int, step:dict, job_env:dict):
        name = step.get('name') or step.get('uses') or step.get('run', '').strip().splitlines()[0]
        if (unknown := set(step) - STEP_KEYS): raise Failed(f'step {i} ({name}): {", ".join(sorted(unknown))}: not reproduced here')
        print(f'\n=== step {i}: {name}', flush=True)
        t = time.time()
        if 'run' in step: self.run(step, {**job_env, **as_env(step.get('env'), f'step {i}')})
        else: self.uses(str(step['uses']), step.get('with') or {})
        self.times.append((name, time.time() - t))
        print(f'--- ok: step {i} ({time.time() - t:.0f} s)', flush=True)
        for folder in self.upload_paths:   # the folder to upload as the step that made it left it
            if folder not in self.built and (self.workspace/folder).is_dir():
                self.built[folder] = (name, digest(self.workspace/folder))

    def run(self, step:dict, env:dict[str,str]):
        script = str(step['run'])
        if '${{' in script: raise Failed(f'{script!r}: holds an expression, which only GitHub evaluates')
        shell = step.get('shell', self.defaults.get('shell'))
        if shell not in SHELLS: raise Failed(f'shell {shell}: not reproduced here')
        cwd = self.workspace/step.get('working-directory', self.defaults.get('working-directory', '.'))
        f = Path(tempfile.mkstemp(dir=self.temp, suffix='.sh')[1])
        f.write_text(script)
        rc = subprocess.run([*SHELLS[shell], str(f)], cwd=cwd, env={**self.env, **env}).returncode
        if rc: raise Failed(f'exit status {rc}')

    def uses(self, uses:str, inputs:dict):
        action = uses.split('@')[0]
        if action == 'actions/checkout':
            # as actions/checkout does it: the one commit, fetched at depth 1, on a branch of its name
            ws, on_branch = str(self.workspace), ['-B', self.branch] if self.branch != 'HEAD' else []
            for cmd in (['init', '--quiet', ws],
                        ['-C', ws, 'fetch', '--quiet', '--depth', '1', '--no-tags', f'file://{self.repo}', self.commit],
                        ['-C', ws, 'checkout', '--quiet', *on_branch, 'FETCH_HEAD'],
                        ['-C', ws, 'log', '-1', '--format=checked out %h %s']):
                subprocess.run(['git', *cmd], check=True)
        elif action == 'actions/setup-python':
            python = which_python(str(inputs.get('python-version', '3')))
            bin_ = self.temp/'python-bin'
            bin_.mkdir(exist_ok=True)
            for n in ('python', 'python3'): (bin_/n).unlink(missing_ok=True); (bin_/n).symlink_to(python)
            self.env['PATH'] = f'{bin_}{os.pathsep}{self.env["PATH"]}'
            print(f'python, python3: {python}')
            cache_files(self.workspace, 'setup-python', inputs)
        elif action == 'actions/setup-node':
            node = shutil.which('node', path=self.env['PATH'])
            if not node: raise Failed('setup-node: no node on this machine')
            have = subprocess.run([node, '--version'], capture_output=True, text=True).stdout.strip()
            want = str(inputs.get('node-version', ''))
            same = not want or have.lstrip('v').startswith(f'{want}.')
            note = '' if same else f' (the job asks for Node {want}: npm ci installs the same packages)'
            print(f'node: {node} {have}{note}')
            cache_files(self.workspace, 'setup-node', inputs)
        elif action == UPLOAD:
            folder = str(inputs.get('path', '_site/')).rstrip('/')
            if not (self.workspace/folder).is_dir(): raise Failed(f'{UPLOAD}: no folder {folder} to upload')
            hidden = str(inputs.get('include-hidden-files', 'false')).lower() == 'true'
            tar = self.temp/'artifact.tar'
            self.uploaded = archive(self.workspace/folder, tar, hidden)
            by, built = self.built[folder]
            size = sum((self.workspace/folder/f).stat().st_size for f in self.uploaded)
            print(f'{UPLOAD}: {folder}: {len(self.uploaded)} files, {size/2**20:.1f} MiB ({tar.stat().st_size/2**20:.1f} MiB archived)')
            if (diff := compare(built, self.uploaded)):
                raise Failed(f'{folder} as uploaded is not {folder} as "{by}" left it:\n  ' + '\n  '.join(diff[:50]))
            print(f'the upload holds {folder} exactly as "{by}" left it')
        else: raise Failed(f'{uses}: this file does not know what that action does here')

def prepare(workflow:dict, job:dict)->tuple[dict[str,str],dict[str,str]]:
    "The workflow's and the job's `env:`, less what only GitHub has; and the variables left out, with why."
    env, dropped = {}, {}
    for k, v in {**as_env(workflow.get('env'), 'workflow'), **as_env(job.get('env'), 'job')}.items():
        if (why := github_only(k, v)): dropped[k] = why
        else: env[k] = v
    return env, dropped

def main(argv:list[str]|None=None)->int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--repo', type=Path, default=ROOT, help='the repository to clone (default: this one)')
    ap.add_argument('--ref', default='HEAD', help='the commit to check out (default: the last one, HEAD)')
    ap.add_argument('--workflow', default=WORKFLOW, help=f'the workflow, in the clone (default: {WORKFLOW})')
    ap.add_argument('--list', action='store_true', help='print the steps and the environment; run nothing')
    ap.add_argument('--keep', action='store_true', help='keep the clone after a green run too')
    a = ap.parse_args(argv)
    repo = a.repo.resolve()
    git = lambda *cmd: subprocess.run(['git', *cmd], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    commit, branch = git('rev-parse', '--verify', f'{a.ref}^{{commit}}'), git('rev-parse', '--abbrev-ref', a.ref)
    t0, tmp = time.time(), Path(tempfile.mkdtemp(prefix='deploysteps-'))
    workspace, temp = tmp/'workspace', tmp/'runner-temp'
    temp.mkdir()
    ok = False
    try:
        # the workflow as committed: the clone's own copy, read before the steps run (checkout is one of them)
        workflow = yaml.safe_load(git('show', f'{commit}:{a.workflow}'))
        name, job = upload_job(workflow)
        job_env, dropped = prepare(workflow, job)
        venv_bin = str(repo/'.venv'/'bin')
        base = {k: v for k, v in os.environ.items() if k not in LEAKS}
        base['PATH'] = os.pathsep.join(p for p in base.get('PATH', '').split(os.pathsep) if p != venv_bin)
        runner = {'CI': 'true', 'RUNNER_TEMP': str(temp), 'GITHUB_WORKSPACE': str(workspace),
                  'RUNNER_OS': {'Darwin': 'macOS'}.get(platform.system(), platform.system())}
        defaults = {**((workflow.get('defaults') or {}).get('run') or {}), **((job.get('defaults') or {}).get('run') or {})}
        steps = job.get('steps') or []
        print(f'{a.workflow} at {commit[:10]} ({branch}), job {name}: {len(steps)} steps, in {workspace}')
        for k, v in job_env.items(): print(f'  env {k}={v}')
        for k, why in dropped.items(): print(f'  env {k}: left out, as GitHub\'s alone: {why}')
        for i, s in enumerate(steps, 1):
            print(f'  {i}. ' + ('run: ' + s['run'].strip().replace('\n', '\n       ') if 'run' in s else f'uses: {s.get("uses")}'))
        if a.list: ok = True; return 0
        uploads = [str((s.get('with') or {}).get('path', '_site/')).rstrip('/')
                   for s in steps if str(s.get('uses', '')).startswith(f'{UPLOAD}@')]
        r = Runner(workspace, temp, {**base, **runner}, defaults, repo, commit, branch, uploads)
        for i, s in enumerate(steps, 1):
            try: r.step(i, s, job_env)
            except (Failed, subprocess.CalledProcessError) as e:
                print(f'--- FAIL: step {i}: {e}', flush=True)
                return 1
        ok = True
        times = ', '.join(f'{n.split(" (")[0]} {t:.0f} s' for n, t in r.times)
        print(f'\ndeploy build job green here in {time.time() - t0:.0f} s ({times})')
        return 0
    except Failed as e:
        print(f'--- FAIL: {e}')
        return 1
    finally:
        if ok and not a.keep: shutil.rmtree(tmp, ignore_errors=True)
        else: print(f'the clone and the runner\'s temporary folder: {tmp}')

if __name__ == '__main__':
    os.environ.setdefault('PYTHONUNBUFFERED', '1')
    sys.exit(main())
