"""The pages with live cells, each opened once for all the live tests (so Python loads once per page, not once per
test), with what happened as they were opened: see `Tab` in cells.py. Tests that edit a cell Reset it when done."""
import pytest

from tests.browsing import open_tab
from tests.live.cells import Tab, live_cell, run

DATA_MODEL_FIRST = 'a, b = SloppyAdder(1), SloppyAdder(2)'   # data_model.html: its first live cell
NOTHING_AHEAD = 'delete window.IntersectionObserver'   # live.js then loads Python at the first Run, not when a cell shows
# Every status a live cell shows, with the first 40 characters of its code, as it happens
STATUS_LOG = """() => { window.__status = []; new MutationObserver(ms => ms.forEach(m => {
    const s = m.target.closest && m.target.closest('.live-status') || m.target.parentElement?.closest('.live-status');
    if (s) window.__status.push([s.closest('div.cell').querySelector('pre code').textContent.slice(0, 40), s.textContent]);
    })).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""

def opened(browser, server, name:str, **kw)->Tab:
    "The page `name` in a context of its own, Python allowed to start."
    return Tab(*open_tab(browser, f'{server[0]}/{name}', python=True, **kw))

@pytest.fixture(scope='session')
def callbacks_tab(browser, server):
    """The callbacks page with nothing loaded ahead, its live cells all run by one Run on the last, `statuses` recorded
    meanwhile."""
    tab = opened(browser, server, 'callbacks.html', init=NOTHING_AHEAD)
    assert tab.page.locator('html[data-live-start-ms]').count() == 0, 'Python loaded before any Run'
    tab.page.evaluate(STATUS_LOG)
    tab.run_all()
    tab.statuses = tab.page.evaluate('window.__status')
    yield tab
    tab.ctx.close()

@pytest.fixture(scope='session')
def data_model_tab(browser, server):
    """The data-model page once Python has loaded ahead (its first live cell scrolled into view, nothing run), then
    `first_run`: the output of that cell's Run, then all its live cells run."""
    tab = opened(browser, server, 'data_model.html')
    cell = live_cell(tab.page, DATA_MODEL_FIRST)
    cell.scroll_into_view_if_needed()
    tab.page.wait_for_selector('html[data-live-start-ms]', timeout=60_000)
    tab.first_run = run(cell)
    tab.run_all()
    yield tab
    tab.ctx.close()

@pytest.fixture(scope='session')
def browsing_source_tab(browser, server):
    "The browsing-source page, its live cells all run."
    tab = opened(browser, server, 'browsing_source.html')
    tab.run_all()
    yield tab
    tab.ctx.close()
