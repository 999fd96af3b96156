"Property tests for `lessons_lib.hooks`: whatever happens inside a `with Hooks(...)` block, no hook outlives it."
import pytest, torch
from hypothesis import given, settings, strategies as st
from torch import nn
from lessons_lib.hooks import Hook, Hooks, count_hooks

def model(depth:int)->nn.Sequential: return nn.Sequential(*[nn.Linear(3, 3) for _ in range(depth)])
def note(hook, mod, inp, outp): hook.calls = getattr(hook, 'calls', 0) + 1

ops = st.lists(st.one_of(st.just(('forward',)), st.just(('remove_all',)), st.tuples(st.just('del'), st.integers(0, 7)),
                         st.tuples(st.just('remove'), st.integers(0, 7))), max_size=8)

@settings(max_examples=200, deadline=None)
@given(depth=st.integers(1, 6), picks=st.lists(st.integers(0, 5), max_size=8), steps=ops, fail=st.booleans())
def test_no_hook_outlives_its_block(depth, picks, steps, fail):
    m = model(depth)
    mods = [m[i % depth] for i in picks]  # repeats allowed: two hooks on one module
    with pytest.raises(RuntimeError) if fail else torch.no_grad():
        with Hooks(mods, note) as hs:
            for op, *arg in steps:
                assert count_hooks(m) == sum(not h.removed for h in hs)
                if op == 'forward': m(torch.randn(2, 3))
                elif op == 'remove_all': hs.remove()
                elif op == 'del' and len(hs): del hs[arg[0] % len(hs)]
                elif op == 'remove' and len(hs): hs[arg[0] % len(hs)].remove()
            if fail: raise RuntimeError('stop')
    assert count_hooks(m) == 0
    assert all(h.removed for h in hs)

@given(n=st.integers(0, 5), bad_at=st.integers(0, 5))
def test_failed_registration_leaves_nothing(n, bad_at):
    m = model(max(n, 1))
    mods = list(m)[:n]
    mods.insert(min(bad_at, n), 'not a module')
    with pytest.raises(TypeError, match='needs an nn.Module'): Hooks(mods, note)
    assert count_hooks(m) == 0

def test_single_hook_removed_twice_and_deleted():
    m = model(1)
    h = Hook(m[0], note)
    m(torch.randn(1, 3))
    h.remove(); h.remove()
    m(torch.randn(1, 3))
    assert (h.calls, count_hooks(m)) == (1, 0)
    del h
    assert count_hooks(m) == 0
