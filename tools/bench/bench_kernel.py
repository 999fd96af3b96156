"""Every cell live (`make live`): how long a reader waits for a cell run in a Jupyter kernel of their own Python, against
the same waits in Pyodide (the callbacks page, bench_live's measures) in the same run.

Builds the site, serves it with the live server as `make live` does (tools/live; `--site`: no rebuild) and opens the
statistics page with nothing started ahead (no kernel until Run):
  first  Run on its first torch cell to its output: a kernel started, `import torch` and the cells above run
         (target: at most 3 s on 2 cores); against Pyodide's cold first Run on the callbacks page
  later  Run again on the same page: target at most 150 ms; against Pyodide's later Run
  print  a cell printing 200,000 lines: Run to done, and the longest task of the page's main thread meanwhile in CPU
         time (Chrome's long-task bar is 50 ms), against Pyodide's same cell
"""
import statistics

from tools.bench.bench_live import fresh, printing, run_and_wait
from tools.bench.mainthread import LONG_TASK_MS, summary
from tools.sitetest import built_site, chromium, live_served, served

NOTHING_AHEAD = 'delete window.IntersectionObserver'   # no kernel before the first Run (as tests/live/conftest.py)
FIRST = 't = torch.tensor('                            # the statistics page's first torch cell

def kernel_page(browser, base:str, token:str):
    "(context, page, the first torch cell) of a fresh statistics page, nothing started."
    ctx = browser.new_context()
    ctx.add_init_script(NOTHING_AHEAD)
    page = ctx.new_page()
    page.goto(f'{base}/stats.html?token={token}', wait_until='load')
    page.wait_for_selector('.live-controls')
    cell = page.locator('div.cell').filter(has=page.locator('.live-controls')).filter(
        has=page.locator('div.sourceCode pre code', has_text=FIRST)).first
    return ctx, page, cell

def main(repeats:int=10):
    site = built_site()
    firsts, laters, kprint = [], [], None
    py_firsts, py_laters, pprint = [], [], None
    with live_served(site) as (base, token, _), chromium() as browser:
        for _ in range(3):
            ctx, page, cell = kernel_page(browser, base, token)
            firsts.append(run_and_wait(page, cell))
            laters += [run_and_wait(page, cell) for _ in range(repeats)]
            if kprint is None: kprint = printing(page, cell)
            ctx.close()
    with served(site) as base, chromium() as browser:
        for _ in range(3):
            t, _, page, ctx, cell = fresh(browser, base, wait_for_python=False)
            py_firsts.append(t)
            py_laters += [run_and_wait(page, cell) for _ in range(repeats)]
            if pprint is None: pprint = printing(page, cell)
            ctx.close()
    first, later = statistics.median(firsts), statistics.median(laters)
    py_first, py_later = statistics.median(py_firsts), statistics.median(py_laters)
    each = ', '.join(f'{t:.2f}' for t in firsts)
    print(f'kernel: first torch cell, Run (no kernel yet) to output: {first:6.2f} s  median of {len(firsts)}: {each}')
    print(f'  Pyodide: first Run at page load to output:           {py_first:6.2f} s  kernel / Pyodide: {first/py_first:.2f}')
    print(f'kernel: later Run to output (same page):              {later*1000:6.0f} ms median of {len(laters)}, '
          f'max {max(laters)*1000:.0f} ms')
    print(f'  Pyodide: later Run to output:                        {py_later*1000:6.0f} ms kernel / Pyodide: {later/py_later:.2f}')
    for name, (took, tasks, idle) in [('kernel', kprint), ('Pyodide', pprint)]:
        longest = max(t.cpu_ms for t in tasks)
        print(f'{name}: 200,000 printed lines, Run to done:           {took:6.2f} s')
        print(f'  main thread meanwhile: {summary(tasks)}')
        print(f'  at rest for as long:   {summary(idle)}' if idle else '  at rest for as long: no tasks')
        print(f'  longest task / long-task bar ({LONG_TASK_MS} ms): {longest / LONG_TASK_MS:.2f}')
    print(f'200,000 lines, Run to done, kernel / Pyodide: {kprint[0]/pprint[0]:.2f}')

if __name__ == '__main__': main()
