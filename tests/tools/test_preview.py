"""`make serve` (tools/preview) on a copy of the project, in a real browser: a notebook saved as Jupyter saves it (a
temporary file renamed over it) reaches the open page without the test reloading it; a save the strict build rejects
shows the build's message in the page, naming the cell, until the next good save; a burst of saves makes one rebuild;
and no built site holds the preview's client. Rebuilds are counted by the server (its status); every wait is for a
condition, with a generous timeout."""
import json, os, re, signal, subprocess, sys, threading, time, urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browsing import open_tab
from tools.cellref import ROOT, cell_ref
from tools.checks import project_copy
from tools.notebooks import notebooks, page_name
from tools.preview import ENDPOINT, NAMES
from tools.sitebuild.contract import CONTENT
from tools.sitebuild.strict import visible
from tools.sitetest import SITE_ENV

WAIT_S = 300   # for a build on a busy machine; a condition ends each wait long before

def env(repo:Path)->dict:
    "The environment of a command run in the copy `repo`: its code, and the site it builds (not make test's)."
    return {k: v for k, v in os.environ.items() if k != SITE_ENV} | {'PYTHONPATH': str(repo)}

def until(what:str, cond, server=None):
    "Wait for `cond()` to be true; fail saying `what` was awaited, with the server's output, after `WAIT_S`."
    end = time.monotonic() + WAIT_S
    while not (res := cond()):
        if server is not None and server.p.poll() is not None: pytest.fail(f'make serve stopped:\n{server.output()}')
        if time.monotonic() > end: pytest.fail(f'waited {WAIT_S} s for {what}' + (f':\n{server.output()}' if server else ''))
        time.sleep(0.1)
    return res

