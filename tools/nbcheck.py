"""`nbdev_test` that also checks the stored outputs: one execution of each notebook both runs its tests and compares
every text output with the one committed in the notebook, so the site never shows a stale result.

    python -m tools.nbcheck [nbdev_test options]   # = nbdev_test (same options: --path, --n_workers, --flags, --timing)
    python -m tools.nbcheck --update NB [NB ...]   # execute every cell (slow ones too) and store the outputs

It is nbdev's own `nbdev_test` and `test_nb`, with the shell they execute notebooks in (execnb's `CaptureShell`)
replaced by `OutputCheckingShell`, which compares each cell after it runs. Cells that `nbdev_test` skips
(`#| eval: false`, settings.ini `tst_flags` such as `#| slow`) keep their stored outputs. Images are compared only
through their text fallback (their bytes vary by platform). Timings, memory addresses, temporary paths and the line
numbers of source links are masked before comparing (see `SANITIZERS`).
"""
from __future__ import annotations
import contextlib, difflib, io, json, os, platform, re, subprocess, sys
from pathlib import Path

import nbdev.test
from nbdev.config import get_config
from execnb.shell import CaptureShell, format_exc

from tools.cellref import cell_ref
from tools.notebooks import notebooks

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
    (r'(\.py)#L\d+\b', r'\1#L'),   # ... and their line: a function added above must not change this cell's output
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

def nb_label(fn:Path)->str:
    "`nbs/03_stats.ipynb`: the notebook as a contributor types it (relative to the project root when inside it)."
    fn = Path(fn).absolute()
    return fn.relative_to(ROOT).as_posix() if fn.is_relative_to(ROOT) else str(fn)

def source_numbers(fn:Path, cells)->dict[int,int]:
    """Each of `cells` (nbdev's processed notebook, which drops and inserts cells) → its number in the source notebook
    `fn`, as Jupyter counts cells (1-based, all kinds), matched by source in order."""
    src = [''.join(c.get('source', '')) if isinstance(c.get('source'), list) else c.get('source', '')
           for c in json.loads(Path(fn).read_text(encoding='utf-8'))['cells']]
    res, j = {}, 0
    for c in cells:
        if c.cell_type != 'code': continue
        k = next((k for k in range(j, len(src)) if src[k] == c.source), None)
        if k is not None: res[c.idx_], j = k + 1, k + 1
    return res

class OutputCheckingShell(CaptureShell):
    "execnb's shell as `nbdev_test` uses it, also comparing each executed cell's text outputs with the stored ones."
    def __init__(self, path, *args, **kwargs):
        self.nb_path, self.current, self.problems, self.numbers = Path(path), None, [], {}
        super().__init__(path, *args, **kwargs)

    def run_all(self, nb, exc_stop=False, preproc=lambda c: False, postproc=lambda c: False, **kwargs):
        stored = {c.idx_: outputs_text(c.get('outputs', [])) for c in nb.cells if c.cell_type == 'code'}
        self.numbers = source_numbers(self.nb_path, nb.cells)
        def compare(cell):
            postproc(cell)
            if self.exc: return                       # the traceback is the report
            got = outputs_text(cell.get('outputs', []))
            if got != stored[cell.idx_]:
                diff = difflib.unified_diff(stored[cell.idx_].splitlines(), got.splitlines(), 'stored', 'now', lineterm='', n=1)
                self.problems.append(f'{self.ref(cell)}: the stored output differs from a fresh run\n' + '\n'.join(diff))
        super().run_all(nb, exc_stop=exc_stop, preproc=preproc, postproc=compare, **kwargs)
        if self.problems: raise AssertionError('stored outputs differ')   # `test_nb` counts the notebook as failed

    def cell(self, cell, *args, **kwargs):
        self.current = cell
        return super().cell(cell, *args, **kwargs)

    def ref(self, cell)->str:
        return cell_ref(nb_label(self.nb_path), self.numbers.get(cell.idx_, cell.idx_ + 1), cell.source)

    def prettytb(self, fname=None)->str:
        "What `test_nb` prints for a failed notebook: the differing cells, or the cell that raised and its traceback."
        fix = f'make outputs NB={nb_label(self.nb_path)}'
        if self.problems: return '\n'.join(self.problems) + f'\nIf the new outputs are right, store them: `{fix}`\n'
        where = self.ref(self.current) if self.current is not None else nb_label(self.nb_path)
        return f'{where} raised {type(self.exc).__name__}:\n{"".join(format_exc(self.exc))}\nFix the cell, then `{fix}`\n'

def update_nb(fn:str|Path):
    "Execute every cell of `fn` (slow ones too) in a fresh shell, store the outputs, then `nbdev_clean` it."
    from execnb.nbio import read_nb, write_nb
    from fastcore.xtras import working_directory
    fn = Path(fn).resolve()
    nb, shell = read_nb(fn), CaptureShell(fn)
    with working_directory(fn.parent): shell.run_all(nb, exc_stop=True)
    write_nb(nb, fn)
    subprocess.run([Path(sys.executable).parent/'nbdev_clean', '--fname', str(fn)], check=True, cwd=ROOT)

@contextlib.contextmanager
def checking_outputs():
    "Within the block, nbdev's `test_nb` and `nbdev_test` execute notebooks in `OutputCheckingShell`."
    saved, nbdev.test.CaptureShell = nbdev.test.CaptureShell, OutputCheckingShell   # forked workers inherit it
    try: yield
    finally: nbdev.test.CaptureShell = saved

def check_nb(fn:str|Path)->tuple[bool,str]:
    "Notebook `fn` through nbdev's `test_nb` (settings.ini's `tst_flags` skipped) with its outputs compared: passed?, report."
    err = io.StringIO()
    with checking_outputs(), contextlib.redirect_stderr(err):
        ok, _ = nbdev.test.test_nb(Path(fn).absolute(), skip_flags=get_config().tst_flags.split(), basepath=ROOT)
    return ok, err.getvalue()

def test_nbs(argv:list[str])->int:
    "`nbdev_test` itself, parsing `argv` as its command line, with every notebook executed in `OutputCheckingShell`."
    sys.argv = ['nbdev_test', *argv]
    with checking_outputs():
        try: nbdev.test.nbdev_test()
        except SystemExit as e: return e.code if isinstance(e.code, int) else 1
    return 0

def main(argv:list[str])->int:
    if argv[:1] != ['--update']: return test_nbs(argv)
    for n in argv[1:] or notebooks():
        update_nb(n)
        print(f'stored outputs of {nb_label(n)}')
    return 0

X86_64 = ('x86_64', 'amd64')   # `platform.machine()` of an x86-64 processor, lower-cased (Linux, Windows)

def reproducible_env(machine:str|None=None)->dict[str,str]:
    """The environment in which torch's float results are the same on every machine: one thread (a sum is split the
    same way), and on x86-64 the AVX2 code paths of torch's own kernels, MKL and oneDNN, whatever wider instructions
    the processor has (an AVX-512 machine otherwise sums in other orders: a trained model's loss differs in the 4th
    digit after three epochs)."""
    env = {'OMP_NUM_THREADS': '1'}
    if (machine or platform.machine()).lower() in X86_64:
        env |= {'ATEN_CPU_CAPABILITY': 'avx2', 'MKL_CBWR': 'AVX2', 'ONEDNN_MAX_CPU_ISA': 'AVX2'}
    return env

if __name__ == '__main__':
    os.environ.setdefault('PYTHONUNBUFFERED', '1')
    # set before any worker imports torch; the notebooks' two workers use the two cores
    os.environ.update(reproducible_env())
    sys.exit(main(sys.argv[1:]))
