"`lessons_lib.callbacks` over many cases, and its promise to import with the standard library alone (for Pyodide)."
import re, subprocess, sys
from contextlib import redirect_stdout
from io import StringIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib.callbacks import ModifyingCallback, PrintAfterCallback, SlowCalculator, slow_calculation

def squares(n): return sum(i*i for i in range(n))

def quiet(f, *args, **kwargs):
    "`f(*args, **kwargs)`, its printing swallowed."
    with redirect_stdout(StringIO()): return f(*args, **kwargs)

def test_imports_with_the_standard_library_only():
    code = ("import sys\n"
            "for m in ('torch', 'numpy', 'fastcore', 'nbdev', 'ipywidgets'): sys.modules[m] = None\n"
            "import lessons_lib.callbacks as c\n"
            "print(c.slow_calculation())")
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == '30'

@given(st.integers(0, 50))
def test_sum_of_squares_matches_the_closed_form(n):
    assert slow_calculation(steps=n) == n*(n-1)*(2*n-1)//6

@given(st.integers(1, 30), st.integers(-1, 10_000))
def test_early_stop_ends_at_the_first_total_above_limit(n, limit):
    totals = [squares(i+1) for i in range(n)]
    expected = next((t for t in totals if t > limit), totals[-1])
    seen = []
    class Spy(PrintAfterCallback):
        def after_calc(self, epoch, val): seen.append(epoch); return super().after_calc(epoch, val)
    assert quiet(slow_calculation, Spy(limit), steps=n) == expected
    assert seen == list(range(len(seen))) and totals[len(seen)-1] == expected

@given(st.integers(1, 20), st.data())
def test_a_failing_callback_leaves_the_completed_steps(n, data):
    event, at = data.draw(st.sampled_from(['before_calc', 'after_calc'])), data.draw(st.integers(0, n-1))
    class FailAt:
        def before_calc(self, calc, epoch):
            if (event, epoch) == ('before_calc', at): raise RuntimeError(event)
        def after_calc(self, calc, epoch):
            if (event, epoch) == ('after_calc', at): raise RuntimeError(event)
    calc = SlowCalculator(FailAt(), steps=n)
    with pytest.raises(RuntimeError, match=event): calc.calc()
    done = at + (event == 'after_calc')
    assert (calc.res, calc.done) == (squares(done), done)

@given(st.integers(0, 20))
def test_calc_is_rerunnable(n):
    calc = SlowCalculator(ModifyingCallback(), steps=n)
    assert quiet(calc.calc) == quiet(calc.calc) == calc.res

@pytest.mark.parametrize('cb, msg', [(3, 'got int'), ('go', 'got str'), (PrintAfterCallback, 'pass PrintAfterCallback()')])
def test_bad_callbacks_are_named(cb, msg):
    with pytest.raises(TypeError, match=re.escape(msg)): slow_calculation(cb)
