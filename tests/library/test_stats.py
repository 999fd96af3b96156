"""Property-based tests of `lessons_lib.stats` against an independent float64 numpy reference.

Data: random shapes (1-3 dims), dims (None, an int, a tuple), dtypes float32/float64, offsets up to 1e6 and scales
down to 1e-3. The reference is numpy, two-pass, on exactly the values the tensor holds, in `np.longdouble` (x87 extended
precision on x86-64, float64 elsewhere): float64 alone cannot judge float64 results, e.g. it gives a constant tensor a
variance of 2e-31. Base values are multiples of 2^-20 in [-1, 1] (repeats, constants and
exact ties, but no values so tiny that their squares underflow float32: those are outside the scales tested).

Tolerance, per statistic: relative 1e-5 of the reference, or as close as torch's own computation when that is farther
(float32 on badly scaled data), plus the rounding floor of the corrected two-pass method, `C·eps·δ²`, where `δ` is the
float32/float64 rounding of the mean (`|torch.mean - reference mean|`). That floor only matters when the spread is
below the resolution of the dtype at the mean, where every method's answer is rounding noise.
"""
import warnings
import numpy as np, torch
from hypothesis import assume, example, given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from lessons_lib.stats import mean, var, std, mad, cov, corr, RunningStats

RTOL = 1e-5
EPS = {torch.float32: 2.**-24, torch.float64: 2.**-53}
SET = settings(max_examples=60, deadline=None)

@st.composite
def tensors(draw, pair:bool=False):
    "One (or two) tensors of one random shape and dtype, offset and scaled, with a random `dim`."
    dt = draw(st.sampled_from([torch.float32, torch.float64]))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=10))
    dims = st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=len(shape), unique_by=lambda d: d % len(shape))
    dim = draw(st.none() | st.integers(-len(shape), len(shape) - 1) | dims.map(tuple))
    def one():
        offset = draw(st.just(0.) | st.floats(-1e6, 1e6))
        scale = draw(st.floats(1e-3, 1e3))
        base = draw(st.one_of(hnp.arrays(np.float64, shape, elements=st.integers(-2**20, 2**20).map(lambda i: i / 2**20)),
                              st.integers(0, 2**32 - 1).map(lambda s: np.random.default_rng(s).standard_normal(shape))))
        return torch.tensor(offset + scale * base).to(dt)
    return (one(), one(), dim) if pair else (one(), dim)

def rows(x:torch.Tensor, dim)->torch.Tensor:
    "The reduced dims moved last and flattened: one row per output element."
    ds = list(range(x.ndim)) if dim is None else [d % x.ndim for d in ((dim,) if isinstance(dim, int) else dim)]
    return x.movedim(ds, list(range(x.ndim - len(ds), x.ndim))).reshape(-1, int(np.prod([x.shape[d] for d in ds])))

def check(ours, ref, theirs, floor=0.):
    "`ours` within max(RTOL relative, torch's own error) + `floor` of the float64 reference."
    ours, theirs = (torch.as_tensor(o).double().numpy().astype(np.longdouble).ravel() for o in (ours, theirs))
    ref, floor = (np.asarray(o, dtype=np.longdouble).ravel() for o in (ref, floor))
    tol = np.fmax(RTOL * np.abs(ref), np.abs(theirs - ref)) + floor   # fmax: a NaN from torch grants nothing
    both_nan = np.isnan(ours) & np.isnan(ref)
    assert (both_nan | (np.abs(ours - ref) <= tol)).all(), f'ours {ours}\nref  {ref}\ntorch {theirs}\ntol {tol}'

def reference(x, dim):
    "numpy reference in extended precision: values, axis, count per slice, mean, and torch's rounding of the mean, squared."
    a = x.double().numpy().astype(np.longdouble)
    m = a.mean(axis=dim)
    return a, dim, a.size // np.size(m), m, (torch.mean(x, dim).double().numpy() - m) ** 2

