"""Fixtures shared by the browser tests (test_browser.py, test_live.py): the built site served on 127.0.0.1, headless
Chromium (Playwright, Debian's /usr/bin/chromium), and pages opened with their problems recorded; and the site of the
two-lesson fixture project (tests/fixtures/lessons), which the site-build and browser tests share."""
import os, shutil, subprocess, sys
from pathlib import Path

import pytest

from tests.browsing import new_context, open_tab, visit, watch
from tools.sitetest import CHROMIUM, ROOT, built_site, chromium, served

@pytest.fixture(scope='session')
def lessons_site(tmp_path_factory)->Path:
    "The fixture project of two lessons (the second in nbs/lesson_b/), built offline, strict checks included: its `_docs`."
    fix, d = ROOT/'tests'/'fixtures'/'lessons', tmp_path_factory.mktemp('lessons')
    shutil.copytree(fix/'nbs', d/'nbs')
    shutil.copy(fix/'settings.ini', d)
    shutil.copy(fix/'_quarto.yml', d/'nbs'/'_quarto.yml')
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet'], cwd=d, capture_output=True, text=True,
                       env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert p.returncode == 0, p.stdout + p.stderr
    return d/'_docs'

@pytest.fixture(scope='session')
def browser():
    if not CHROMIUM.exists():
        msg = f'{CHROMIUM} not found: install Debian chromium (`apt-get install chromium`) to run the browser tests'
        if os.environ.get('CI') == 'true': pytest.fail(msg)
        pytest.skip(msg)
    with chromium() as b: yield b

@pytest.fixture(scope='session')
def server():
    "The built site served on 127.0.0.1 at a free port, from a thread."
    site = built_site()
    with served(site) as base: yield base, site

@pytest.fixture(scope='session')
def shared_page(browser):
    "One page that tests navigate (tests/browsing.py): its context, and where its problems go (`[list]`, replaced per test)."
    ctx = new_context(browser)
    page, problems = ctx.new_page(), [[]]
    watch(page, lambda: problems[0])
    yield page, problems
    ctx.close()

@pytest.fixture
def open_page(browser, shared_page):
    """`open_page(url, scheme='light', width=1400, python=False, init=None, fresh=False, **context)`: (page, problems),
    the page at `url` with no network beyond 127.0.0.1 and what went wrong on it (tests/browsing.py). The shared page
    navigates there, set to `width` and `scheme`, unless the test needs a context of its own: `fresh` (e.g. nothing
    remembered), `python`, `init` or Playwright's context keywords (`has_touch`, ...). Contexts of its own are closed
    when the test ends."""
    made = []
    def _open(url:str, scheme:str='light', width:int=1400, fresh:bool=False, **kw):
        if fresh or kw:
            ctx, page, problems = open_tab(browser, url, scheme, width, **kw)
            made.append(ctx)
            return page, problems
        page, holder = shared_page
        holder[0] = []
        visit(page, url, scheme, width)
        return page, holder[0]
    yield _open
    for ctx in made: ctx.close()
