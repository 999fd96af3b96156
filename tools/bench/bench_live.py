"""Live cells in headless Chromium: how long a reader waits for the first output of a live cell, cold and warm.

Builds the site (the offline build, into a temporary folder), serves it on 127.0.0.1 and opens the callbacks page,
where a live cell is in view at once, so Python starts loading as the page opens. Three fresh pages each:
  cold   Run pressed as soon as the page has loaded: the wait includes most of Pyodide's start-up;
  warm   Run pressed once Python has loaded ahead (a reader who has been on the page a few seconds): target under 2 s;
  later  Run again on the same page, Python running: target under 200 ms.
Prints the medians, Pyodide's start-up as the worker measured it, and cold / warm. Then a cell printing 200,000 lines:
the time from Run to done, and the longest task of the page's main thread meanwhile in CPU time (Chrome's long-task
bar is 50 ms: under it, a click or a key is handled at once), against the page at rest.
"""
import statistics, time

from tools.bench.mainthread import LONG_TASK_MS, main_thread_tasks, summary
from tools.sitetest import built_site, chromium, served

CELL = "slow_calculation()"   # the callbacks page's first live cell with an output (30)

def run_and_wait(page, cell)->float:
    "Seconds from clicking Run on `cell` to its output showing."
    page.evaluate("c => { const o = c.querySelector('.live-output'); o.replaceChildren(); o.hidden = true; }", cell.element_handle())
    t = time.perf_counter()
    cell.locator('button', has_text='Run').click()
    cell.locator('.live-output pre').first.wait_for(state='visible', timeout=120_000)
    return time.perf_counter() - t

def fresh(browser, base:str, wait_for_python:bool):
    "(the first Run's wait on a fresh callbacks page, Pyodide's start-up in s, the page, its context)."
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f'{base}/callbacks.html', wait_until='load')
    if wait_for_python: page.wait_for_selector('html[data-live-start-ms]', timeout=120_000)
    cell = page.locator('div.cell.live').filter(has=page.locator('div.sourceCode pre code', has_text=CELL)).first
    first = run_and_wait(page, cell)
    page.wait_for_selector('html[data-live-start-ms]', timeout=120_000)
    return first, int(page.evaluate('document.documentElement.dataset.liveStartMs')) / 1000, page, ctx, cell

def printing(page, cell, n:int=200_000):
    "Seconds from Run to done for a cell printing `n` lines, and the main thread's tasks meanwhile."
    cell.locator('button', has_text='Edit').click()
    cell.locator('textarea').fill(f'for i in range({n}): print(i)')
    with main_thread_tasks(page) as tasks:
        t = time.perf_counter()
        cell.locator('button', has_text='Run').click()
        cell.locator('.live-truncated').wait_for(timeout=120_000)
        page.wait_for_function("() => [...document.querySelectorAll('.live-controls button')].every(b => b.hidden || !b.disabled)")
        took = time.perf_counter() - t
    cell.locator('button', has_text='Reset').click()
    with main_thread_tasks(page) as idle: page.wait_for_timeout(int(took * 1000))
    return took, tasks, idle

def main(repeats:int=10):
    site = built_site()
    colds, warms, laters, starts, prints = [], [], [], [], []
    with served(site) as base, chromium() as browser:
        for _ in range(3):
            t, start, _, ctx, _ = fresh(browser, base, wait_for_python=False)
            colds.append(t); starts.append(start)
            ctx.close()
            t, _, page, ctx, cell = fresh(browser, base, wait_for_python=True)
            warms.append(t)
            laters += [run_and_wait(page, cell) for _ in range(repeats)]
            if not prints: prints.append(printing(page, cell))
            ctx.close()
    cold, warm, later = statistics.median(colds), statistics.median(warms), statistics.median(laters)
    each = ', '.join(f'{t:.2f}' for t in colds)
    print(f'cold: Run at page load to first output:      {cold:6.2f} s  median of {len(colds)}: {each}')
    print(f'  Pyodide start-up in the worker:             {statistics.median(starts):6.2f} s')
    each = ', '.join(f'{t*1000:.0f}' for t in warms)
    print(f'warm: Run once Python has loaded ahead:      {warm*1000:6.0f} ms median of {len(warms)}: {each}')
    print(f'later Run to output (same page):             {later*1000:6.0f} ms median of {len(laters)}, max {max(laters)*1000:.0f} ms')
    print(f'cold / warm: {cold/warm:.0f}x')
    took, tasks, idle = prints[0]
    longest = max(t.cpu_ms for t in tasks)
    print(f'200,000 printed lines, Run to done:          {took:6.2f} s')
    print(f'  main thread meanwhile: {summary(tasks)}')
    print(f'  at rest for as long:   {summary(idle)}' if idle else '  at rest for as long: no tasks')
    print(f'  longest task / long-task bar ({LONG_TASK_MS} ms): {longest / LONG_TASK_MS:.2f}')

if __name__ == '__main__': main()
