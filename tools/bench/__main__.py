"""`make bench`: run every benchmark in this folder (`bench_*.py`, each with a `main()`), one after another.

Benchmarks print ratios against the alternative measured in the same run, never absolute claims;
`python -m tools.bench NAME` runs only `bench_NAME.py`.
"""
import importlib, sys
from pathlib import Path

def main(names:list[str])->None:
    found = sorted(p.stem for p in Path(__file__).parent.glob('bench_*.py'))
    chosen = [f'bench_{n}' for n in names] or found
    unknown = set(chosen) - set(found)
    if unknown: sys.exit(f"no such benchmark: {', '.join(sorted(unknown))}; have: {', '.join(found)}")
    for name in chosen:
        print(f'== {name}', flush=True)
        importlib.import_module(f'tools.bench.{name}').main()

if __name__ == '__main__': main(sys.argv[1:])
