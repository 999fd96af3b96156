"""The notebook check: each notebook executed once, in a fresh shell, as `nbdev_test` runs it, and every text output
compared with the one stored in the notebook, so the site never shows a result its code no longer produces.

    python -m tools.nbcheck [--path NB] [--n_workers N] [--flags slow] [--timing] [--json FILE]
    python -m tools.nbcheck --update NB [NB ...]   # execute every cell (slow ones too) and store the outputs

`check_nb` processes a notebook as `nbdev_test` does (nbdev's `NBProcessor` with its front-matter processor), skips the
cells `nbdev_test` skips (`#| eval: false`, the flags of settings.ini `tst_flags` such as `#| slow`, whose stored outputs
stay), runs the others in execnb's `CaptureShell`, and returns a `NbResult`: every cell whose fresh output differs from
the stored one, and the cell that raised, each named as Jupyter numbers it. Numbers are compared as printed numbers
(`tools/numdiff.py`): float results vary in their last digits between machines. Images are compared through their text
fallback only; timings, memory addresses, temporary paths and source-link line numbers are masked (`SANITIZERS`).
"""
from __future__ import annotations
import argparse, difflib, json, os, sys, time, traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
import re

from fastcore.parallel import parallel
from nbdev.config import get_config

from tools.cellref import ROOT, cell_ref, nb_label
from tools.notebooks import notebooks
from tools.numdiff import NONE, Tolerance, mismatches

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

def fix_command(label:str)->str:
    "The command that stores fresh outputs of the notebook named `label` (`nb_label`)."
    return f'make outputs NB={label}'

@dataclass
class NbResult:
    "What checking one notebook found: a message per differing or failing cell (each names the cell), and the time."
    nb: str
    problems: list[str] = field(default_factory=list)
    cells_run: int = 0
    seconds: float = 0.

    @property
    def ok(self)->bool: return not self.problems

    def report(self)->str:
        "The problems, then what to run about them."
        if self.ok: return ''
        fix = fix_command(self.nb)
        return '\n'.join(self.problems) + f'\nFix what raised, if anything; when the new outputs are right, store them: `{fix}`'

def skipped(cell, flags:set[str])->bool:
    "Whether `nbdev_test` skips `cell` (nbdev.test.test_nb's rule): not code, `#| eval: false`, or one of `flags`."
    if cell.cell_type != 'code': return True
    if 'nbdev_export' + '(' in cell.source: return True
    direc = getattr(cell, 'directives_', {}) or {}
    return direc.get('eval:', [''])[0].lower() == 'false' or bool(flags & direc.keys())

def stale(ref:str, stored:str, fresh:str, tol:Tolerance)->str|None:
    "The message for a cell whose fresh output `fresh` differs from `stored` beyond `tol`, or None."
    found = mismatches(stored, fresh, tol)
    if not found: return None
    diff = difflib.unified_diff(stored.splitlines(), fresh.splitlines(), 'stored', 'now', lineterm='', n=1)
    return f'{ref}: the stored output differs from a fresh run: ' + '; '.join(found) + '\n' + '\n'.join(diff)

def check_nb(fn:str|Path, force_flags:tuple[str,...]=())->NbResult:
    """Execute notebook `fn` as `nbdev_test` does and compare each executed cell's text outputs with the stored ones.
    A cell that raises ends the run (later cells need it); differing outputs before it are all reported."""
    from execnb.shell import CaptureShell, format_exc
    from fastcore.xtras import working_directory
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.process import NBProcessor
    fn, t0 = Path(fn).absolute(), time.time()
    res, label = NbResult(nb_label(fn)), nb_label(fn)
    if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))
    os.environ['IN_TEST'] = '1'
    flags = set(get_config().tst_flags.split()) - set(force_flags)
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    shell = CaptureShell(fn)
    with working_directory(fn.parent):
        for cell in nb.cells:
            if skipped(cell, flags): continue
            ref = cell_ref(label, cell.idx_ + 1, cell.source)
            try: tol = Tolerance.parse(cell.directives_['tolerance']) if 'tolerance' in cell.directives_ else NONE
            except ValueError as e:
                res.problems.append(f'{ref}: {e}')
                tol = NONE
            outs = shell.run(cell.source)
            res.cells_run += 1
            if shell.exc is not None:
                tb = ''.join(format_exc(shell.exc))
                res.problems.append(f'{ref} raised {type(shell.exc).__name__}:\n{tb}'.rstrip())
                break
            if msg := stale(ref, outputs_text(cell.get('outputs', [])), outputs_text(outs), tol): res.problems.append(msg)
    res.seconds = time.time() - t0
    return res

