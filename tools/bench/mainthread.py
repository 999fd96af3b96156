"""What a page's own main thread does, measured by Chromium's tracing: each task it ran and the CPU time that task used
(a benchmark's figure, tools/bench/bench_live.py; tests count structure instead, tests/live/domwork.py).

A page stays responsive when no task of its main thread runs long: then a click or a key is handled at once. Timers
probed from the page measure that badly on a busy 2-core machine, where the operating system can leave the renderer
waiting for a core for 100 ms whatever the page does. A task's thread time (the trace's `tdur`) counts only the CPU
the task itself used, so it tells what the page did apart from what the machine did to it. Chromium records it only
where it could read the thread's clock: an event without `tdur` (a 1 µs `DidSwap`, say) is counted by its wall time."""
import contextlib, json
from dataclasses import dataclass

# Chrome's own bar for a long task (the Long Tasks API, Lighthouse): a task under it leaves input answered promptly
LONG_TASK_MS = 50
CATEGORIES = ['toplevel', 'disabled-by-default-devtools.timeline']

@dataclass
class Task:
    wall_ms: float   # from start to end, waiting for a core included
    cpu_ms: float    # the CPU the main thread spent on it

def main_thread(trace:list[dict], url:str)->tuple[int,int]:
    "(process, thread) of the renderer main thread showing `url` in the trace events `trace`."
    started = next(e for e in trace if e.get('name') == 'TracingStartedInBrowser')
    pids = {f['processId'] for f in started['args']['data']['frames'] if f.get('url') == url}
    assert len(pids) == 1, f'{len(pids)} renderer processes show {url} in the trace'
    pid = pids.pop()
    tids = [e['tid'] for e in trace if e.get('ph') == 'M' and e.get('name') == 'thread_name'
            and e['pid'] == pid and e['args'].get('name') == 'CrRendererMain']
    assert len(tids) == 1, f'{len(tids)} main threads in renderer process {pid}'
    return pid, tids[0]

def tasks_of(trace:list[dict], url:str)->list[Task]:
    "Every task the main thread of the page at `url` ran while the trace was recorded."
    pid, tid = main_thread(trace, url)
    return [Task(e['dur'] / 1000, e.get('tdur', e['dur']) / 1000) for e in trace
            if e.get('ph') == 'X' and e.get('name') == 'ThreadControllerImpl::RunTask' and (e['pid'], e['tid']) == (pid, tid)]

@contextlib.contextmanager
def main_thread_tasks(page):
    "Within the block, record the tasks of `page`'s main thread: the list yielded is filled when the block ends."
    browser, tasks = page.context.browser, []
    browser.start_tracing(page=page, categories=CATEGORIES)
    try: yield tasks
    finally:
        trace = json.loads(browser.stop_tracing())
        tasks += tasks_of(trace['traceEvents'] if isinstance(trace, dict) else trace, page.url)

def long_tasks(tasks:list[Task])->list[str]:
    "The tasks that used `LONG_TASK_MS` of CPU or more, described."
    return [f'{t.cpu_ms:.0f} ms CPU ({t.wall_ms:.0f} ms wall)' for t in tasks if t.cpu_ms >= LONG_TASK_MS]

def summary(tasks:list[Task])->str:
    busiest = max(tasks, key=lambda t: t.cpu_ms)
    return (f'{len(tasks)} tasks on the main thread, the longest {busiest.cpu_ms:.0f} ms of CPU ({busiest.wall_ms:.0f} ms'
            f' wall), {sum(t.cpu_ms for t in tasks):.0f} ms of CPU in all')
