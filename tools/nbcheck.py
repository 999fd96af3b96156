"""The notebooks' tests and their stored outputs, in one execution per notebook: nbdev's own `test_nb` runs each
notebook exactly as `nbdev_test` does (same notebooks, skip flags from settings.ini `tst_flags`, `--flags` to force
some), and every cell it executes has its text outputs compared with the ones committed in the notebook, so the site
never shows a stale result.

    python tools/nbcheck.py [NB ...] [--flags slow]   # test and compare (every notebook nbdev_test would test by default)
    python tools/nbcheck.py --update NB [NB ...]       # execute every cell (slow ones too) and store the outputs

Cells that `nbdev_test` skips (`#| eval: false`, `#| slow`) are not run; their stored outputs stay as they are. Images
are not compared (their bytes vary by platform); their text fallbacks are. Timings, memory addresses, temporary paths
and show_doc's source line numbers are masked before comparing (see `SANITIZERS`).
"""
from __future__ import annotations
import argparse, contextlib, difflib, importlib, os, re, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))
from tools.cellref import cell_ref  # noqa: E402

TEXT_MIMES = ('text/plain', 'text/markdown', 'text/latex')

# (pattern, replacement): things that legitimately differ between two runs of the same code.
SANITIZERS = [
    (r' at 0x[0-9a-fA-F]+', ''),                                          # object ids, as nbdev_clean strips them
    (r'0x[0-9a-fA-F]{6,}', '0xADDR'),                                    # other addresses
    (r'\b\d+(\.\d+)?(e-?\d+)?\s?(s|ms|µs|us|ns|sec|secs|seconds)\b', 'TIME'),  # timings
    (r'\b\d{1,2}:\d{2}(:\d{2})?\b', 'CLOCK'),                            # progress-bar clocks 00:01
    (r'/tmp/[^\s\'"]+', '/tmp/PATH'),                                     # temporary files
    (r'https://github\.com/[^/\s]+/[^/\s]+/blob/[^/\s]+/', 'GITHUB/'),     # show_doc source links: a fork's owner
    (r'(\.py)#L\d+', r'\1#L'),                 # ... and the line: adding a function above must not fail later cells
    (r'\bTIME(\s*±\s*TIME)?\b', 'TIME'),
]

def sanitize(text:str)->str:
    "Mask the parts of an output that vary between runs."
    for pat, rep in SANITIZERS: text = re.sub(pat, rep, text)
    return text.rstrip()

def _text(o)->str:
    "The text of one output, as a reader sees it: streams, results, errors; images by their text fallback only."
    kind = o.get('output_type')
    if kind == 'stream': return f"[{o.get('name')}] " + ''.join(o.get('text', ''))
    if kind == 'error': return f"[error] {o.get('ename')}: {o.get('evalue')}"
    data = o.get('data', {})
    return '\n'.join(f'[{m}] ' + ''.join(data[m]) for m in TEXT_MIMES if m in data)

def outputs_text(outputs)->str:
    "All outputs of a cell as one sanitised string (consecutive streams of one name merged, as Jupyter shows them)."
    parts = []
    for o in outputs:
        t = _text(o)
        if parts and o.get('output_type') == 'stream' and parts[-1][0] == ('stream', o.get('name')):
            parts[-1] = (parts[-1][0], parts[-1][1] + t.split('] ', 1)[1])
        else: parts.append((('stream', o.get('name')) if o.get('output_type') == 'stream' else ('other', None), t))
    return sanitize('\n'.join(t for _, t in parts))

def shown(fn:Path)->str:
    "`fn` as a contributor types it: relative to the project when inside it."
    fn = Path(fn).resolve()
    return str(fn.relative_to(ROOT)) if fn.is_relative_to(ROOT) else str(fn)

