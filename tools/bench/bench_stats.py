"""`lessons_lib.stats` against torch on 10⁷ float32 values on the CPU: time and relative error, as ratios.

One thread (`THREADS`), so that the comparison is not at the mercy of other processes on a small shared machine.

Each row times ours and its torch counterpart in the same run (interleaved repeats, the median), and measures both
errors against a float64 numpy reference of the same float32 values. The data sit at an offset of 10⁴ standard
deviations, where the naive one-pass formula E[X²]-E[X]² has visibly lost digits. GB/s is the float32 input read
per second; `x.sum()` over the same data is the memory-bound limit of this machine. The streaming accumulator is fed
batches of 2¹⁶ values; the naive one-pass formula is timed against `torch.var` too.
"""
import statistics, time
import numpy as np, torch
from lessons_lib.stats import var, std, cov, corr, RunningStats

N, OFFSET, REPEATS, THREADS = 10_000_000, 1e4, 9, 1

def timed(fns:dict, repeats:int=REPEATS)->dict:
    "Median seconds of each function, repeats interleaved so that load on the machine hits all alike."
    for f in fns.values(): f()
    ts = {k: [] for k in fns}
    for _ in range(repeats):
        for k, f in fns.items():
            t0 = time.perf_counter(); f(); ts[k].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in ts.items()}

BATCH = 1 << 16  # values per batch fed to `RunningStats`

def streamed(x:torch.Tensor, batch:int=BATCH)->torch.Tensor:
    "The variance of `x` fed to a `RunningStats` in batches of `batch` values."
    rs = RunningStats()
    for b in x.split(batch): rs.update(b)
    return rs.var()

def rel_err(f, ref:float)->float: return abs(float(f()) - ref) / abs(ref)

def main()->None:
    torch.set_num_threads(THREADS)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(N, generator=g) + OFFSET
    y = 0.5 * x + torch.randn(N, generator=g)            # correlated with x, same offset scale
    a, b = x.double().numpy(), y.double().numpy()
    da, db = a - a.mean(), b - b.mean()
    ref_var, ref_cov = da.dot(da) / N, da.dot(db) / N
    ref_corr = ref_cov / np.sqrt(ref_var * db.dot(db) / N)
    xy = torch.stack([x, y])
    naive = lambda: (x*x).mean() - x.mean()**2
    rows = [  # name, ours, theirs, their name, reference, bytes read
        ('var', lambda: var(x), lambda: torch.var(x, correction=0), 'torch.var', ref_var, 4*N),
        ('std', lambda: std(x), lambda: torch.std(x, correction=0), 'torch.std', np.sqrt(ref_var), 4*N),
        ('cov', lambda: cov(x, y), lambda: torch.cov(xy, correction=0)[0, 1], 'torch.cov', ref_cov, 8*N),
        ('corr', lambda: corr(x, y), lambda: torch.corrcoef(xy)[0, 1], 'torch.corrcoef', ref_corr, 8*N),
        (f'RunningStats var, batches of 2^{BATCH.bit_length()-1}', lambda: streamed(x),
         lambda: torch.var(x, correction=0), 'torch.var', ref_var, 4*N),
        ('one-pass E[X²]-E[X]²', naive, lambda: torch.var(x, correction=0), 'torch.var', ref_var, 4*N),
    ]
    t_sum = timed({'sum': lambda: x.sum()})['sum']
    print(f'{N:,} float32 values at offset {OFFSET:g}, {torch.get_num_threads()} thread(s); '
          f'x.sum(): {t_sum*1e3:.2f} ms, {4*N/t_sum/1e9:.1f} GB/s')
    print(f"{'ours':>34} {'vs':>15} {'time ratio':>10} {'ours/sum':>8} {'GB/s':>6} {'our rel err':>11} {'their rel err':>13}")
    for nm, ours, theirs, their_nm, ref, nbytes in rows:
        t = timed({'ours': ours, 'theirs': theirs})
        print(f"{nm:>34} {their_nm:>15} {t['ours']/t['theirs']:10.2f} {t['ours']/t_sum:8.1f} {nbytes/t['ours']/1e9:6.1f} "
              f"{rel_err(ours, ref):11.1e} {rel_err(theirs, ref):13.1e}")

if __name__ == '__main__': main()
