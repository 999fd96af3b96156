"""Live cells in headless Chromium, offline (the site served on 127.0.0.1; any other host would be reported): edit and
run a cell of the callbacks page, a traceback, Reset, Stop; every live cell of both pages reproduces its stored output
when run in the browser; every page carries the Content-Security-Policy. Fixtures in conftest.py; timings of the first
and later runs are measured by tools/bench/bench_live.py, not asserted here."""
import re

from tools.sitebuild.contract import CELL, EXPORTED, LIVE
from tools.sitetest import ROOT, pages

LAMBDA = "slow_calculation(lambda o: print(f'Awesome! Epoch {o} is done.'))"

def live_cell(page, contains:str):
    "The live cell whose original code contains `contains`."
    cell = page.locator(f'div.{CELL}.{LIVE}').filter(has=page.locator('pre code', has_text=contains))
    assert cell.count() == 1, f'{cell.count()} live cells contain {contains!r}'
    return cell

def run(cell, timeout=60_000):
    "Press Run on `cell` and wait until every Run button is enabled again (the cell and those above it have run)."
    cell.locator('button', has_text='Run').click()
    cell.page.wait_for_function("() => [...document.querySelectorAll('.live-controls button')].every(b => b.hidden || !b.disabled)",
                                timeout=timeout)
    return cell.locator('.live-output').inner_text()

def test_edit_run_traceback_reset_on_the_callbacks_page(open_page, server):
    base, _ = server
    ctx, page, problems = open_page(f'{base}/callbacks.html')
    cell = live_cell(page, LAMBDA)
    stored = cell.locator('.cell-output').first.inner_text()
    assert 'Awesome! Epoch 4 is done.' in stored
    cell.locator('button', has_text='Edit').click()
    cell.locator('textarea').fill("slow_calculation(lambda o: print(f'Changed {o*10}'))")
    out = run(cell)
    assert out.split() == [w for i in range(5) for w in ('Changed', str(i*10))] + ['30'], out
    assert not cell.locator('.cell-output').first.is_visible(), 'the stored output still shows next to the new one'

    cell.locator('textarea').fill('slow_calculation(3)')
    out = run(cell)
    assert re.search(r'Traceback \(most recent call last\):\n\s*File "<cell \d+>", line 1', out), out
    assert "if cb is not None: cb(i)" in out and "TypeError: 'int' object is not callable" in out   # the page's own version
    assert cell.locator('pre.live-error').count() == 1

    cell.locator('button', has_text='Reset').click()
    assert cell.locator('textarea').count() == 0 and cell.locator('div.sourceCode').is_visible()
    assert cell.locator('div.sourceCode pre code').inner_text().strip() == LAMBDA
    assert cell.locator('.cell-output').first.inner_text() == stored and not cell.locator('.live-output').is_visible()
    ctx.close()
    assert not problems, problems

def test_stop_ends_a_runaway_cell_and_the_next_run_starts_afresh(open_page, server):
    base, _ = server
    ctx, page, problems = open_page(f'{base}/data_model.html')
    cell = live_cell(page, 'a, b = SloppyAdder(1), SloppyAdder(2)')
    cell.locator('button', has_text='Edit').click()
    cell.locator('textarea').fill('while True: pass')
    cell.locator('button', has_text='Run').click()
    page.wait_for_selector('html[data-live-start-ms]', timeout=60_000)   # Python has started: the loop is running
    cell.locator('button', has_text='Stop').click()
    assert 'Stopped' in cell.locator('.live-status').inner_text()
    cell.locator('button', has_text='Reset').click()
    assert run(cell).strip() == '3.01'   # in a new interpreter
    ctx.close()
    assert not problems, problems

def stored_text(cell)->str: return '\n'.join(cell.locator(':scope > .cell-output').all_inner_texts())

def test_every_live_cell_reproduces_its_stored_output_in_the_browser(open_page, server):
    base, _ = server
    for name in ('callbacks.html', 'data_model.html', 'browsing_source.html'):
        ctx, page, problems = open_page(f'{base}/{name}')
        cells = page.locator('div.cell.live')
        stored = [stored_text(cells.nth(i)) for i in range(cells.count())]
        run(cells.last, timeout=120_000)   # runs every cell above it first
        differ = []
        for i, want in enumerate(stored):
            c = cells.nth(i)
            got = c.locator('.live-output').inner_text() if c.locator('.live-output').is_visible() else ''
            if got.split() != want.split(): differ.append(f'live cell {i+1}:\n  stored: {want!r}\n  live:   {got!r}')
        ctx.close()
        assert not differ, f'{name}:\n' + '\n'.join(differ)
        assert not problems, problems

def test_colab_cells_link_to_the_notebook(open_page, server):
    base, _ = server
    ctx, page, _ = open_page(f'{base}/callbacks.html')
    links = page.locator('div.cell.colab .live-colab a')
    assert links.count() > 0   # one per run of consecutive such cells: test_live_respect.py
    assert links.first.get_attribute('href').startswith('https://colab.research.google.com/github/')
    ctx.close()

def test_every_page_has_the_content_security_policy_and_no_inline_script(server):
    _, site = server
    for p in pages(site):
        html = p.read_text()
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert csp and "script-src 'self' 'wasm-unsafe-eval';" in csp[1], f'{p.name}: no CSP'
        assert not re.search(r'<script(?![^>]*\bsrc=)[^>]*>', html), f'{p.name}: an inline script, which the CSP blocks'

def test_exported_definitions_run_in_the_page_without_a_marker(open_page, server):
    "`#| exports` cells carry no `classes: live` (nbdev would write it into the module), yet get controls and run."
    assert 'classes:' not in (ROOT/'lessons_lib'/'callbacks.py').read_text()
    base, _ = server
    ctx, page, problems = open_page(f'{base}/callbacks.html')
    exported = page.locator(f'div.{CELL}.{EXPORTED}:not(.{LIVE})')
    assert exported.count() >= 5, 'the exported definitions are missing from the page'
    assert exported.locator('.live-controls').count() == exported.count()
    calc = exported.filter(has=page.locator('pre code', has_text='class SlowCalculator'))
    assert run(calc) == '' and calc.locator('.live-status').inner_text().startswith('Ran')
    ctx.close()
    assert not problems, problems