@SET
@given(tensors(), st.integers(0, 1))
def test_mean_var_std_mad(xd, c):
    x, dim = xd
    a, ax, n, m, delta2 = reference(x, dim)
    assume(n > c)   # a correction of c needs more than c values per slice
    eps, floor_n = EPS[x.dtype], 8 * (np.log2(n) + 2)
    check(mean(x, dim), m, torch.mean(x, dim), floor_n * eps * np.abs(a).mean(axis=ax))
    v = a.var(axis=ax, ddof=c)
    check(var(x, dim, correction=c), v, torch.var(x, dim, correction=c), floor_n * eps * delta2 * n / (n - c))
    check(std(x, dim, correction=c), np.sqrt(v), torch.std(x, dim, correction=c), np.sqrt(floor_n * eps * delta2 * n / (n - c)))
    ma = np.abs(a - a.mean(axis=ax, keepdims=True)).mean(axis=ax)
    keep = dim if dim is not None else tuple(range(x.ndim))
    check(mad(x, dim), ma, (x - x.mean(keep, keepdim=True)).abs().mean(keep), floor_n * eps * (np.sqrt(delta2) + ma))

@SET
@given(tensors(pair=True), st.integers(0, 1))
@example(xyd=(torch.tensor([0., 1.], dtype=torch.float64), torch.tensor([2.2e-313, 0.], dtype=torch.float64), None), c=0)  # subnormal
def test_cov_corr(xyd, c):
    x, y, dim = xyd
    (a, b), ax = (o.double().numpy().astype(np.longdouble) for o in (x, y)), dim
    n = a.size // np.size(a.mean(axis=ax))
    assume(n > c)
    da, db = a - a.mean(axis=ax, keepdims=True), b - b.mean(axis=ax, keepdims=True)
    cv, sa, sb = (da * db).sum(axis=ax) / (n - c), np.sqrt((da**2).mean(axis=ax)), np.sqrt((db**2).mean(axis=ax))
    eps, floor_n = EPS[x.dtype], 8 * (np.log2(n) + 2)
    dx, dy = (np.abs(torch.mean(o, dim).double().numpy() - r.mean(axis=ax)) for o, r in ((x, a), (y, b)))
    xr, yr = rows(x, dim), rows(y, dim)
    pairs = [torch.stack([p, q]) for p, q in zip(xr, yr, strict=True)]
    theirs_cov = torch.stack([torch.cov(p, correction=c)[0, 1] for p in pairs])
    # the scale of a covariance is σ_X σ_Y: a covariance near 0 is judged against it, not against itself
    check(cov(x, y, dim, correction=c), cv, theirs_cov, floor_n * eps * ((sa + dx) * (sb + dy)) * n / (n - c) + RTOL * sa * sb)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        r = corr(x, y, dim)
        theirs_corr = torch.stack([torch.corrcoef(p)[0, 1] for p in pairs])
    assert ((r >= -1) & (r <= 1) | r.isnan()).all()
    flat = (sa == 0) | (sb == 0)
    assert (r.double().numpy().ravel()[np.ravel(flat)] != r.double().numpy().ravel()[np.ravel(flat)]).all(), 'constant → NaN'
    ok = ~np.ravel(flat)
    ref = (cv * (n - c) / n / (sa * sb + flat)).ravel()
    check(r.ravel()[torch.as_tensor(ok)], ref[ok], theirs_corr.ravel()[torch.as_tensor(ok)],
          floor_n * eps * ((1 + dx / (sa + flat)) * (1 + dy / (sb + flat))).ravel()[ok] + RTOL)

