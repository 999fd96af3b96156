"`lessons_lib.learner` over many cases: the event protocol under any cancellation or failure, and the schedules."
import itertools, math
from contextlib import redirect_stdout
from io import StringIO

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from lessons_lib.data import DataLoader, DataLoaders
from lessons_lib.hooks import ActivationStats, count_hooks
from lessons_lib.learner import (EVENTS, CancelBatchException, CancelEpochException, CancelFitException, Callback,
                                 EarlyStoppingCB, Learner, MetricsCB, ParamSchedCB, ProgressCB, RecorderCB,
                                 combine_scheds, sched_lin, sched_one_cycle)

LEVELS = ('fit', 'epoch', 'train', 'validate', 'batch')
CANCELS = {CancelBatchException: 'batch', CancelEpochException: 'epoch', CancelFitException: 'fit'}

class Trace(Callback):
    def __init__(self): self.log = []
for _e in EVENTS: setattr(Trace, _e, lambda self, learn, e=_e: self.log.append(e))

class RaiseAt(Callback):
    "Raise `exc` the `n`-th time `event` happens."
    def __init__(self, exc, event, n): self.exc, self.event, self.n, self.seen = exc, event, n, 0
    def __getattr__(self, nm):
        if nm != self.__dict__.get('event'): raise AttributeError(nm)
        def handler(learn):
            self.seen += 1
            if self.seen == self.n: raise self.exc('raised on purpose')
        return handler

def tiny(*cbs, n_train=7, n_valid=3, bs=3):
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(n_train+n_valid, 4, generator=g), torch.randint(0, 3, (n_train+n_valid,), generator=g)
    dls = DataLoaders(DataLoader(x[:n_train], y[:n_train], bs), DataLoader(x[n_train:], y[n_train:], bs))
    torch.manual_seed(0)
    return Learner(nn.Linear(4, 3), dls, cbs=list(cbs))

def check_nesting(log):
    "Every `before_X` is closed by its `after_X` in last-in-first-out order; `after_cancel_X` comes right before `after_X`."
    stack = []
    for i, e in enumerate(log):
        kind, level = e.split('_', 1)
        if e.startswith('after_cancel_'):
            assert stack and stack[-1] == e[len('after_cancel_'):] and log[i+1] == 'after_' + stack[-1], (e, log)
        elif kind == 'before' and level in LEVELS: stack.append(level)
        elif kind == 'after' and level in LEVELS: assert stack.pop() == level, (e, log)
        else: assert stack and stack[-1] == 'batch', (e, log)       # after_pred, after_loss...: inside a batch
    assert stack == [], log

@settings(max_examples=150, deadline=None)
@given(st.sampled_from([*CANCELS, RuntimeError]), st.sampled_from([e for e in EVENTS if 'cancel' not in e]),
       st.integers(1, 12), st.integers(1, 3))
def test_events_stay_nested_whatever_is_raised_where(exc, event, n, n_epochs):
    trace, raiser = Trace(), RaiseAt(exc, event, n)
    learn = tiny(trace, raiser, MetricsCB(), RecorderCB(), ParamSchedCB('lr', sched_one_cycle(0.1)),
                 EarlyStoppingCB(patience=1), ProgressCB())
    try:
        with redirect_stdout(StringIO()): learn.fit(n_epochs)
        error = None
    except RuntimeError as e: error = e
    check_nesting(trace.log)                                          # clean-up ran at every level, in order
    assert trace.log.count('before_epoch') <= n_epochs
    if raiser.seen < n: assert error is None and not learn.failed    # never raised: a normal fit
    elif exc is RuntimeError: assert 'raised on purpose' in str(error) and learn.failed
    elif error is None:                                               # a cancellation inside what it names
        assert f'after_cancel_{CANCELS[exc]}' in trace.log and not learn.failed
    else:                                                             # raised where its level was not running
        assert f'{exc.__name__} was raised outside the {CANCELS[exc]}' in str(error) and learn.failed
        assert f'after_cancel_{CANCELS[exc]}' not in trace.log

CLEANUPS = [e for e in EVENTS if e.startswith('after_') and 'cancel' not in e]

