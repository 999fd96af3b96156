"Property tests for `lessons_lib.losses`: on random logits of any shape, scale and dtype, each function agrees with torch."
import torch, torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from lessons_lib.losses import binary_cross_entropy, cross_entropy, log_softmax, logsumexp, nll, softmax

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]

@st.composite
def logits(draw, min_classes:int=1):
    "A (batch..., C) tensor: random shape, scale up to 1e4, some entries -inf, any float dtype; and matching targets."
    shape = draw(st.lists(st.integers(1, 4), min_size=0, max_size=2)) + [draw(st.integers(min_classes, 6))]
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**32 - 1)))
    x = torch.randn(shape, generator=g, dtype=torch.float64) * draw(st.sampled_from([1., 10., 100., 1e4]))
    if draw(st.booleans()):  # mask some classes out, keeping each row's target class finite
        x = x.masked_fill(torch.rand(shape, generator=g) < 0.3, float('-inf'))
    t = torch.randint(0, shape[-1], shape[:-1], generator=g)
    x.scatter_(-1, t.unsqueeze(-1), torch.randn(t.shape + (1,), generator=g, dtype=torch.float64))
    return x.to(draw(st.sampled_from(DTYPES))), t

def close(ours, theirs, x, n:int=1):
    "Equal dtype and values within a few rounding steps of `x`'s dtype at the logits' scale, times `n` summed terms."
    scale = n * max(1., x[x.isfinite()].abs().max().item())
    torch.testing.assert_close(ours, theirs, rtol=0, atol=4 * torch.finfo(x.dtype).eps * scale, equal_nan=True)

@settings(max_examples=200, deadline=None)
@given(xt=logits())
def test_softmax_family_matches_torch(xt):
    x, _ = xt
    close(softmax(x), F.softmax(x, -1), x)
    close(log_softmax(x), F.log_softmax(x, -1), x)
    close(logsumexp(x), torch.logsumexp(x, -1), x)
    close(softmax(x).double().sum(-1), torch.ones(x.shape[:-1], dtype=torch.float64), x)

@settings(max_examples=200, deadline=None)
@given(xt=logits(min_classes=2), reduction=st.sampled_from(['mean', 'sum', 'none']))
def test_cross_entropy_matches_torch(xt, reduction):
    x, t = xt
    c = x.shape[-1]
    ours = cross_entropy(x, t, reduction)
    if reduction == 'none': close(ours.reshape(-1), F.cross_entropy(x.reshape(-1, c), t.reshape(-1), reduction='none'), x)
    else:  # torch sums half-precision losses in half precision, which overflows where the mean does not: compare with float64
        truth = F.cross_entropy(x.double().reshape(-1, c), t.reshape(-1), reduction=reduction).to(x.dtype)
        close(ours, truth, x, t.numel() if reduction == 'sum' else 1)
    close(nll(log_softmax(x), t, reduction), ours, x)

@settings(max_examples=200, deadline=None)
@given(xt=logits(), soft=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_binary_cross_entropy_matches_torch(xt, soft, seed):
    x, _ = xt
    x = x.masked_fill(x.isinf(), 0.)  # torch returns nan at infinite logits; the notebook tests our limits there
    y = torch.rand(x.shape, generator=torch.Generator().manual_seed(seed))
    y = (y if soft else y.round()).to(x.dtype)
    close(binary_cross_entropy(x, y, 'none'), F.binary_cross_entropy_with_logits(x, y, reduction='none'), x)
    for r in ['mean', 'sum']:  # reductions against float64, as for cross-entropy
        truth = F.binary_cross_entropy_with_logits(x.double(), y.double(), reduction=r).to(x.dtype)
        close(binary_cross_entropy(x, y, r), truth, x, x.numel() if r == 'sum' else 1)

@given(x=st.floats(-1e4, 1e4), shift=st.floats(-1e3, 1e3))
def test_softmax_ignores_a_shift(x, shift):
    v = torch.tensor([x, 0., -x], dtype=torch.float64)
    torch.testing.assert_close(softmax(v), softmax(v + shift))
