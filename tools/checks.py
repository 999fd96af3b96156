"""Every check of `make test`, counted: the last line is `N passed, N failed`. A check changes nothing it checks.

Each step reports how many checks it ran and how many failed (a notebook, a test, a hygiene rule), so the total
counts checks rather than steps. A step that cannot run at all (a missing tool) counts as one failure.

Nothing in the working tree is rewritten, pass or fail: `nbdev_clean`, `nbdev_export` and the README are run on a
temporary copy of the project and compared with it; the site the tests check is built into a temporary folder (the
reader's `_docs/` stays as it is) and handed to pytest in `SITE_DIR` (see `tools/sitetest.py`).
Two workers run the steps side by side on the two cores (`plan`, `run_steps`): the site build then the survey of every
page in the browser, and beside them the notebooks (`nbdev_test` with the stored-output comparison, once each); then
the live tests, the other browser tests, the build's and the library's tests, the generated files (their copy reuses
the nbdev cache the build just refreshed) and ruff, each taken up by whichever worker frees first. The pytest processes
share what they build once per run in `CHECKS_SHARED_DIR`, and open their pages in the one Chromium the run starts
(`CHECKS_BROWSER`, tools/sitetest.py). The closing line gives each step's time.
"""
from __future__ import annotations
import hashlib, json, os, shutil, subprocess, sys, tempfile, threading, time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from tools.sitetest import BROWSER_ENV, SHARED_ENV, SITE_ENV, shared_chromium

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
            shutil.copy2(src, dest/rel, follow_symlinks=False)   # a link stays a link (nbs/_quarto.yml → ../_quarto.yml)
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
    ('.venv/bin/nbdev_clean', [BIN/'nbdev_clean']),
    ('.venv/bin/nbdev_export', [BIN/'nbdev_export']),
    ('.venv/bin/python -m tools.sitebuild readme', [sys.executable, '-m', 'tools.sitebuild', 'readme']),
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

def notebooks_step(env:dict|None=None)->tuple[int,int,str]:
    """Every notebook executed once (tools/nbcheck.py, two workers): its tests pass and its outputs reproduce. `env`: the
    CPU code path and thread count to run under, on top of the caller's. The counts come from nbcheck's results file."""
    with tempfile.TemporaryDirectory(prefix='checks-nbs-') as tmp:
        results = Path(tmp)/'results.json'
        rc, out = run(sys.executable, '-m', 'tools.nbcheck', '--n_workers', '2', '--timing', '--json', results, env=env)
        if not results.exists(): return 1, 1, f'{out}\nthe notebook check ended without results (exit {rc})'
        found = json.loads(results.read_text())
    return len(found), sum(1 for r in found if r['problems']), out

# The notebooks once more on torch's generic code path with two threads: float sums in other orders than the first
# run's, as on another processor, so an output that holds only where it was stored fails here, not on a contributor's
# machine. (`default` is a code path every processor has; the caller's own run above may be AVX-512, AVX2 or NEON.)
ANOTHER_MACHINE = {'ATEN_CPU_CAPABILITY': 'default', 'OMP_NUM_THREADS': '2'}

def site_step(site:Path)->tuple[int,int,str]:
    "The offline build into `site` (not `_docs/`), as `make site` builds it."
    return single(sys.executable, '-m', 'tools.sitebuild', '--quiet', '--out', site)

def pytest_step(site:Path, *paths:str)->tuple[int,int,str]:
    """pytest over `paths` of tests/ (`--ignore=...` too), checking the site the site step built; the counts come from
    pytest's JUnit XML report."""
    with tempfile.TemporaryDirectory(prefix='checks-pytest-') as tmp:
        report = Path(tmp)/'report.xml'
        rc, out = run(sys.executable, '-m', 'pytest', *(f'tests/{f}' if not f.startswith('-') else f for f in paths), '-q', '-rs',
                      '-p', 'no:cacheprovider', '--durations=5', f'--junitxml={report}', env={SITE_ENV: str(site)})
        suites = ET.parse(report).getroot().iter('testsuite') if report.exists() else []
        counts = Counter({k: sum(int(s.get(k, 0)) for s in suites) for k in ('tests', 'failures', 'errors', 'skipped')})
    failed = counts['failures'] + counts['errors']
    if rc == 5: failed, out = 1, out + '\npytest collected no tests: nothing was checked'
    elif rc and not failed: failed = 1   # pytest itself broke (collection, usage)
    return counts['tests'] - counts['skipped'] - (counts['failures'] + counts['errors']) + failed, failed, out

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

    def skip(self, name:str, why:str):
        "A step not run because a step it needs failed: one line, counted neither way (the failure is counted once)."
        with self.lock: print(f'\n--- skipped: {name}: {why}', flush=True)