@SET
@given(tensors(), st.integers(1, 5), st.data())
def test_running_stats_merge_equals_one_shot(xd, parts, data):
    "Feeding the pieces of a tensor batch by batch, or merging accumulators over them, equals the one-shot result."
    x, dim = xd
    if dim is None: dim = tuple(range(x.ndim))
    d0 = (dim if isinstance(dim, int) else dim[0]) % x.ndim          # split along a reduced dim
    cuts = sorted(data.draw(st.lists(st.integers(1, x.shape[d0] - 1), max_size=parts, unique=True))) if x.shape[d0] > 1 else []
    pieces = torch.tensor_split(x, cuts, d0)
    fed = RunningStats(dim)
    for p in pieces: fed.update(p)
    merged = RunningStats(dim)
    for p in pieces: merged.merge(RunningStats(dim).update(p))
    a, ax, n, m, delta2 = reference(x, dim)
    v = a.var(axis=ax)
    eps, floor_n = EPS[x.dtype], 8 * (np.log2(n) + 2)
    delta2 = np.maximum(delta2, (eps * np.abs(a).max()) ** 2)     # each piece's mean is rounded on its own
    # Merging adds n_a·n_b/n·Δ² for the difference Δ of two pieces' means, each rounded to eps·|μ|: an error of about
    # eps·|μ|·σ, a relative eps·|μ|/σ, as 03_stats says of streaming updates; it matters only when |μ| ≫ σ.
    merge = floor_n * eps * np.abs(m) * np.sqrt(v)
    for rs in (fed, merged):
        assert rs.count == n
        check(rs.mean, m, torch.mean(x, dim), floor_n * eps * np.abs(a).mean(axis=ax))
        check(rs.var(), v, torch.var(x, dim, correction=0), floor_n * eps * delta2 + 4 * eps * v + merge)
        check(rs.var(), var(x, dim), var(x, dim), floor_n * eps * (delta2 + v) + merge)

@SET
@given(st.floats(-1e6, 1e6), st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=5),
       st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_running_stats_drifting_batches(first, offsets, n0, seed):
    "A small first batch far from the rest: its mean, the shift of later batches, is a bad one."
    g = torch.Generator().manual_seed(seed)
    xs = [torch.randn(n0, generator=g) + first] + [torch.randn(500, generator=g) + o for o in offsets]
    rs = RunningStats()
    for x in xs: rs.update(x)
    a = torch.cat(xs).double().numpy()
    np.testing.assert_allclose(rs.var().item(), a.var(), rtol=1e-5)
    np.testing.assert_allclose(rs.mean.item(), a.mean(), rtol=1e-5, atol=1e-5 * np.abs(a).max())

@SET
@given(st.sampled_from([torch.float32, torch.float64]), st.integers(-30, 30),
       hnp.arrays(np.float64, st.integers(2, 40), elements=st.floats(-1, 1)),
       hnp.arrays(np.float64, st.integers(2, 40), elements=st.floats(-1, 1)))
def test_extreme_magnitudes(dt, e, u, w):
    "Values of magnitude 10^e, e from -30 to 30: squares that leave float32's range give no inf, 0 or wrong ρ."
    n = min(len(u), len(w))
    x, y = torch.tensor(u[:n] * 10.**e).to(dt), torch.tensor(w[:n]).to(dt)
    a, b = x.double().numpy().astype(np.longdouble), y.double().numpy().astype(np.longdouble)
    assume(np.ptp(a) > 0 and np.ptp(b) > 0)
    da, db = a - a.mean(), b - b.mean()
    sa, sb = np.sqrt((da**2).mean()), np.sqrt((db**2).mean())
    eps = EPS[dt] * 8 * (np.log2(n) + 2)
    delta = abs(float(torch.mean(x).double()) - float(a.mean()))   # the rounding of the mean, as in `check`
    check(std(x), sa, torch.std(x, correction=0), eps * (sa + delta))
    r = ((da * db).mean() / (sa * sb))
    theirs = torch.corrcoef(torch.stack([x, y]))[0, 1]
    check(corr(x, y), r, theirs, eps * (1 + delta / sa))
    check(cov(x, y), (da * db).mean(), torch.cov(torch.stack([x, y]), correction=0)[0, 1], eps * (sa + delta) * sb)
