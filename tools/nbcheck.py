"""Stored outputs are true: re-execute notebooks the way `nbdev_test` does and compare every text output with the
one committed in the notebook, so the site never shows a stale result.

    python tools/nbcheck.py [NB ...]            # check (all of nbs/ when no notebook is named)
    python tools/nbcheck.py --update NB [NB ...] # execute every cell (slow ones too) and store the outputs

Cells that `nbdev_test` skips (`#| eval: false`, the flags in settings.ini `tst_flags` such as `#| slow`) are not run
here either; their stored outputs stay as they are. Images are not compared (their bytes vary by platform); their text
fallbacks are. Timings, memory addresses and temporary paths are masked before comparing (see `SANITIZERS`).
"""
from __future__ import annotations
import argparse, difflib, importlib, os, re, subprocess, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT_MIMES = ('text/plain', 'text/markdown', 'text/latex')

# (pattern, replacement): things that legitimately differ between two runs of the same code.
SANITIZERS = [
    (r' at 0x[0-9a-fA-F]+', ''),                                          # object ids, as nbdev_clean strips them
    (r'0x[0-9a-fA-F]{6,}', '0xADDR'),                                    # other addresses
    (r'\b\d+(\.\d+)?(e-?\d+)?\s?(s|ms|µs|us|ns|sec|secs|seconds)\b', 'TIME'),  # timings
    (r'\b\d{1,2}:\d{2}(:\d{2})?\b', 'CLOCK'),                            # progress-bar clocks 00:01
    (r'/tmp/[^\s\'"]+', '/tmp/PATH'),                                     # temporary files
    (r'https://github\.com/[^/\s]+/[^/\s]+/blob/[^/\s]+/', 'GITHUB/'),     # show_doc source links: a fork's owner
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

def _skip_flags()->set[str]:
    from nbdev.config import get_config
    return set(get_config().tst_flags.split())

def check_nb(fn:str)->list[str]:
    "Re-execute `fn` as `nbdev_test` does; return one message per cell whose text outputs differ from the stored ones."
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    from nbdev.process import NBProcessor
    from nbdev.frontmatter import FrontmatterProc
    fn = Path(fn).resolve()
    os.environ['IN_TEST'] = '1'
    sys.path.insert(0, str(ROOT))
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    flags, problems = _skip_flags(), []
    def skip(cell):
        if cell.cell_type != 'code': return True
        direc = getattr(cell, 'directives_', {}) or {}
        if direc.get('eval:', [''])[0].lower() == 'false': return True
        if flags & direc.keys(): return True
        cell.stored_ = outputs_text(cell.get('outputs', []))
        return False
    def compare(cell):
        if shell.exc: return                       # reported once, as the traceback, below
        got = outputs_text(cell.get('outputs', []))
        if got != cell.stored_:
            diff = '\n'.join(difflib.unified_diff(cell.stored_.splitlines(), got.splitlines(), 'stored', 'now', lineterm='', n=1))
            problems.append(f'{fn.name} cell {cell.idx_}:\n{diff}')
    shell = CaptureShell(fn)
    with working_directory(fn.parent):
        try: shell.run_all(nb, exc_stop=True, preproc=skip, postproc=compare)
        except Exception: problems.append(f'{fn.name}: a cell raised\n{shell.prettytb(fname=fn)}')
    return problems

def update_nb(fn:str):
    "Execute every cell of `fn` (slow ones too) in a fresh shell, store the outputs, then `nbdev_clean` it."
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    fn = Path(fn).resolve()
    sys.path.insert(0, str(ROOT))
    nb, shell = read_nb(fn), CaptureShell(fn)
    with working_directory(fn.parent): shell.run_all(nb, exc_stop=True)
    write_nb(nb, fn)
    subprocess.run([Path(sys.executable).parent/'nbdev_clean', '--fname', str(fn)], check=True, cwd=ROOT)

def main(argv=None)->int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', help='notebooks to check (default: every notebook in nbs/)')
    p.add_argument('--update', action='store_true', help='execute and store outputs instead of checking')
    p.add_argument('--workers', type=int, default=os.cpu_count() or 1)
    a = p.parse_args(argv)
    nbs = [Path(n) for n in a.notebooks] or sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
    if a.update:
        for n in nbs: update_nb(n); print(f'stored outputs of {n}')
        return 0
    # A fresh process per notebook (IPython's shell takes over `__main__`), given the function by its module path.
    sys.path.insert(0, str(ROOT))
    check = importlib.import_module('tools.nbcheck').check_nb
    with ProcessPoolExecutor(a.workers, max_tasks_per_child=1) as ex: results = list(ex.map(check, nbs))
    failed = 0
    for n, probs in zip(nbs, results):
        print(f"{'FAIL' if probs else 'ok  '} {n.name}")
        for m in probs: print('    ' + m.replace('\n', '\n    '))
        failed += bool(probs)
    print(f'stored outputs: {len(nbs)-failed} notebooks reproduce, {failed} differ')
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main())