SITE = 'site builds'
NOTEBOOKS = 'notebooks: tests and stored outputs'
HYGIENE = 'generated files are up to date (nbdev_clean, nbdev_export, README.md)'
# Why a step is skipped when a step it needs failed
SKIPPED_BECAUSE = {SITE: 'the site did not build', NOTEBOOKS: 'the notebooks failed on this machine (above)'}

def plan(site:Path, build:bool)->list[tuple]:
    """Each step as (name, function, arguments, the steps it waits for), in the order a free worker takes them up: the
    longest chain first (the site build, then the survey of every page in the browser), the notebooks beside it, then
    the others longest first, so that the two workers end close together."""
    needs_site = {SITE} if build else set()
    return ([(SITE, site_step, (site,), set())] if build else []) + [
        (NOTEBOOKS, notebooks_step, (), set()),
        ('pytest tests/browser/test_every_page.py', pytest_step, (site, 'browser/test_every_page.py'), needs_site),
        ('pytest tests/live', pytest_step, (site, 'live'), needs_site),
        ('notebooks on another code path (ATEN_CPU_CAPABILITY=default, 2 threads)', notebooks_step, (ANOTHER_MACHINE,), {NOTEBOOKS}),
        ('pytest tests/browser, other files', pytest_step, (site, 'browser', '--ignore=tests/browser/test_every_page.py'), needs_site),
        ('pytest tests/sitebuild', pytest_step, (site, 'sitebuild'), needs_site),   # it checks the built site too
        ('pytest tests/tools', pytest_step, (site, 'tools'), needs_site),   # it builds a copy of the project (a new page)
        ('pytest tests/library', pytest_step, (site, 'library'), set()),
        # after the site build: it brings nbdev's cache (_proc) up to date, which the README step's copy reuses
        (HYGIENE, hygiene, (), needs_site),
        ('ruff check', ruff, (), set()),
    ]

def run_steps(tally:Tally, steps:list[tuple], workers:int=2):
    """Run `steps` (as `plan` gives them) on `workers` threads, each taking the first step whose prerequisites have ended;
    a step whose prerequisite failed is skipped with one line."""
    pending, ended, failed, cond = list(steps), set(), set(), threading.Condition()
    def worker():
        while True:
            with cond:
                while not (step := next((s for s in pending if s[3] <= ended), None)):
                    if not pending: return
                    cond.wait()
                pending.remove(step)
            name, fn, args, needs = step
            ok = False
            try:
                if bad := sorted(needs & failed): tally.skip(name, SKIPPED_BECAUSE.get(bad[0], f'{bad[0]} failed'))
                else: ok = tally.step(name, fn, *args)
            finally:
                with cond:
                    ended.add(name)
                    if not ok: failed.add(name)
                    cond.notify_all()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads: t.start()
    for t in threads: t.join()

def main()->int:
    tally, t0 = Tally(), time.time()
    given = os.environ.get(SITE_ENV)   # deploy.yaml: test the site `make site` built, the one it publishes
    with tempfile.TemporaryDirectory(prefix='checks-site-') as tmp, shared_chromium() as browser:
        site = Path(given).absolute() if given else Path(tmp)/'site'
        os.environ[SHARED_ENV] = str(Path(tmp)/'shared')   # what the pytest processes build once between them
        if browser: os.environ[BROWSER_ENV] = browser      # the one browser their pages open in
        run_steps(tally, plan(site, build=not given))
    split = ', '.join(f'{name.split(" (")[0]} {t:.0f} s' for name, t in tally.times.items())
    print(f'\nmake test took {time.time()-t0:.0f} s ({split})\n{tally.passed} passed, {tally.failed} failed')
    return 1 if tally.failed else 0

if __name__ == '__main__':
    os.environ.setdefault('PYTHONUNBUFFERED', '1')
    sys.exit(main())