@contextlib.contextmanager
def comparing_shell(fn:Path, problems:list[str]):
    """nbdev's `test_nb` with its `CaptureShell` replaced, for the block, by one whose `run_all` also compares each
    cell of notebook `fn` it executes with the stored ones. `test_nb` offers no hook for a `postproc`, and `run_all` is the one
    call that takes it: replacing only that class keeps nbdev's notebook list, flags, skips and error handling."""
    import nbdev.test
    from execnb.shell import CaptureShell
    fn = shown(fn)
    class ComparingShell(CaptureShell):
        def run_all(self, nb, *args, **kwargs):
            stored = {c.idx_: outputs_text(c.get('outputs', [])) for c in nb.cells}
            fix = f'run `make outputs NB={fn}`'
            def compare(cell):
                ref = cell_ref(fn, cell.idx_ + 1, cell.source)
                if self.exc:
                    problems.append(f'{ref} raised: fix the cell, then {fix}\n{self.prettytb(fname=fn)}')
                    return
                got = outputs_text(cell.get('outputs', []))
                if got != stored[cell.idx_]:
                    diff = difflib.unified_diff(stored[cell.idx_].splitlines(), got.splitlines(), 'stored', 'now', lineterm='', n=1)
                    problems.append(f'{ref}: the stored output differs from a fresh run: {fix}\n' + '\n'.join(diff))
            return super().run_all(nb, *args, postproc=compare, **kwargs)
    nbdev.test.CaptureShell = ComparingShell
    try: yield
    finally: nbdev.test.CaptureShell = CaptureShell

def check_nb(fn:str|Path, force_flags:list[str]=())->tuple[float, list[str]]:
    "Run notebook `fn` with nbdev's `test_nb` as `nbdev_test` would; seconds taken and one message per failing cell."
    from nbdev.config import get_config
    from nbdev.test import test_nb
    cfg, problems, fn = get_config(), [], Path(fn).resolve()
    with comparing_shell(fn, problems):
        ok, seconds = test_nb(fn, skip_flags=cfg.tst_flags.split(), force_flags=list(force_flags),
                              showerr=False, basepath=cfg.config_path)
    if not ok and not problems: problems.append(f'{shown(fn)}: nbdev_test failed before running a cell')
    return seconds, problems

def update_nb(fn:str|Path):
    "Execute every cell of `fn` (slow ones too) in a fresh shell, store the outputs, then `nbdev_clean` it."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    fn = Path(fn).resolve()
    nb, shell = read_nb(fn), CaptureShell(fn)
    with working_directory(fn.parent): shell.run_all(nb, exc_stop=True)
    write_nb(nb, fn)
    subprocess.run([Path(sys.executable).parent/'nbdev_clean', '--fname', str(fn)], check=True, cwd=ROOT)

def tested_notebooks()->list[Path]:
    "The notebooks `nbdev_test` tests: nbdev's `nbglob` without folders holding a `.notest` file, largest first."
    from nbdev.doclinks import nbglob
    from nbdev.test import _keep_file
    return sorted((p for p in nbglob(as_path=True) if _keep_file(p, '.notest')), key=lambda p: -p.stat().st_size)

def main(argv=None)->int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', help='notebooks to check (default: those nbdev_test tests)')
    p.add_argument('--update', action='store_true', help='execute and store outputs instead of checking')
    p.add_argument('--flags', default='', help='space-separated test flags to run that are normally skipped (nbdev_test --flags)')
    p.add_argument('--workers', type=int, default=os.cpu_count() or 1)
    a = p.parse_args(argv)
    if a.update:
        for n in a.notebooks or tested_notebooks(): update_nb(n); print(f'stored outputs of {n}')
        return 0
    nbs = [Path(n).resolve() for n in a.notebooks] or tested_notebooks()
    # A fresh process per notebook (IPython's shell takes over `__main__`), given the function by its module path.
    check = importlib.import_module('tools.nbcheck').check_nb
    t, failed = time.time(), 0
    with ProcessPoolExecutor(a.workers, max_tasks_per_child=1) as ex:
        for n, (secs, probs) in zip(nbs, ex.map(check, nbs, [a.flags.split()] * len(nbs))):
            print(f"{'FAIL' if probs else 'ok  '} {shown(n)} ({secs:.0f} s)", flush=True)
            for m in probs: print('    ' + m.replace('\n', '\n    '))
            failed += bool(probs)
    print(f'notebooks: {len(nbs)-failed} pass nbdev_test and reproduce their stored outputs, {failed} fail ({time.time()-t:.0f} s)')
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main())
