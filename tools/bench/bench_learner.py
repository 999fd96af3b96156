"""What the callbacks cost: `Learner.fit` with its standard callbacks against a hand-written loop doing the same work.

The model is small on purpose (784-32-10, plain SGD, batches of 64), so that per-batch overhead is as visible as it can
be. The `Learner` runs with `TrainEvalCB` (always there), `ParamSchedCB` (one-cycle learning rate), `MetricsCB`
(loss and accuracy per epoch, not printed) and `RecorderCB`; the hand-written loop sets the same learning rates,
switches train/eval mode, checks the loss is finite, records the same learning rates and losses, and sums the same
metrics. Before timing, both run once from the same weights on the same batches and must end with the same weights
and the same metrics, so that the two really do the same work.

One thread (`THREADS`) and repeats interleaved, so that load on a shared machine hits both alike. Two summaries: the
ratio of the fastest runs (the least disturbed, the best estimate of the intrinsic cost on a busy machine) and the
median of the ratios of back-to-back pairs.
"""
import math, statistics, time
import torch
import torch.nn.functional as F
from torch import nn, optim
from lessons_lib.data import get_dls
from lessons_lib.learner import Learner, MetricsCB, ParamSchedCB, RecorderCB, accuracy, sched_one_cycle

EPOCHS, REPEATS, THREADS, LR = 2, 21, 1, 0.1

def make_model()->nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))

def with_learner(model:nn.Module, dls)->dict:
    "`Learner.fit` with the standard callbacks; returns what they measured."
    metrics, rec = MetricsCB(show=False), RecorderCB()
    Learner(model, dls, lr=LR, cbs=[ParamSchedCB('lr', sched_one_cycle(LR)), metrics, rec]).fit(EPOCHS)
    return {'history': [[r[k] for k in metrics.names] for r in metrics.history],
            'lrs': rec.lrs, 'losses': rec.losses}

def by_hand(model:nn.Module, dls)->dict:
    "The same training, metrics and recording, written out as one loop."
    opt, sched, n_iter = optim.SGD(model.parameters(), lr=LR), sched_one_cycle(LR), len(dls.train)
    history, lrs, losses = [], [], []
    for epoch in range(EPOCHS):
        model.train()
        n, total = 0, 0.
        for i, (xb, yb) in enumerate(dls.train):
            lr = sched((epoch + i/n_iter) / EPOCHS)
            for g in opt.param_groups: g['lr'] = lr
            loss = F.cross_entropy(model(xb), yb)
            value = loss.item()
            if not math.isfinite(value): raise FloatingPointError(f'the loss is {value} at epoch {epoch}, batch {i}')
            n, total = n + len(yb), total + value*len(yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            lrs.append(lr); losses.append(value)
        train_loss = total/n
        model.eval()
        n, total, correct = 0, 0., 0.
        with torch.no_grad():
            for xb, yb in dls.valid:
                preds = model(xb)
                value = F.cross_entropy(preds, yb).item()
                if not math.isfinite(value): raise FloatingPointError(f'the loss is {value} at epoch {epoch}')
                n, total, correct = n + len(yb), total + value*len(yb), correct + accuracy(preds, yb).item()*len(yb)
        history.append([train_loss, total/n, correct/n])
    return {'history': history, 'lrs': lrs, 'losses': losses}

def main()->None:
    torch.set_num_threads(THREADS)
    runs = {'Learner': with_learner, 'by hand': by_hand}
    results = {k: (f(model := make_model(), get_dls()), model) for k, f in runs.items()}
    (a, ma), (b, mb) = results.values()
    same = (a['lrs'] == b['lrs'] and torch.allclose(torch.tensor(a['losses']), torch.tensor(b['losses']), atol=1e-5)
            and torch.allclose(torch.tensor(a['history']), torch.tensor(b['history']), atol=1e-5)
            and all(torch.allclose(p, q, atol=1e-5) for p, q in zip(ma.parameters(), mb.parameters())))
    if not same: raise SystemExit('bench_learner: the two loops did not do the same work; fix that before timing them')
    dls = get_dls()
    ts = {k: [] for k in runs}
    for _ in range(REPEATS):
        for k, f in runs.items():
            model = make_model()
            t0 = time.perf_counter(); f(model, dls); ts[k].append(time.perf_counter() - t0)
    best = {k: min(v) for k, v in ts.items()}
    paired = statistics.median(a/b for a, b in zip(ts['Learner'], ts['by hand']))
    n_batches = EPOCHS * (len(dls.train) + len(dls.valid))
    print(f'{EPOCHS} epochs of an MLP 784-32-10 on {len(dls.train.x):,} MNIST digits, batches of {dls.train.bs}, '
          f'{torch.get_num_threads()} thread(s), {REPEATS} repeats; same weights and metrics: {same}')
    print(f"fastest: by hand {best['by hand']*1e3:.1f} ms, Learner {best['Learner']*1e3:.1f} ms, "
          f"{(best['Learner'] - best['by hand'])/n_batches*1e6:+.1f} µs per batch")
    print(f"Learner / by hand: {best['Learner']/best['by hand']:.3f} (fastest runs), {paired:.3f} (median of pairs); "
          f"target <= 1.05")

if __name__ == '__main__': main()
