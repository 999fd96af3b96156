"""How much output the page's main thread takes in at a time, counted in the page: a `MutationObserver` on a live cell
reports, after each task that changed the cell, how many lines that task added.

A page stays responsive while a cell prints when no single task of its main thread has much to lay out. The live cells
ensure that by their structure: the worker (or the kernel transport) sends what a cell prints in batches and stops sending at its cap
(`MAX_LINES`), so no task adds more than the cap, however much the cell prints and however fast or busy the machine.
Counting lines measures that structure and nothing else: it reads the same on a slow, a fast and a loaded machine
(time measured in the page does not: the operating system can leave the renderer waiting for a core). How long the
main thread's tasks take is a benchmark (`make bench`, tools/bench/bench_live.py)."""
import contextlib
from dataclasses import dataclass, field

MAX_LINES = 5000   # the most lines a live cell shows (output.js, for every backend); the truncation note counts the rest

# Lines in the nodes that mutation records `ms` added
LINES = """ms => { let n = 0;
    for (const m of ms) for (const a of m.addedNodes) n += (a.textContent.match(/\\n/g) || []).length;
    return n; }"""
WATCH = f"""cell => {{ const lines = {LINES};
    if (window.__growthObserver) window.__growthObserver.disconnect();
    window.__growth = [];
    window.__growthObserver = new MutationObserver(ms => {{ const n = lines(ms); if (n) window.__growth.push(n); }});
    window.__growthObserver.observe(cell, {{subtree: true, childList: true}}); }}"""
# The records not yet delivered (a task's records reach the observer after the task), then stop watching
STOP = f"""() => {{ const n = ({LINES})(window.__growthObserver.takeRecords());
    window.__growthObserver.disconnect(); window.__growthObserver = null;
    return n ? [...window.__growth, n] : window.__growth; }}"""

@dataclass
class Growth:
    "Lines added to a cell, one number per observer callback (that is, per task of the main thread that added any)."
    batches: list = field(default_factory=list)

    @property
    def most(self)->int: return max(self.batches, default=0)

    @property
    def total(self)->int: return sum(self.batches)

    def __str__(self): return f'{self.total:,} lines added in {len(self.batches)} tasks, at most {self.most:,} in one'

@contextlib.contextmanager
def output_growth(cell):
    "Within the block, count the lines each main-thread task adds to `cell` (a Playwright locator): a `Growth`, filled at the end."
    growth = Growth()
    cell.evaluate(WATCH)
    try: yield growth
    finally: growth.batches += cell.page.evaluate(STOP)
