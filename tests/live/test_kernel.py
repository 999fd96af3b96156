"""Every cell live under `make live` (tools/live): the built site served by the live server as `make live` starts it, a
real Jupyter kernel of this Python, headless Chromium. The statistics page is opened once; its first torch cell, a figure,
a training run with fastprogress bars, Stop, a cell printing 200,000 lines; then the server's locks (token, origin,
127.0.0.1 only), a closed tab's kernel, and the preview's rebuild-and-reload in the same server. Timings are
`make bench`'s (tools/bench/bench_kernel.py), not asserted here."""
import json, os, re, shutil, socket, subprocess, sys, time
import urllib.error, urllib.request

import psutil
import pytest

from tests.browsing import new_context, watch
from tests.live.cells import IDLE, edit, edit_and_run, run, stored_text
from tests.live.domwork import MAX_LINES, output_growth
from tools.preview import ENDPOINT as PREVIEW, NAMES
from tools.sitebuild.contract import CELL, CELL_NUMBER, LIVE_RUNTIME
from tools.sitetest import ROOT, SITE_ENV, live_served

FIT = """import torch
from torch import nn
from lessons_lib.data import DataLoader, DataLoaders
from lessons_lib.learner import Learner, MetricsCB, ProgressCB
g = torch.Generator().manual_seed(0)
x, y = torch.randn(3000, 4, generator=g), torch.randint(0, 3, (3000,), generator=g)
dls = DataLoaders(DataLoader(x[:2500], y[:2500], 16), DataLoader(x[2500:], y[2500:], 16))
torch.manual_seed(0)
Learner(nn.Linear(4, 3), dls, cbs=[ProgressCB(), MetricsCB()]).fit(2)"""
# Each element the kernel's outputs put in the page under a display id, as it is added: (display id, its text)
DISPLAYS = """() => { window.__displays = []; new MutationObserver(ms => ms.forEach(m => m.addedNodes.forEach(n => {
    if (n.dataset && n.dataset.displayId) window.__displays.push([n.dataset.displayId, n.textContent]); })))
    .observe(document.body, {subtree: true, childList: true}); }"""

@pytest.fixture(scope='module')
def live(server):
    "The test site served by the live server: (root URL, token, process)."
    with live_served(server[1]) as s: yield s

@pytest.fixture(scope='module')
def stats(browser, live):
    "The statistics page through the live server, opened with the token as `make live` prints it: (page, problems)."
    base, token, _ = live
    ctx = new_context(browser)
    page, problems = ctx.new_page(), []
    watch(page, problems)
    page.goto(f'{base}/stats.html?token={token}', wait_until='load')
    page.wait_for_selector('.live-controls')
    yield page, problems
    ctx.close()

def cells(page): return page.locator(f'div.{CELL}').filter(has=page.locator('.live-controls'))

def first_with(page, what:str):
    "The first cell with controls whose code contains `what` and that has a stored output."
    for i in range(cells(page).count()):
        c = cells(page).nth(i)
        if what in c.locator('pre code').first.inner_text() and stored_text(c).strip(): return c
    raise AssertionError(f'no cell with controls runs {what!r} and has a stored output')

