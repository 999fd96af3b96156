"""Every check of `make test`, counted: the last line is `N passed, N failed`. A check changes nothing it checks.

Each step reports how many checks it ran and how many failed (a notebook, a test, a hygiene rule), so the total
counts checks rather than steps. A step that cannot run at all (a missing tool) counts as one failure.

Nothing in the working tree is rewritten, pass or fail: `nbdev_clean`, `nbdev_export` and the README are run on a
temporary copy of the project and compared with it; the site the tests check is built into a temporary folder (the
reader's `_docs/` stays as it is) and handed to pytest in `SITE_DIR` (see `tools/sitetest.py`).
Two lanes run side by side on the two cores: the notebooks (`nbdev_test` with the stored-output comparison, once
each, two workers), then the library's and the build's tests; and the site build, the generated files
(their copy reuses the nbdev cache the build just refreshed), ruff, then the browser and live tests of that site (one
Chromium, one Pyodide start in Node). The closing line gives each step's time.
"""
from __future__ import annotations
import hashlib, os, re, shutil, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.sitetest import SITE_ENV

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def run(*cmd, cwd:Path=ROOT, env:dict|None=None)->tuple[int,str]:
    "Run `cmd` in `cwd`; its exit status and its output (stdout and stderr)."
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, text=True, capture_output=True, env={**os.environ, **(env or {})})
    return p.returncode, (p.stdout + p.stderr).rstrip()

def project_copy(root:Path, dest:Path)->Path:
    "The files of the project at `root` as they are now, committed or not (what git tracks or would), copied into `dest`."
    out = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=root,
                         capture_output=True, check=True).stdout.decode()
    for rel in filter(None, sorted(set(out.split('\0')))):
        src = root/rel
        if src.is_file():   # a tracked file deleted in the working tree is not copied
            (dest/rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest/rel)
    return dest

def digest(root:Path)->dict[str,str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob('*') if p.is_file() and not {'_proc', '__pycache__', '.quarto'} & set(p.parts)}

def tracked(root:Path, paths:list[str])->list[str]:
    "The `paths` that git would track in the project at `root` (generated caches such as nbs/nbdev.yml are ignored)."
    p = subprocess.run(['git', 'check-ignore', '--no-index', '--stdin'], cwd=root, input='\n'.join(paths), capture_output=True, text=True)
    return [f for f in paths if f not in set(p.stdout.splitlines())]

# Each generator of committed files, as a contributor runs it, and how the copy runs it.
GENERATORS = [
    ('nbdev_clean', [BIN/'nbdev_clean']),
    ('nbdev_export', [BIN/'nbdev_export']),
    ('python -m tools.sitebuild readme', [sys.executable, '-m', 'tools.sitebuild', 'readme']),
]

def hygiene(root:Path=ROOT, generators:list=GENERATORS)->tuple[int,int,str]:
    "Each of `generators`, run on a copy of the project at `root`, must change no file: what it writes is there already."
    log, failed = [], 0
    with tempfile.TemporaryDirectory(prefix='checks-copy-') as tmp:
        copy = project_copy(root, Path(tmp))
        if (root/'_proc').is_dir():   # nbdev's cache, mtimes kept: the README step re-processes only notebooks changed since
            shutil.copytree(root/'_proc', copy/'_proc', symlinks=True)
        for name, cmd in generators:
            before = digest(copy)
            rc, out = run(*cmd, cwd=copy)
            after = digest(copy)
            changed = tracked(root, sorted(f for f in before.keys() | after.keys() if before.get(f) != after.get(f)))
            if rc: log.append(f'`{name}` failed:\n{out}')
            if changed: log.append(f'{", ".join(changed)}: not what `{name}` makes of the notebooks: run `{name}` and commit the result')
            failed += bool(rc or changed)
    return len(generators), failed, '\n'.join(log)

def single(*cmd)->tuple[int,int,str]:
    rc, out = run(*cmd)
    return 1, int(rc != 0), out

def ruff()->tuple[int,int,str]:
    "ruff over the library, tools and tests (rules in pyproject.toml)."
    n, bad, out = single(BIN/'ruff', 'check', '--quiet', 'lessons_lib', 'tools', 'tests')
    fix = 'fix these in the notebooks (lessons_lib/ is generated) or in tools/ and tests/; `.venv/bin/ruff check --fix` fixes some'
    return n, bad, f'{out}\n{fix}' if bad else out

