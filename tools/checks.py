"""Every check of `make test`, counted: the last line is `N passed, N failed`.

Each step reports how many checks it ran and how many failed (a notebook, a test, a hygiene rule), so the total
counts checks rather than steps. A step that cannot run at all (a missing tool) counts as one failure.

Checks change nothing they check: export, clean and README drift are found by running the fixing commands on a
temporary copy of the project; the site the tests check is built into a temporary folder (or is `$SITE_DIR`, as
built, when set), never into `_docs/`. Independent steps run side by side in two lanes (the machine's two cores):
the notebooks in one, everything else in the other; each step's output is printed whole when it ends.
"""
from __future__ import annotations
import hashlib, os, re, shutil, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The commands that write generated files, in the order a contributor runs them (CONTRIBUTING.md).
FIXES = [('nbdev_clean', [BIN/'nbdev_clean']), ('nbdev_export', [BIN/'nbdev_export']),
         ('python -m tools.sitebuild readme', [sys.executable, '-m', 'tools.sitebuild', 'readme'])]
NOT_PROJECT = {'.git', '.venv', 'node_modules', '_docs', '_proc', '__pycache__', 'tests/artifacts'}   # without git
_print = threading.Lock()

def run(*cmd, cwd:Path=ROOT, env:dict|None=None)->subprocess.CompletedProcess:
    "Run `cmd` in `cwd` (the project root), its output captured."
    return subprocess.run([str(c) for c in cmd], cwd=cwd, text=True, capture_output=True, env=env)

def output(p:subprocess.CompletedProcess)->str: return (p.stdout + p.stderr).rstrip()

def project_files(root:Path)->list[str]:
    "The project's files: tracked and untracked ones git does not ignore; without git, all but `NOT_PROJECT`."
    if (root/'.git').exists():
        p = run('git', 'ls-files', '-z', '-co', '--exclude-standard', cwd=root)
        if p.returncode == 0: return [f for f in p.stdout.split('\0') if f and (root/f).is_file()]
    rel = [f.relative_to(root).parts for f in root.rglob('*') if f.is_file()]
    return ['/'.join(r) for r in rel if not any('/'.join(r[:i]) in NOT_PROJECT for i in range(1, len(r) + 1))]

def copy_project(root:Path, dest:Path)->Path:
    "A copy of the project at `root` in `dest` (see `project_files`)."
    for f in project_files(root):
        (dest/f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root/f, dest/f)
    return dest

def digests(root:Path)->dict[str, str]:
    return {f: hashlib.sha256((root/f).read_bytes()).hexdigest() for f in project_files(root)}

def drift(root:Path=ROOT)->list[tuple[str, str]]:
    """Run the commands that write generated files (`FIXES`) on a copy of the project at `root`; (command, message)
    for each file they would change, the message naming the file and the command that fixes it. `root` is only read."""
    problems = []
    with tempfile.TemporaryDirectory(prefix='checks-drift-') as tmp:
        copy = copy_project(root, Path(tmp)/root.name)
        if (root/'_proc').is_dir():   # nbdev's processing cache (mtimes kept): the README step reprocesses only what changed
            shutil.copytree(root/'_proc', copy/'_proc', symlinks=True)
        before = digests(copy)
        for name, cmd in FIXES:
            p = run(*cmd, cwd=copy)
            after = digests(copy)
            if p.returncode: problems.append((name, f'`{name}` failed (run on a copy of the project):\n{output(p)}'))
            problems += [(name, f'{f}: not what `{name}` writes: run `{name}` and commit the result')
                         for f in sorted(set(before) | set(after)) if before.get(f) != after.get(f)]
            before = after
    return problems

def drift_step()->tuple[int, int, str]:
    problems = drift()
    return len(FIXES), len({name for name, _ in problems}), '\n'.join(m for _, m in problems)

def single(*cmd)->tuple[int, int, str]:
    p = run(*cmd)
    return 1, int(p.returncode != 0), output(p)

