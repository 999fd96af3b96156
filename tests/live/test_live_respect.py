"""Live cells that respect the reader, in headless Chromium: start-up progress on the clicked cell, Python loading as
soon as a live cell is in view, 200,000 printed lines reaching the page in batches that never exceed the cell's cap
(tests/live/domwork.py), the worker reaching only the site's own origin, one Colab note per run of cells that need
Colab, and a runaway printing loop that sends nothing past its cap and that Stop ends (the next Run in a new
interpreter). How long these take is measured by `make bench` (tools/bench/bench_live.py), not asserted here. The pages
are opened once each (conftest.py); a test that edits a cell Resets it."""
import contextlib, re, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.live.cells import edit, edit_and_run, live_cell, run
from tests.live.conftest import DATA_MODEL_FIRST
from tests.live.domwork import MAX_LINES, output_growth

def test_progress_shows_on_the_clicked_cell(callbacks_tab):
    "With nothing loaded ahead, the cell whose Run was pressed (the last) shows the start-up progress."
    clicked = callbacks_tab.cells.last.locator('pre code').first.inner_text()[:40]
    mine = [t for c, t in callbacks_tab.statuses if c == clicked]
    assert any(re.match(r'Starting Python… \d+%', t) for t in mine), f'no progress on the clicked cell: {mine[:10]}'

def test_python_loads_when_a_live_cell_comes_into_view(data_model_tab):
    "The fixture waited for Python to load with a live cell in view and nothing run; then Run gives the cell's output."
    assert data_model_tab.first_run.strip() == '3.01'

def test_the_line_count_sees_a_task_that_adds_too_much(data_model_tab):
    "A script that adds 200,000 lines to a cell in one task shows as one batch of 200,000: the measurement can fail."
    page = data_model_tab.page
    cell = live_cell(page, DATA_MODEL_FIRST)
    with output_growth(cell) as growth:
        cell.evaluate("c => c.append(Object.assign(document.createElement('pre'), {textContent: '0\\n'.repeat(200000)}))")
    cell.evaluate("c => c.lastElementChild.remove()")
    assert growth.batches == [200_000], growth

def test_200000_lines_reach_the_page_in_batches_within_the_cap(data_model_tab):
    page, since = data_model_tab.page, len(data_model_tab.problems)
    cell = live_cell(page, DATA_MODEL_FIRST)
    with output_growth(cell) as growth: out = edit_and_run(cell, 'for i in range(200_000): print(i)')
    note = cell.locator('.live-truncated').inner_text()
    cell.locator('button', has_text='Reset').click()
    assert out.startswith('0\n1\n2\n') and f'{MAX_LINES - 1}\n' in out and f'\n{MAX_LINES}\n' not in out
    assert f'Output truncated: {200_000 - MAX_LINES:,} more lines not shown.' in note, note
    assert growth.total == MAX_LINES and growth.most <= MAX_LINES, growth
    assert not data_model_tab.problems[since:], data_model_tab.problems[since:]

@contextlib.contextmanager
def counting_server():
    "An HTTP server on another port of 127.0.0.1 that counts the requests it gets."
    hits = []
    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200); self.send_header('Access-Control-Allow-Origin', '*'); self.end_headers(); self.wfile.write(b'ok')
        def log_message(self, *a): pass
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try: yield httpd.server_address[1], hits
    finally: httpd.shutdown()

def test_the_worker_reaches_only_the_site_itself(data_model_tab):
    page, since = data_model_tab.page, len(data_model_tab.problems)
    with counting_server() as (port, hits):
        cell = live_cell(page, DATA_MODEL_FIRST)
        code = f"""import js
from pyodide.ffi import JsException
other = 'http://127.0.0.1:{port}/'
def attempt(what, f):
    try: f(); print(what, 'went through')
    except JsException as e: print(what, 'blocked:', 'network access blocked' in str(e))
attempt('fetch', lambda: js.fetch(other + 'fetch'))
attempt('websocket', lambda: js.WebSocket.new('ws://127.0.0.1:{port}/ws'))
attempt('eventsource', lambda: js.EventSource.new(other + 'events'))
attempt('xhr', lambda: js.XMLHttpRequest.new().open('GET', other + 'xhr'))
attempt('importScripts', lambda: js.importScripts(other + 'script.js'))
scope_proto = js.Object.getPrototypeOf(js.Object.getPrototypeOf(js.globalThis))   # WorkerGlobalScope.prototype
attempt('prototype fetch', lambda: scope_proto.fetch.call(js.globalThis, other + 'proto'))
attempt('same-origin fetch', lambda: js.fetch('modules.json'))"""
        out = edit_and_run(cell, code)
        page.wait_for_timeout(500)
        cell.locator('button', has_text='Reset').click()
    problems = data_model_tab.problems[since:]
    lines = out.strip().splitlines()
    assert lines[-1] == 'same-origin fetch went through', out
    assert all(line.endswith('blocked: True') for line in lines[:-1]) and len(lines) == 7, out
    assert not hits, f'the other server got {hits}'
    assert not [p for p in problems if 'blocked' not in p], problems

def test_consecutive_colab_cells_share_one_note(callbacks_tab):
    page = callbacks_tab.page
    runs = page.evaluate("""() => { const c = [...document.querySelectorAll('div.cell.colab')];
        return c.filter(e => !(e.nextElementSibling && e.nextElementSibling.matches('div.cell.colab'))).length; }""")
    notes = page.locator('.live-colab')
    assert notes.count() == runs > 0
    assert notes.locator('a').first.get_attribute('href').startswith('https://colab.research.google.com/github/')

def test_stop_ends_a_printing_loop_and_the_next_run_starts_a_new_python(data_model_tab):
    "The last test here: it restarts the data-model page's Python. Past its cap, the loop sends the page nothing."
    page, since = data_model_tab.page, len(data_model_tab.problems)
    cell = live_cell(page, DATA_MODEL_FIRST)
    edit(cell, 'left_behind = 1\ni = 0\nwhile True:\n    print(i); i += 1')
    cell.locator('button', has_text='Run').click()
    cell.locator('.live-truncated').wait_for(timeout=60_000)   # printing, past the cap
    with output_growth(cell) as growth: page.wait_for_timeout(500)
    cell.locator('button', has_text='Stop').click(timeout=2_000)
    assert 'Stopped' in cell.locator('.live-status').inner_text()
    cell.locator('textarea').fill("'left_behind' in globals()")
    assert run(cell).strip() == 'False', 'the next Run did not start a new interpreter'
    cell.locator('button', has_text='Reset').click()
    assert run(cell).strip() == '3.01'
    assert growth.total == 0, f'while the loop printed past its cap: {growth}'
    assert not data_model_tab.problems[since:], data_model_tab.problems[since:]
