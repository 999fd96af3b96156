"""Fixtures shared by the browser tests (test_browser.py, test_live.py): the built site served on 127.0.0.1, headless
Chromium (Playwright, Debian's /usr/bin/chromium), and pages opened with their problems recorded; and the site of the
two-lesson fixture project (tests/fixtures/lessons), which the site-build and browser tests share."""
import os, shutil, subprocess, sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

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

WORKER = 'site_libs/live/live-worker.js'   # the live cells' Python (tools/sitebuild/assets)

@pytest.fixture(scope='session')
def open_page(browser):
    """`open_page(url, scheme='light', python=False, width=1400, init=None, **context)`: a fresh page at `url` in its own
    context (`init`: a script run before the page's own; other keywords go to the context: `has_touch`, `bypass_csp`,
    ...), with no network beyond 127.0.0.1, and the
    console errors, page errors, failed responses and requests to other hosts it produces. Python starts only with
    `python=True`: otherwise the live cells' worker is an empty script, so a page opened for its layout or search does
    not spend seconds of CPU loading Pyodide ahead (tests/live/ start it, and check that it starts cleanly)."""
    def _open(url:str, scheme:str='light', python:bool=False, width:int=1400, init:str|None=None, **context):
        ctx = browser.new_context(color_scheme=scheme, viewport={'width': width, 'height': 900}, **context)
        if init: ctx.add_init_script(init)
        if not python: ctx.route(f'**/{WORKER}', lambda r: r.fulfill(body='', content_type='text/javascript'))
        page = ctx.new_page()
        problems = []
        page.on('console', lambda m: problems.append(f'console {m.type}: {m.text}') if m.type == 'error' else None)
        page.on('pageerror', lambda e: problems.append(f'page error: {e}'))
        page.on('response', lambda r: problems.append(f'HTTP {r.status}: {r.url}') if r.status >= 400 else None)
        page.on('request', lambda r: problems.append(f'request to another host: {r.url}')
                if urlparse(r.url).hostname not in ('127.0.0.1', None) and not r.url.startswith(('data:', 'blob:')) else None)
        page.goto(url, wait_until='networkidle')
        return ctx, page, problems
    return _open
