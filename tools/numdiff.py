"""Compare a cell's stored output text with a fresh run's, number-aware: the words must match exactly, the numbers within
what their printed digits say.

Float results differ in their last bits between processors, thread counts and library versions, so a number printed
with four decimals may come out one unit of the fourth decimal apart on another machine (0.24684999 and 0.24685001 print
as 0.2468 and 0.2469). Two printed numbers therefore agree when they differ by at most one unit in the last digit that
either prints (`6.25` and `6.26` agree, `6.25` and `6.3125` do not; `4.8e-07` and `4.9e-07` agree, `7.2e-07` does not).
Integers without a decimal point must match exactly: they are counts, shapes and indices.

A cell whose numbers legitimately vary more (a training run, whose trajectory drifts apart after many float sums)
declares it with the directive `#| tolerance 3% <why, in words>`: every number of its output, integers too, may then
also differ by that share of its size.
"""
from __future__ import annotations
import re
from dataclasses import dataclass

# A number as Python, numpy and torch print it: an optional sign, digits with an optional fraction (or a fraction alone:
# `.5`; a trailing point: `1.`), an optional exponent. Not part of a word, an identifier or a version (`conv2d`, `f32`,
# `1.2.3` stay text); a full stop after it ends the sentence.
NUMBER = re.compile(r'(?<![\w.])[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?!\w|\.\d)')
_space = re.compile(r'[ \t]+')   # padding that a column's or a tensor's widest number sets

def unit(s:str)->float:
    "One unit in the last printed digit of number `s`: 0.0001 for `0.2468`, 1e-08 for `4.8e-07`; 0 for `3` or `3.`."
    mant, _, exp = s.lower().lstrip('+-').partition('e')
    decimals = len(mant.partition('.')[2])
    if not (decimals or exp): return 0.   # an integer, or a float printed as `1.`: exact
    return 10.**(int(exp or 0) - decimals)

@dataclass(frozen=True)
class Tolerance:
    "A cell's declared relative tolerance (`#| tolerance 3% why`), and why its numbers vary."
    rel: float
    why: str

    @classmethod
    def parse(cls, args:list[str])->Tolerance:
        "The directive's words after `tolerance`: a percentage, then the reason. A `ValueError` says what is wrong."
        usage = 'write `#| tolerance 3% <why the numbers vary between machines>`'
        if not args or not re.fullmatch(r'\d+(\.\d+)?%', args[0]):
            raise ValueError(f'`#| tolerance` needs a percentage first, got {" ".join(args) or "nothing"}: {usage}')
        rel = float(args[0][:-1]) / 100
        if not 0 < rel <= 0.5: raise ValueError(f'`#| tolerance {args[0]}` must be above 0% and at most 50%: {usage}')
        if len(args) < 3: raise ValueError(f'`#| tolerance {args[0]}` needs its reason in words: {usage}')
        return cls(rel, ' '.join(args[1:]))

NONE = Tolerance(0., '')

def numbers_agree(a:str, b:str, tol:Tolerance=NONE)->bool:
    "Printed numbers `a` and `b` agree within one unit of the last printed digit (and `tol` of their size)."
    x, y = float(a), float(b)
    return abs(x - y) <= max(unit(a), unit(b)) * (1 + 1e-9) + tol.rel * max(abs(x), abs(y))

def mismatches(stored:str, fresh:str, tol:Tolerance=NONE)->list[str]:
    """How `fresh` differs from `stored`: `[]` when the text around the numbers is the same (spaces and tabs aside: a
    number's width moves its neighbours) and every number agrees (`numbers_agree`); otherwise a line for each differing
    number (`0.2468 → 0.2500`) or one saying the words differ."""
    words_s, words_f = ([_space.sub('', w) for w in NUMBER.split(t)] for t in (stored, fresh))
    nums_s, nums_f = NUMBER.findall(stored), NUMBER.findall(fresh)
    if words_s != words_f or len(nums_s) != len(nums_f): return ['the text differs, not only its numbers']
    how = f'more than one unit in the last printed digit{f" + {tol.rel:.0%}" if tol.rel else ""}'
    return [f'{a} → {b} (differs by {how})' for a, b in zip(nums_s, nums_f) if not numbers_agree(a, b, tol)]
