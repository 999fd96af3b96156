"""Working a page's live cells from a test: find a cell, run it, edit it; and `Tab`, a page with live cells left open for
several tests, so that Python loads once per page (tests/live/conftest.py opens them)."""
from dataclasses import dataclass, field

from tools.sitebuild.contract import CELL, CELL_OUTPUT, LIVE

IDLE = "() => [...document.querySelectorAll('.live-controls button')].every(b => b.hidden || !b.disabled)"

def live_cell(page, contains:str):
    "The live cell whose original code contains `contains`."
    cell = page.locator(f'div.{CELL}.{LIVE}').filter(has=page.locator('pre code', has_text=contains))
    assert cell.count() == 1, f'{cell.count()} live cells contain {contains!r}'
    return cell

def run(cell, timeout=60_000)->str:
    "Press Run on `cell` and wait until every Run button is enabled again (the cell and those above it have run): its output."
    cell.locator('button', has_text='Run').click()
    cell.page.wait_for_function(IDLE, timeout=timeout)
    return cell.locator('.live-output').inner_text()

def edit(cell, code:str):
    "Open `cell`'s editor and put `code` in it."
    cell.locator('button', has_text='Edit').click()
    cell.locator('textarea').fill(code)

def edit_and_run(cell, code:str, timeout=60_000)->str:
    edit(cell, code)
    return run(cell, timeout)

def stored_text(cell)->str: return '\n'.join(cell.locator(f':scope > .{CELL_OUTPUT}').all_inner_texts())

def shown_text(cell)->str:
    "What the live cell shows from its run, '' when it shows none."
    out = cell.locator('.live-output')
    return out.inner_text() if out.is_visible() else ''

@dataclass
class Tab:
    "A page with live cells, open for several tests; `problems` it reported (console errors, failed requests, ...)."
    ctx: object
    page: object
    problems: list
    stored: list = field(default_factory=list)   # each live cell's stored output, as the page was opened
    shown: list = field(default_factory=list)    # each live cell's output after one Run on the last cell ran them all
    statuses: list = field(default_factory=list) # (start of a cell's code, status) as they were shown, where recorded
    first_run: str = ''                          # the output of the first Run, where recorded

    @property
    def cells(self): return self.page.locator(f'div.{CELL}.{LIVE}')

    def run_all(self, timeout=120_000):
        "Record the stored outputs, press Run on the last live cell (which runs every cell above it), record the outputs shown."
        cells = [self.cells.nth(i) for i in range(self.cells.count())]
        self.stored = [stored_text(c) for c in cells]
        run(cells[-1], timeout)
        self.shown = [shown_text(c) for c in cells]

    def differences(self)->list[str]:
        "The live cells whose run did not show their stored output (whitespace aside)."
        return [f'live cell {i+1}:\n  stored: {want!r}\n  live:   {got!r}'
                for i, (want, got) in enumerate(zip(self.stored, self.shown, strict=True)) if got.split() != want.split()]