@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CLEANUPS + ['before_fit', 'before_batch']),
                          st.integers(-30, 30), st.integers(1, 4)), min_size=1, max_size=3),
       st.integers(-30, 30))
def test_every_cleanup_runs_whatever_other_callbacks_raise(raises, stats_order):
    "Callbacks raise in clean-up handlers at any order: hooks still come off, every after_fit runs."
    raisers = [RaiseAt(RuntimeError, event, n) for event, _, n in raises]
    for r, (_, order, _) in zip(raisers, raises): r.order = order
    stats, trace = ActivationStats(), Trace()
    stats.order = stats_order
    learn = tiny(*raisers, stats, trace, MetricsCB(show=False), EarlyStoppingCB(patience=1))
    learn.model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
    error = None
    try: learn.fit(2)
    except RuntimeError as e: error = e
    assert count_hooks(learn.model) == 0                            # ActivationStats cleaned up
    assert trace.log[-1] == 'after_fit' and trace.log.count('after_fit') == 1
    assert reported(error) == sum(r.seen >= r.n for r in raisers)   # every error reported, none lost
    assert learn.failed == (error is not None)

def reported(e):
    "How many errors `e` reports: itself, its notes, and so on down its `__context__` chain."
    n = 0
    while e is not None:
        n, e = n + 1 + len(getattr(e, '__notes__', [])), e.__context__
    return n

def test_fit_with_a_callback_the_learner_holds_runs_it_once_and_keeps_it():
    metrics = MetricsCB(show=False)
    learn = tiny(metrics)
    learn.fit(1, cbs=metrics)
    plain = MetricsCB(show=False)
    tiny(plain).fit(1)
    assert metrics in learn.cbs and len(metrics.history) == 1
    assert metrics.history[0]['train_loss'] == plain.history[0]['train_loss']

def test_no_training_batches_is_a_clear_error():
    for run in (lambda learn: learn.fit(1), lambda learn: learn.lr_find()):
        with pytest.raises(ValueError, match=r'training DataLoader \(dls.train\) has no batches'):
            run(tiny(n_train=0))

@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 10), st.integers(1, 5))
def test_progress_bars_close_and_count_batches(n_epochs, n_train, bs):
    out = StringIO()
    with redirect_stdout(out): tiny(ProgressCB(), n_train=n_train, bs=bs).fit(n_epochs)
    ends = [s for s in out.getvalue().split('\r') if '100.00%' in s]
    n_batches = -(-n_train // bs)
    assert sum(f'[{n_batches}/{n_batches} ' in s for s in ends) >= n_epochs

@given(st.lists(st.floats(0.05, 1), min_size=1, max_size=5), st.floats(0, 1), st.floats(0, 1))
def test_combined_linear_pieces_make_one_ramp(raw, p, q):
    "Piece i rises from i to i+1 over its share: together, one ramp from 0 that is at i where piece i starts, never falling."
    pcts = [r/sum(raw) for r in raw]
    s = combine_scheds(pcts, [sched_lin(i, i + 1) for i in range(len(pcts))])
    starts = list(itertools.accumulate(pcts[:-1], initial=0.))
    for i, start in enumerate(starts): assert math.isclose(s(start), i, abs_tol=1e-6), (i, start, s(start))
    lo, hi = sorted((p, q))
    assert 0 <= s(lo) <= s(hi) + 1e-9 <= len(pcts) + 1e-6

@given(st.floats(1e-5, 10), st.floats(0.05, 0.95), st.floats(0, 1))
def test_one_cycle_stays_between_its_ends_and_peaks_at_pct_start(lr_max, pct_start, p):
    s = sched_one_cycle(lr_max, pct_start)
    assert lr_max/1e5 * (1 - 1e-9) <= s(p) <= lr_max * (1 + 1e-9)
    assert math.isclose(s(pct_start), lr_max, rel_tol=1e-9)

def test_combine_scheds_rejects_bad_shares():
    with pytest.raises(ValueError, match='add up to 1'): combine_scheds([0.5, 0.4], [sched_lin(0, 1)]*2)
