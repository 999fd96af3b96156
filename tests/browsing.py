"""Opening the site's pages in headless Chromium for the browser and live tests, with every problem a page reports
recorded: console errors, page errors, failed responses, requests to hosts other than 127.0.0.1.

A new browser context costs a new renderer process, about twice the CPU of the page load itself, so tests that need
no context of their own navigate one shared page (tests/conftest.py `open_page`). Python starts only in a page opened
with `python=True`: otherwise the live cells' worker is an empty script, and a page opened for its layout or search
does not spend seconds of CPU loading Pyodide ahead (tests/live/ start it, and check that it starts cleanly).
axe-core is served from node_modules under the page's own origin, so the page's Content-Security-Policy admits it."""
from urllib.parse import urlparse

from tools.sitetest import ROOT

WORKER = 'site_libs/live/live-worker.js'   # the live cells' Python (tools/sitebuild/assets)
AXE = ROOT/'node_modules'/'axe-core'/'axe.min.js'
AXE_URL = '__axe__/axe.min.js'             # relative: under any page's folder

def watch(page, problems:list):
    "Append what goes wrong on `page` to `problems`, a list or a callable returning the list of the moment."
    add = (lambda p: problems().append(p)) if callable(problems) else problems.append
    page.on('console', lambda m: add(f'console {m.type}: {m.text}') if m.type == 'error' else None)
    page.on('pageerror', lambda e: add(f'page error: {e}'))
    page.on('response', lambda r: add(f'HTTP {r.status}: {r.url}') if r.status >= 400 else None)
    page.on('request', lambda r: add(f'request to another host: {r.url}')
            if urlparse(r.url).hostname not in ('127.0.0.1', None) and not r.url.startswith(('data:', 'blob:')) else None)

def new_context(browser, python:bool=False, init:str|None=None, **context):
    "A browser context (keywords: Playwright's, e.g. `has_touch`), `init` run before each page's own scripts."
    ctx = browser.new_context(**{'viewport': {'width': 1400, 'height': 900}, **context})
    if init: ctx.add_init_script(init)
    if not python: ctx.route(f'**/{WORKER}', lambda r: r.fulfill(body='', content_type='text/javascript'))
    ctx.route(f'**/{AXE_URL}', lambda r: r.fulfill(path=str(AXE), content_type='text/javascript') if AXE.exists()
              else r.fulfill(status=404, body=f'{AXE} is missing: run `npm ci` (`make install`)'))
    return ctx

def visit(page, url:str, scheme:str='light', width:int=1400):
    "Point `page` at `url`, `width` px wide, in the colour `scheme`, on screen (not print); wait for its load event."
    page.set_viewport_size({'width': width, 'height': 900})
    page.emulate_media(media='screen', color_scheme=scheme)
    page.goto(url, wait_until='load')

def open_tab(browser, url:str, scheme:str='light', width:int=1400, **kw):
    "(context, page, problems): a new context's page at `url`; keywords as `new_context`."
    ctx = new_context(browser, color_scheme=scheme, viewport={'width': width, 'height': 900}, **kw)
    page, problems = ctx.new_page(), []
    watch(page, problems)
    page.goto(url, wait_until='load')
    return ctx, page, problems
