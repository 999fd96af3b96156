"""Every check of `make test`, in order, counted: the last line is `N passed, N failed`.

Each step reports how many checks it ran and how many failed (a notebook, a test, a hygiene rule), so the total
counts checks rather than steps. A step that cannot run at all (a missing tool) counts as one failure.
"""
from __future__ import annotations
import hashlib, os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def run(*cmd:str)->subprocess.CompletedProcess:
    "Run `cmd` in the project root, echoing its output."
    p = subprocess.run([str(c) for c in cmd], cwd=ROOT, text=True, capture_output=True)
    out = (p.stdout + p.stderr).rstrip()
    if out: print(out)
    return p

def digest(pattern:str)->dict[str,str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(ROOT.glob(pattern))}

def unchanged_by(tool:str, pattern:str)->tuple[int,int]:
    "nbdev hygiene, as nbdev's CI checks it: running `tool` must not change any file matching `pattern`."
    before = digest(pattern)
    p = run(BIN/tool)
    changed = [Path(f).relative_to(ROOT) for f, h in digest(pattern).items() if before.get(f) != h]
    changed += [Path(f).relative_to(ROOT) for f in set(before) - set(digest(pattern))]
    if p.returncode or changed:
        print(f'{tool} changed {", ".join(map(str, changed)) or "nothing but failed"}: run `{tool}` and commit the result')
    return 1, int(bool(p.returncode or changed))

def single(*cmd)->tuple[int,int]:
    return 1, int(run(*cmd).returncode != 0)

def notebooks()->list[Path]:
    return sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))

def nbdev_test()->tuple[int,int]:
    "`nbdev_test` over all notebooks in parallel; it names the failing notebooks on stderr."
    p = run(BIN/'nbdev_test', '--n_workers', '2', '--timing')
    if p.returncode == 0: return len(notebooks()), 0
    failed = re.findall(r'^\t(\S+\.ipynb)$', p.stderr, re.M)
    return len(notebooks()), max(len(failed), 1)

def stored_outputs()->tuple[int,int]:
    p = run(BIN/'python', 'tools/nbcheck.py', '--workers', '2')
    m = re.search(r'(\d+) notebooks reproduce, (\d+) differ', p.stdout)
    return (int(m[1]) + int(m[2]), int(m[2])) if m else (1, 1)

def pytest()->tuple[int,int]:
    p = run(BIN/'python', '-m', 'pytest', 'tests', '-q', '-rs', '-p', 'no:cacheprovider')
    counts = {k: int(n) for n, k in re.findall(r'(\d+) (passed|failed|errors?|skipped)', p.stdout.splitlines()[-1] if p.stdout else '')}
    failed = counts.get('failed', 0) + counts.get('error', 0) + counts.get('errors', 0)
    if p.returncode not in (0, 5) and not failed: failed = 1   # pytest itself broke (collection, usage)
    return counts.get('passed', 0) + failed, failed

STEPS = [
    ('nbdev_clean leaves notebooks unchanged', lambda: unchanged_by('nbdev_clean', 'nbs/*.ipynb')),
    ('nbdev_export leaves the library unchanged', lambda: unchanged_by('nbdev_export', 'lessons_lib/*.py')),
    ('README.md in sync with nbs/index.ipynb', lambda: single(BIN/'python', '-m', 'tools.sitebuild', 'readme', '--check')),
    ('ruff check', lambda: single(BIN/'ruff', 'check', '--quiet', 'lessons_lib', 'tools', 'tests')),
    ('site builds', lambda: single(BIN/'python', '-m', 'tools.sitebuild', '--quiet')),
    ('nbdev_test', nbdev_test),
    ('stored outputs reproduce', stored_outputs),
    ('pytest tests/', pytest),
]

def main()->int:
    passed = failed = 0
    for name, step in STEPS:
        print(f'\n=== {name}', flush=True)
        t = time.time()
        try: n, bad = step()
        except FileNotFoundError as e: print(f'cannot run: {e.filename} is missing (run `make install`)'); n, bad = 1, 1
        passed, failed = passed + n - bad, failed + bad
        print(f"--- {'FAIL' if bad else 'ok'}: {name}: {n-bad} passed, {bad} failed ({time.time()-t:.0f} s)", flush=True)
    print(f'\n{passed} passed, {failed} failed')
    return 1 if failed else 0

if __name__ == '__main__':
    os.environ.setdefault('PYTHONUNBUFFERED', '1')
    sys.exit(main())
