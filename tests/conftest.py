"""Fixtures shared by the browser tests (test_browser.py, test_live.py): the built site served on 127.0.0.1, headless
Chromium (Playwright, Debian's /usr/bin/chromium), and pages opened with their problems recorded; and the site of the
two-lesson fixture project (tests/fixtures/lessons), which the site-build and browser tests share."""
import fcntl, os, shutil, subprocess, sys
from pathlib import Path

import pytest
from hypothesis import settings

from tests.browsing import new_context, open_tab, visit, watch
from tools.sitetest import CHROMIUM, ROOT, SHARED_ENV, built_site, chromium, served

# `.ci/run` sets HYPOTHESIS_PROFILE=ci: the same examples on every CI run, so a landing never turns on a new random draw.
# A local run explores new examples, and keeps none: with an example database (.hypothesis/), one unlucky draw would
# fail every later local run while CI never sees it. A failure prints its `@reproduce_failure` blob instead; fix the
# code, and pin the case as an `@example` of the test.
settings.register_profile('ci', derandomize=True, database=None, print_blob=True)
settings.register_profile('local', database=None, print_blob=True)
settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE', 'local'))

def build_lessons_site(d:Path)->Path:
    "The fixture project of two lessons (the second in nbs/lesson_b/) copied into `d` and built offline, strict checks included."
    fix = ROOT/'tests'/'fixtures'/'lessons'
    shutil.copytree(fix/'nbs', d/'nbs')
    shutil.copy(fix/'settings.ini', d)
    shutil.copy(fix/'_quarto.yml', d/'nbs'/'_quarto.yml')
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet'], cwd=d, capture_output=True, text=True,
                       env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert p.returncode == 0, p.stdout + p.stderr
    return d/'_docs'

@pytest.fixture(scope='session')
def lessons_site(tmp_path_factory)->Path:
    """The two-lesson fixture project's `_docs`, which the site-build and browser tests share. Under `make test` its pytest
    processes build it once between them, in the run's shared folder (`CHECKS_SHARED_DIR`, tools/sitetest.py): the
    first to get the lock builds it, the others find it built."""
    shared = os.environ.get(SHARED_ENV)
    if not shared: return build_lessons_site(tmp_path_factory.mktemp('lessons'))
    d = Path(shared)/'lessons'
    d.parent.mkdir(parents=True, exist_ok=True)
    with open(d.parent/'lessons.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (d/'_docs'/'index.html').exists():
            shutil.rmtree(d, ignore_errors=True)   # what a failed build left
            d.mkdir()
            build_lessons_site(d)
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