class Preview:
    "`python -m tools.preview --port 0` running in the project copy `repo`."
    def __init__(self, repo:Path):
        self.repo, self.lines = repo, []
        self.p = subprocess.Popen([sys.executable, '-u', '-m', 'tools.preview', '--port', '0'], cwd=repo, env=env(repo), text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        first = self.p.stdout.readline()
        m = re.search(r'http://127\.0\.0\.1:\d+/', first)
        assert m, first
        self.base = m[0].rstrip('/')
        threading.Thread(target=lambda: self.lines.extend(self.p.stdout), daemon=True).start()
    def output(self)->str: return ''.join(self.lines)
    def status(self)->dict:
        with urllib.request.urlopen(f'{self.base}{ENDPOINT}status') as r: return json.load(r)
    def idle(self)->dict:
        "The status once the server has nothing left to do (builds, the search index, warming notebooks)."
        def done():
            s = self.status()
            return s if s['ready'] and not s['busy'] else None
        return until('the server to be idle', done, self)

@pytest.fixture(scope='module')
def preview(tmp_path_factory):
    repo = project_copy(ROOT, tmp_path_factory.mktemp('preview')/'repo')
    (repo/'node_modules').symlink_to(ROOT/'node_modules')   # what `make install` put there: Pyodide for the live cells
    srv = Preview(repo)
    try:
        def built():
            s = srv.status()
            return s if s['ready'] or s['error'] else None
        s = until('the first build', built, srv)
        assert s['ready'], s['error']
        yield srv
    finally:
        srv.p.terminate()
        srv.p.wait(timeout=60)

@pytest.fixture(scope='module')
def lesson(preview):
    "(notebook path, its page, the index of the markdown cell the tests edit): the first lesson, its first prose cell."
    nb = notebooks(preview.repo/'nbs')[0]
    cells = json.loads(nb.read_text(encoding='utf-8'))['cells']
    i = [i for i, c in enumerate(cells) if c['cell_type'] == 'markdown'][1]   # the first markdown cell is the title
    return nb, page_name(nb.relative_to(preview.repo/'nbs').as_posix()), i

def save(nb:Path, i:int, text:str)->str:
    "Markdown cell `i` of notebook `nb` ending with paragraph `text`, saved as Jupyter saves; returns the cell's source."
    d = json.loads(nb.read_text(encoding='utf-8'))
    src = ''.join(d['cells'][i]['source']).split('\n\nPreview test:')[0] + f'\n\nPreview test: {text}'
    d['cells'][i]['source'] = src
    tmp = nb.with_name(f'.~{nb.name}')
    tmp.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    os.replace(tmp, nb)
    return src

def opened(browser, preview, href:str):
    "(context, page, problems) of `href` served by the preview, once its event stream is open."
    ctx, page, problems = open_tab(browser, f'{preview.base}/{href}')
    page.wait_for_selector(f'html[{NAMES["connected"]}]', timeout=WAIT_S * 1000)
    return ctx, page, problems

def test_a_save_reaches_the_open_page_with_one_rebuild_keeping_its_scroll(preview, lesson, browser):
    nb, href, i = lesson
    ctx, page, problems = opened(browser, preview, href)
    page.evaluate('window.scrollTo(0, 600)')
    y, before = page.evaluate('window.scrollY'), preview.idle()['builds']
    assert y > 0, 'the page is too short to scroll'
    save(nb, i, 'the first save reached the page.')
    expect(page.locator(f'#{CONTENT}')).to_contain_text('the first save reached the page.', timeout=WAIT_S * 1000)
    page.wait_for_load_state('load')
    page.wait_for_function('y => window.scrollY === y', arg=y, timeout=WAIT_S * 1000)
    assert page.evaluate('performance.getEntriesByType("navigation")[0].type') == 'reload'   # the server's, not the test's
    assert preview.idle()['builds'] == before + 1, preview.output()   # a temporary file renamed: one rebuild
    assert not problems, problems   # the client breaks no rule of the page (its Content-Security-Policy among them)
    ctx.close()

def test_a_rejected_save_shows_the_build_message_naming_the_cell_until_a_good_one(preview, lesson, browser):
    nb, href, i = lesson
    ctx, page, problems = opened(browser, preview, href)
    overlay, content = page.locator(f'#{NAMES["overlay"]}'), page.locator(f'#{CONTENT}')
    src = save(nb, i, 'a form-feed \f that the strict build rejects.')
    expect(overlay).to_contain_text(cell_ref(f'{nb.parent.name}/{nb.name}', i + 1, visible(src)), timeout=WAIT_S * 1000)
    expect(overlay).to_contain_text('U+000C')
    assert preview.p.poll() is None and preview.status()['error']   # the server runs on
    save(nb, i, 'the fixed save.')
    expect(overlay).to_have_count(0, timeout=WAIT_S * 1000)
    expect(content).to_contain_text('the fixed save.', timeout=WAIT_S * 1000)
    assert preview.idle()['error'] is None
    ctx.close()

def test_a_burst_of_saves_makes_one_rebuild(preview, lesson, browser):
    nb, href, i = lesson
    ctx, page, _ = opened(browser, preview, href)
    before = preview.idle()['builds']
    # Stopped, the server cannot look between the two saves, however slowly this test runs: they arrive as one burst.
    os.kill(preview.p.pid, signal.SIGSTOP)
    try:
        save(nb, i, 'the burst, first save.')
        save(nb, i, 'the burst, second save.')
    finally: os.kill(preview.p.pid, signal.SIGCONT)
    expect(page.locator(f'#{CONTENT}')).to_contain_text('the burst, second save.', timeout=WAIT_S * 1000)
    assert preview.idle()['builds'] == before + 1, preview.output()
    ctx.close()

def test_no_built_site_holds_the_preview_and_a_save_builds_what_make_site_builds(preview, lesson, tmp_path):
    nb, href, _ = lesson
    preview.idle()
    with urllib.request.urlopen(f'{preview.base}/{href}') as r: assert ENDPOINT.encode() in r.read()   # served with it
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet', '--out', str(tmp_path/'site')], cwd=preview.repo,
                       capture_output=True, text=True, env=env(preview.repo))
    assert p.returncode == 0, p.stdout + p.stderr
    sites = [tmp_path/'site', preview.repo/'_docs', *([Path(os.environ[SITE_ENV])] if os.environ.get(SITE_ENV) else [])]
    for site in sites:   # make site's, the served folder itself, and make test's
        held = [f.relative_to(site).as_posix() for f in site.rglob('*')
                if f.is_file() and any(n.encode() in f.read_bytes() for n in (ENDPOINT, NAMES['overlay']))]
        assert not held, f'{site}: {held}'
    for f in (href, f'{href}.md'):   # the saved page and its markdown copy, as make site writes them
        assert (preview.repo/'_docs'/f).read_text() == (tmp_path/'site'/f).read_text(), f