def api(base:str, path:str, method='GET', **headers):
    "(status, JSON or None) of a request to the server, with `headers`."
    req = urllib.request.Request(base + path, method=method, headers=headers, data=b'{}' if method == 'POST' else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as r: return r.status, json.loads(r.read() or 'null')
    except urllib.error.HTTPError as e: return e.code, None

def test_every_code_cell_gets_controls_and_the_page_says_which_python(stats):
    page, problems = stats
    shown = page.locator(f'div.{CELL}:has(> div.sourceCode), div.{CELL}:has(> details div.sourceCode)')
    assert cells(page).count() == shown.count() > 20
    assert page.locator(f'div.{CELL}[{CELL_NUMBER}]').count() >= shown.count()
    note = page.locator(f'.{LIVE_RUNTIME}').inner_text()
    assert 'your Python 3.' in note and 'torch 2.' in note, note
    assert not problems, problems

def test_the_first_torch_cell_shows_its_stored_output(stats):
    page, problems = stats
    cell = first_with(page, 'torch.tensor(')
    assert run(cell, timeout=120_000).split() == stored_text(cell).split()
    assert cell.locator('.live-status').inner_text().startswith('Ran')
    assert not problems, problems

def test_a_figure_cell_shows_an_image(stats):
    page, problems = stats
    cell = page.locator(f'div.{CELL}').filter(has=page.locator('.cell-output img')).filter(has=page.locator('.live-controls')).first
    run(cell, timeout=120_000)
    img = cell.locator('.live-output img')
    assert img.count() == 1 and img.evaluate('i => i.complete && i.naturalWidth > 100'), cell.locator('.live-output').inner_text()
    assert img.get_attribute('src').startswith('data:image/png;base64,')
    cell.locator('button', has_text='Reset').click()
    assert not problems, problems

def test_a_training_run_updates_its_progress_bar_in_place_then_shows_the_table(stats):
    page, problems = stats
    cell = page.locator(f'div.{CELL}').filter(has=page.locator('.cell-output img')).filter(has=page.locator('.live-controls')).first
    page.evaluate(DISPLAYS)
    out = edit_and_run(cell, FIT, timeout=120_000)
    shown = page.evaluate('window.__displays')
    cell.locator('button', has_text='Reset').click()
    bars = [text for _, text in shown if '%' in text]
    assert len(bars) >= 3 and len({i for i, _ in shown}) < len(shown), shown   # shown once, then updated in place
    assert 'train_loss' in out and 'valid_loss' in out and out.count('\n') >= 3, out
    assert cell.locator('.live-output script, .live-output style').count() == 0
    assert not problems, problems

def test_stop_interrupts_a_loop_and_the_next_cell_runs(stats):
    page, problems = stats
    cell = first_with(page, 'torch.tensor(')
    edit(cell, "print('looping', flush=True)\nwhile True: pass")
    cell.locator('button', has_text='Run').click()
    cell.locator('.live-output', has_text='looping').wait_for(timeout=60_000)
    cell.locator('button', has_text='Stop').click()
    page.wait_for_function(IDLE, timeout=60_000)
    assert 'KeyboardInterrupt' in cell.locator('.live-output').inner_text()
    cell.locator('button', has_text='Reset').click()
    after = cells(page).nth(cells(page).evaluate_all(
        'cs => cs.findIndex(c => c.querySelector("pre code").textContent.includes("torch.tensor(")) + 1'))
    run(after, timeout=60_000)
    assert after.locator('.live-status').inner_text().startswith('Ran'), after.locator('.live-status').inner_text()
    assert not problems, problems

def test_200000_lines_reach_the_page_in_batches_within_the_cap(stats):
    page, problems = stats
    cell = first_with(page, 'torch.tensor(')
    with output_growth(cell) as growth: out = edit_and_run(cell, 'for i in range(200_000): print(i)', timeout=120_000)
    note = cell.locator('.live-truncated').inner_text()
    cell.locator('button', has_text='Reset').click()
    assert out.startswith('0\n1\n2\n') and f'{MAX_LINES - 1}\n' in out and f'\n{MAX_LINES}\n' not in out
    assert f'Output truncated: {200_000 - MAX_LINES:,} more lines not shown.' in note, note
    assert growth.total == MAX_LINES and growth.most <= MAX_LINES, growth
    assert not problems, problems

def test_the_kernel_api_refuses_requests_without_the_token_or_from_another_origin(live):
    base, token, _ = live
    auth = {'Authorization': f'token {token}'}
    assert api(base, '/api/kernels', **auth)[0] == 200
    assert api(base, '/api/kernels')[0] == 403
    assert api(base, '/api/kernels', 'POST')[0] == 403
    assert api(base, '/api/kernels', 'POST', Origin='http://evil.example', **auth)[0] in (403, 404)
    assert api(base, '/api/kernels', 'GET', Origin='http://evil.example', **auth)[0] in (403, 404)
    with urllib.request.urlopen(base + '/stats.html', timeout=30) as r: assert '/login' in r.url   # so does the site

def test_the_server_listens_on_127_0_0_1_only(live):
    base, _, proc = live
    port = int(base.rsplit(':', 1)[1])
    procs = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    listening = [c.laddr for p in procs for c in p.net_connections('inet') if c.status == psutil.CONN_LISTEN]
    assert listening and all(a.ip == '127.0.0.1' for a in listening), listening
    assert any(a.port == port for a in listening)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:   # this machine's address on its network, if any
        try: s.connect(('192.0.2.1', 9)); own = s.getsockname()[0]
        except OSError: own = None
    if own and own != '127.0.0.1':
        with pytest.raises(OSError): socket.create_connection((own, port), timeout=5).close()

def test_closing_the_tab_shuts_its_kernel_down(browser, live):
    base, token, _ = live
    auth = {'Authorization': f'token {token}'}
    def kernels()->set[str]:
        code, ks = api(base, '/api/kernels', **auth)
        assert code == 200, code
        return {k['id'] for k in ks}
    before = kernels()
    ctx = new_context(browser)
    page = ctx.new_page()
    page.goto(f'{base}/softmax.html?token={token}', wait_until='load')
    cell = cells(page).first
    run(cell, timeout=120_000)
    mine = kernels() - before
    assert len(mine) == 1, mine
    page.close(run_before_unload=True)
    for _ in range(100):   # the tab's last request, then the server's shutdown of the kernel
        if not mine & kernels(): break
        time.sleep(0.2)
    ctx.close()
    assert not mine & kernels(), 'the closed tab left its kernel running'

def test_the_published_site_holds_no_kernel_code(server):
    site = server[1]
    live = site/'site_libs'/'live'
    assert not list(site.rglob('transport-kernel*')) and not list(site.rglob('kernel-*.js'))
    assert all('@jupyterlab' not in f.read_text(errors='ignore') for f in live.glob('*.js'))

def test_make_live_rebuilds_and_reloads_a_saved_page_as_make_serve_does(browser, tmp_path):
    """One server: `python -m tools.live` as `make live` runs it, in a copy of the two-lesson fixture project, builds the
    site, runs a cell in a kernel, and after a save (as Jupyter saves: a temporary file renamed over the notebook) the open
    page shows the new text without the test reloading it (tools/preview's rebuild, watch and client)."""
    fix = ROOT/'tests'/'fixtures'/'lessons'
    shutil.copytree(fix/'nbs', tmp_path/'nbs')
    shutil.copy(fix/'settings.ini', tmp_path)
    shutil.copy(fix/'_quarto.yml', tmp_path/'nbs'/'_quarto.yml')
    env = {k: v for k, v in os.environ.items() if k != SITE_ENV} | {'PYTHONPATH': str(ROOT)}
    p = subprocess.Popen([sys.executable, '-u', '-m', 'tools.live', '--port', '0'], cwd=tmp_path, env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        m = re.fullmatch(r'(http://127\.0\.0\.1:\d+)/index\.html\?token=(\w+)\n', p.stdout.readline())
        assert m, 'make live printed no address'
        base, token = m[1], m[2]
        def status():
            return api(base, f'{PREVIEW}status', Authorization=f'token {token}')[1]
        for _ in range(1500):
            if (s := status())['ready'] or s['error']: break
            time.sleep(0.2)
        assert s['ready'], s
        ctx = new_context(browser)
        page, problems = ctx.new_page(), []
        watch(page, problems)
        page.goto(f'{base}/callbacks.html?token={token}', wait_until='load')
        page.wait_for_selector(f'html[{NAMES["connected"]}]')
        assert run(cells(page).first, timeout=120_000).split() == ['1']
        nb = tmp_path/'nbs'/'01_callbacks.ipynb'
        d = json.loads(nb.read_text())
        d['cells'][1]['source'] = '## A heading saved while make live runs'
        tmp = nb.with_name('.~01_callbacks.ipynb')
        tmp.write_text(json.dumps(d))
        os.replace(tmp, nb)
        page.locator('h2', has_text='saved while make live runs').wait_for(timeout=120_000)
        ctx.close()
        assert not problems, problems
    finally:
        p.terminate()
        p.wait(timeout=60)
