"""Live cells in headless Chromium, offline (the site served on 127.0.0.1; any other host would be reported): every live
cell of the three live pages reproduces its stored output when run in the browser; edit and run a cell of the callbacks
page, a traceback, Reset; exported definitions run unmarked; cells that need Colab link to it; every page carries the
Content-Security-Policy. The pages are opened once each (conftest.py); timings of the first and later runs are
measured by tools/bench/bench_live.py, not asserted here."""
import re

import pytest

from tests.live.cells import edit, live_cell, run
from tools.sitebuild.contract import CELL, EXPORTED, LIVE
from tools.sitetest import ROOT, pages

LAMBDA = "slow_calculation(lambda o: print(f'Awesome! Epoch {o} is done.'))"

@pytest.mark.parametrize('name', ['callbacks', 'data_model', 'browsing_source'])
def test_every_live_cell_reproduces_its_stored_output_in_the_browser(request, name):
    tab = request.getfixturevalue(f'{name}_tab')
    assert len(tab.stored) > 0 and len(tab.shown) == len(tab.stored)
    assert not tab.differences(), f'{name}.html:\n' + '\n'.join(tab.differences())
    assert not tab.problems, tab.problems

def test_edit_run_traceback_reset_on_the_callbacks_page(callbacks_tab):
    page, since = callbacks_tab.page, len(callbacks_tab.problems)
    cell = live_cell(page, LAMBDA)
    stored = cell.locator('.cell-output').first.inner_text()
    assert 'Awesome! Epoch 4 is done.' in stored
    edit(cell, "slow_calculation(lambda o: print(f'Changed {o*10}'))")
    out = run(cell)
    assert out.split() == [w for i in range(5) for w in ('Changed', str(i*10))] + ['30'], out
    assert not cell.locator('.cell-output').first.is_visible(), 'the stored output still shows next to the new one'

    cell.locator('textarea').fill('slow_calculation(3)')
    out = run(cell)
    # every cell of the page has run: the definition in force is the page's last one, and the traceback shows its cell
    edited = re.search(r'Traceback \(most recent call last\):\n\s*File "<cell (\d+)>", line 1', out)
    defined = re.search(r'File "<cell (\d+)>", line \d+, in slow_calculation\n\s*raise TypeError', out)
    assert edited and defined and int(defined[1]) > int(edited[1]), out
    assert 'TypeError: cb must be callable' in out and 'lessons_lib' not in out, out
    assert cell.locator('pre.live-error').count() == 1

    cell.locator('button', has_text='Reset').click()
    assert cell.locator('textarea').count() == 0 and cell.locator('div.sourceCode').is_visible()
    assert cell.locator('div.sourceCode pre code').inner_text().strip() == LAMBDA
    assert cell.locator('.cell-output').first.inner_text().split() == stored.split()   # shown again (read hidden before)
    assert not cell.locator('.live-output').is_visible()
    assert not callbacks_tab.problems[since:], callbacks_tab.problems[since:]

def test_exported_definitions_run_in_the_page_without_a_marker(callbacks_tab):
    "`#| exports` cells carry no `classes: live` (nbdev would write it into the module), yet get controls and run."
    assert 'classes:' not in (ROOT/'lessons_lib'/'callbacks.py').read_text()
    page, since = callbacks_tab.page, len(callbacks_tab.problems)
    exported = page.locator(f'div.{CELL}.{EXPORTED}:not(.{LIVE})')
    assert exported.count() >= 5, 'the exported definitions are missing from the page'
    assert exported.locator('.live-controls').count() == exported.count()
    calc = exported.filter(has=page.locator('pre code', has_text='class SlowCalculator'))
    assert run(calc) == '' and calc.locator('.live-status').inner_text().startswith('Ran')
    assert not callbacks_tab.problems[since:], callbacks_tab.problems[since:]

def test_colab_cells_link_to_the_notebook(callbacks_tab):
    links = callbacks_tab.page.locator('div.cell.colab .live-colab a')
    assert links.count() > 0   # one per run of consecutive such cells: test_live_respect.py
    assert links.first.get_attribute('href').startswith('https://colab.research.google.com/github/')

def test_every_page_has_the_content_security_policy_and_no_inline_script(server):
    _, site = server
    for p in pages(site):
        html = p.read_text()
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert csp and "script-src 'self' 'wasm-unsafe-eval';" in csp[1], f'{p.name}: no CSP'
        assert not re.search(r'<script(?![^>]*\bsrc=)[^>]*>', html), f'{p.name}: an inline script, which the CSP blocks'
