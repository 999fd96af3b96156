"""The page contract: the ids, classes and data attributes of a built page that more than one file relies on.

Python reads the names from here (notebook.py, pandoc.py, the tests). filters.lua gets its names as pandoc metadata
(`LUA`), and the files that cannot import Python name them literally: `USES` lists, for each, the names it must
hold, and tests/sitebuild/test_contract.py checks that it does. To rename: change it here, then in the files `USES`
lists for it. Nothing in a page is found by its visible text.
"""

# ids (page.html writes them)
CONTENT = 'content'            # <main>: the skip link's target
SIDEBAR = 'sidebar'            # the list of pages; site.js opens it as a drawer on narrow screens
SEARCH = 'search'              # the search box; site.js puts pagefind's UI there
THEME_TOGGLE = 'theme-toggle'  # the dark-mode button; site.js
# classes
TITLE = 'title'                # the page's <h1> (page.html)
CELL = 'cell'                  # a code cell with its outputs (notebook.py, as Quarto writes it)
CELL_OUTPUT = 'cell-output'    # one stored output of a cell (notebook.py); live.js hides them while it shows its own
LIVE = 'live'                  # a cell a reader can edit and run (its view's classes, live/marking.py); live-ui.js
COLAB = 'colab'                # a cell the backend cannot run (`#| classes: colab`); live-ui.js says why, links Colab
EXPORTED = 'exported'          # a `#| exports` cell, shown folded (notebook.py); live-ui.js runs it among the live cells
SOURCE_CODE = 'sourceCode'     # pandoc's code block; site.js adds its copy button, live-ui.js its editor
CODE_FOLD = 'code-fold'        # folded code, a <details> (filters.lua)
CALLOUT = 'callout'            # a callout box (filters.lua), with its kind `callout-note` etc.
CALLOUT_TITLE = 'callout-title'
# data attributes
PAGEFIND_BODY = 'data-pagefind-body'      # the region search indexes (page.html; tools/sitetest.py `page_text`)
LIVE_START_MS = 'data-live-start-ms'      # on <html>: how long the interpreter took to start (live-ui.js; tools/bench)
CELL_NUMBER = 'data-cell-number'          # on a cell: its number in the source notebook, as Jupyter numbers it
                                          # (notebook.py); the kernel transport runs the cells the page does not show
LIVE_RUNTIME = 'live-runtime'             # the line under the title that says which Python runs the cells (live-ui.js)

# The messages between the live cells' UI (live-ui.js) and a backend's transport (`transport-<backend>.js`, which
# passes them on to its interpreter: live-worker.js for Pyodide, a Jupyter kernel for `kernel`). The UI sends
# {start: true} to start the interpreter ahead, and {id, code, number} to run live cell `id` (1-based in page order;
# `number`: its CELL_NUMBER); the transport answers with these `type`s (Pyodide sends no `display`, `update`, `clear`):
LIVE_PROTOCOL = {
    'progress': 'pct, what: how far the interpreter has started, and the step it is in',
    'ready': 'ms: the interpreter is up, after ms milliseconds',
    'stdout': 'id, text: a batch of what cell `id` printed',
    'stderr': 'id, text: a batch of what cell `id` wrote to stderr',
    'truncated': 'id: cell `id` printed more than is shown; the rest is counted, not sent',
    'display': 'id, data, displayId: a rich output of cell `id` (a Jupyter mime bundle: image/png, text/html, text/plain)',
    'update': 'id, data, displayId: the output shown as `displayId` replaced in place (update_display_data)',
    'clear': 'id, wait: cell `id`\'s output cleared (with `wait`, when its next output comes)',
    'done': 'id, result, error, dropped, ms, fatal: cell `id` finished (its value or null, its traceback or null, lines '
            'not shown, milliseconds); `fatal`: the interpreter is gone, the next Run starts another',
}

# names filters.lua writes, passed in as pandoc metadata `contract-<key>`
LUA = {'code-fold': CODE_FOLD, 'callout': CALLOUT, 'callout-title': CALLOUT_TITLE}

# files (under tools/sitebuild/assets) that name contract entries literally, and the names each must hold
USES = {'page.html': [CONTENT, SIDEBAR, SEARCH, THEME_TOGGLE, TITLE, PAGEFIND_BODY],
        'site_libs/site.js': [SIDEBAR, SEARCH, THEME_TOGGLE, SOURCE_CODE],
        'site_libs/live/live-ui.js': [CELL, CELL_OUTPUT, LIVE, COLAB, EXPORTED, SOURCE_CODE, CODE_FOLD, 'liveStartMs',
                                      'cellNumber', LIVE_RUNTIME, *LIVE_PROTOCOL],
        'site_libs/live/live-worker.js': ['progress', 'ready', 'done'],
        'site_libs/live/output.js': ['stdout', 'stderr', 'truncated'],
        'live-kernel/transport-kernel.js': [*LIVE_PROTOCOL],
        'site_libs/site.css': [CELL_OUTPUT, SOURCE_CODE, CODE_FOLD, CALLOUT, CALLOUT_TITLE]}