def notebooks_step()->tuple[int,int,str]:
    "Every notebook executed once: `nbdev_test` (2 workers) that also compares the stored outputs (tools/nbcheck.py)."
    from tools.notebooks import notebooks
    rc, out = run(sys.executable, '-m', 'tools.nbcheck', '--n_workers', '2', '--timing')
    failed = re.findall(r'^\t(\S+\.ipynb)$', out, re.M)
    return len(notebooks()), (max(len(failed), 1) if rc else 0), out

def site_step(site:Path)->tuple[int,int,str]:
    "The offline build into `site` (not `_docs/`), as `make site` builds it."
    return single(sys.executable, '-m', 'tools.sitebuild', '--quiet', '--out', site)

def pytest_step(site:Path, *folders:str)->tuple[int,int,str]:
    "pytest over `folders` of tests/, checking the site built by the site step (a failed build fails the site tests)."
    rc, out = run(sys.executable, '-m', 'pytest', *(f'tests/{f}' for f in folders), '-q', '-rs', '-p', 'no:cacheprovider',
                  '--durations=5', env={SITE_ENV: str(site)})
    last = out.splitlines()[-1] if out else ''
    counts = {k: int(n) for n, k in re.findall(r'(\d+) (passed|failed|errors?|skipped)', last)}
    failed = counts.get('failed', 0) + counts.get('error', 0) + counts.get('errors', 0)
    if rc == 5: failed, out = 1, out + '\npytest collected no tests: nothing was checked'
    elif rc and not failed: failed = 1   # pytest itself broke (collection, usage)
    return counts.get('passed', 0) + failed, failed, out

class Tally:
    "The running count, and each step's report printed whole as the step ends (the lanes run side by side)."
    def __init__(self): self.passed, self.failed, self.lock, self.times = 0, 0, threading.Lock(), {}

    def step(self, name:str, fn, *args)->bool:
        t = time.time()
        try: n, bad, out = fn(*args)
        except FileNotFoundError as e: n, bad, out = 1, 1, f'cannot run: {e.filename} is missing (run `make install`)'
        with self.lock:
            self.passed, self.failed = self.passed + n - bad, self.failed + bad
            self.times[name] = time.time() - t
            print(f'\n=== {name}' + (f'\n{out}' if out else ''))
            print(f"--- {'FAIL' if bad else 'ok'}: {name}: {n-bad} passed, {bad} failed ({time.time()-t:.0f} s)", flush=True)
        return not bad

def main()->int:
    tally, t0 = Tally(), time.time()
    given = os.environ.get(SITE_ENV)   # deploy.yaml: test the site `make site` built, the one it publishes
    with tempfile.TemporaryDirectory(prefix='checks-site-') as tmp:
        site = Path(given).absolute() if given else Path(tmp)/'site'
        built = threading.Event()
        def notebooks_lane():
            tally.step('nbdev_test and stored outputs', notebooks_step)
            tally.step('pytest tests/library', pytest_step, site, 'library')
            built.wait()   # tests/sitebuild checks the built site too
            tally.step('pytest tests/sitebuild', pytest_step, site, 'sitebuild')
        def site_lane():   # the site build first: it brings nbdev's cache (_proc) up to date for the README step's copy
            try:
                if not given: tally.step('site builds', site_step, site)
                tally.step('generated files are up to date (nbdev_clean, nbdev_export, README.md)', hygiene)
                tally.step('ruff check', ruff)
            finally: built.set()
            tally.step('pytest tests/browser tests/live', pytest_step, site, 'browser', 'live')
        with ThreadPoolExecutor(2) as ex:
            for lane in [ex.submit(notebooks_lane), ex.submit(site_lane)]: lane.result()
    split = ', '.join(f'{name.split(" (")[0]} {t:.0f} s' for name, t in tally.times.items())
    print(f'\nmake test took {time.time()-t0:.0f} s ({split})\n{tally.passed} passed, {tally.failed} failed')
    return 1 if tally.failed else 0

if __name__ == '__main__':
    os.environ.setdefault('PYTHONUNBUFFERED', '1')
    sys.exit(main())