class Site:
    "The site the tests check: `$SITE_DIR` as built (deploy.yaml tests the `_docs` it publishes), else built into a temporary folder."
    def __init__(self):
        given = os.environ.get('SITE_DIR')
        self.tmp = None if given else tempfile.mkdtemp(prefix='checks-site-')
        self.dir = Path(given).resolve() if given else Path(self.tmp)/'site'
    def build(self)->tuple[int, int, str]:
        if self.tmp is None:
            ok = (self.dir/'index.html').is_file()
            return 1, int(not ok), f'testing the site in $SITE_DIR={self.dir} as built' + ('' if ok else ': it has no index.html')
        return single(sys.executable, '-m', 'tools.sitebuild', '--quiet', '--out', self.dir)
    def remove(self):
        if self.tmp: shutil.rmtree(self.tmp, ignore_errors=True)

def notebooks()->tuple[int, int, str]:
    "Each notebook executed once: nbdev_test's run and the stored-output comparison (tools/nbcheck.py)."
    p = run(sys.executable, 'tools/nbcheck.py', '--workers', '2')
    m = re.search(r'(\d+) pass nbdev_test and reproduce their stored outputs, (\d+) fail', p.stdout)
    return (int(m[1]) + int(m[2]), int(m[2]), output(p)) if m else (1, 1, output(p))

def pytest(site:Site)->tuple[int, int, str]:
    "pytest tests/, its site tests on `site` (tools/sitetest.built_site reads `SITE_DIR`)."
    p = run(sys.executable, '-m', 'pytest', 'tests', '-q', '-rs', '-p', 'no:cacheprovider', env={**os.environ, 'SITE_DIR': str(site.dir)})
    last = p.stdout.rstrip().splitlines()[-1] if p.stdout.strip() else ''
    counts = {k: int(n) for n, k in re.findall(r'(\d+) (passed|failed|errors?|skipped)', last)}
    failed = counts.get('failed', 0) + counts.get('error', 0) + counts.get('errors', 0)
    note = ''
    if p.returncode == 5: failed, note = 1, '\npytest collected no tests'
    elif p.returncode and not failed: failed, note = 1, f'\npytest stopped (exit {p.returncode})'   # collection, usage
    return counts.get('passed', 0) + failed, failed, output(p) + note

def lanes(site:Site)->list[list[tuple[str, callable]]]:
    "The steps, in lanes that run side by side; the steps of one lane run in order (pytest needs the built site)."
    return [[('notebooks: nbdev_test and stored outputs', notebooks)],
            [('generated files: nbdev_clean, nbdev_export, README.md', drift_step),
             ('ruff check', lambda: single(BIN/'ruff', 'check', '--quiet', 'lessons_lib', 'tools', 'tests')),
             ('site builds', site.build),
             ('pytest tests/', lambda: pytest(site))]]

def main()->int:
    site, totals, times, start = Site(), [0, 0], {}, time.time()
    def lane(steps):
        for name, step in steps:
            t = time.time()
            try: n, bad, out = step()
            except FileNotFoundError as e: n, bad, out = 1, 1, f'cannot run: {e.filename} is missing (run `make install`)'
            times[name] = time.time() - t
            with _print:
                totals[0] += n - bad; totals[1] += bad
                print(f'\n=== {name}' + (f'\n{out}' if out else ''))
                print(f"--- {'FAIL' if bad else 'ok'}: {name}: {n-bad} passed, {bad} failed ({times[name]:.0f} s)", flush=True)
    try:
        with ThreadPoolExecutor(2) as ex: list(ex.map(lane, lanes(site)))
    finally: site.remove()
    print('\ntime: ' + ', '.join(f'{name.split(":")[0]} {t:.0f} s' for name, t in times.items()) + f'; all {time.time()-start:.0f} s')
    print(f'\n{totals[0]} passed, {totals[1]} failed')
    return 1 if totals[1] else 0

if __name__ == '__main__':
    os.environ.setdefault('PYTHONUNBUFFERED', '1')
    sys.exit(main())