def update_nb(fn:str|Path):
    """Execute every cell of `fn` (slow ones too) in a fresh shell, store the outputs, then `nbdev_clean` it. A cell that
    raises is named, with its traceback, in a `RuntimeError`, and the notebook is left as it was."""
    import subprocess
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell, format_exc
    from fastcore.xtras import working_directory
    fn = Path(fn).resolve()
    nb, shell, label = read_nb(fn), CaptureShell(fn), nb_label(fn)
    with working_directory(fn.parent):
        for cell in nb.cells:
            if cell.cell_type != 'code': continue
            cell.outputs = shell.run(cell.source)
            if shell.exc is not None:
                raise RuntimeError(f'{cell_ref(label, cell.idx_ + 1, cell.source)} raised {type(shell.exc).__name__}:\n'
                                   f'{"".join(format_exc(shell.exc))}\nNothing was stored: fix the cell, then `{fix_command(label)}`')
            cell.execution_count = None
    write_nb(nb, fn)
    subprocess.run([Path(sys.executable).parent/'nbdev_clean', '--fname', str(fn)], check=True, cwd=ROOT)

def _check(fn:Path, force_flags:tuple[str,...]=())->NbResult:
    "`check_nb` that turns a crash of the check itself into a result naming the notebook (a worker never dies unseen)."
    try: return check_nb(fn, force_flags)
    except Exception: return NbResult(nb_label(fn), [f'{nb_label(fn)}: the check itself failed:\n{traceback.format_exc()}'.rstrip()])

def check_nbs(files:list[Path], n_workers:int=0, force_flags:tuple[str,...]=(), method:str|None=None)->list[NbResult]:
    """`check_nb` over `files`, `n_workers` processes at a time (0: in this process), in the order of `files`; `method`:
    how workers start (`fork`, `spawn`, `forkserver`; None: the platform's default)."""
    return list(parallel(_check, files, force_flags=force_flags, n_workers=n_workers, method=method, threadpool=False))

def parse_args(argv:list[str])->argparse.Namespace:
    p = argparse.ArgumentParser(prog='python -m tools.nbcheck', description=__doc__.split('\n')[0])
    p.add_argument('--path', help='a notebook, a folder or a glob of them (default: every notebook nbdev lists)')
    p.add_argument('--n_workers', type=int, default=None, help='processes side by side (default: one per core, at most 8)')
    p.add_argument('--flags', default='', help='space-separated test flags to run after all (e.g. "slow")')
    p.add_argument('--timing', action='store_true', help='print how long each notebook took, slowest first')
    p.add_argument('--json', type=Path, help='also write the results to this file, for tools/checks.py')
    p.add_argument('--update', nargs='*', metavar='NB', help='execute these notebooks (all when none is named) and store their outputs')
    return p.parse_args(argv)

def main(argv:list[str])->int:
    args = parse_args(argv)
    if args.update is not None:
        for n in args.update or notebooks():
            try: update_nb(n)
            except RuntimeError as e:
                print(e, file=sys.stderr)
                return 1
            print(f'stored outputs of {nb_label(n)}')
        return 0
    files = notebooks(args.path)
    if not files:
        print(f'no notebook matches --path {args.path}', file=sys.stderr)
        return 2
    n_workers = min(os.cpu_count() or 1, 8, len(files)) if args.n_workers is None else args.n_workers
    # torch's threads share the cores with the other workers' (a caller's OMP_NUM_THREADS wins)
    os.environ.setdefault('OMP_NUM_THREADS', str(max(1, (os.cpu_count() or 1) // max(n_workers, 1))))
    results = check_nbs(files, n_workers if len(files) > 1 else 0, tuple(args.flags.split()))
    for r in results:
        if not r.ok: print(r.report(), file=sys.stderr, end='\n\n')
    if args.timing:
        for r in sorted(results, key=lambda r: -r.seconds): print(f'{r.nb}: {r.seconds:.1f} s, {r.cells_run} cells')
    if args.json: args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    failed = [r.nb for r in results if not r.ok]
    print(f'{len(results) - len(failed)} of {len(results)} notebooks passed' + (f'; failed: {", ".join(failed)}' if failed else ''))
    return 1 if failed else 0

if __name__ == '__main__':
    os.environ.setdefault('PYTHONUNBUFFERED', '1')
    from tools.nbcheck import main as _main   # the workers' functions are `tools.nbcheck`'s, which any start method imports
    sys.exit(_main(sys.argv[1:]))
