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
LIVE = 'live'                  # a cell a reader can edit and run (`#| classes: live`, copied by notebook.py); live.js
COLAB = 'colab'                # a cell that needs Colab (`#| classes: colab`); live.js links it to the notebook in Colab
EXPORTED = 'exported'          # a `#| exports` cell, shown folded (notebook.py); live.js runs it among the live cells
SOURCE_CODE = 'sourceCode'     # pandoc's code block; site.js adds its copy button, live.js its editor
CODE_FOLD = 'code-fold'        # folded code, a <details> (filters.lua)
CALLOUT = 'callout'            # a callout box (filters.lua), with its kind `callout-note` etc.
CALLOUT_TITLE = 'callout-title'
# data attributes
PAGEFIND_BODY = 'data-pagefind-body'      # the region search indexes (page.html; tools/sitetest.py `page_text`)
LIVE_START_MS = 'data-live-start-ms'      # on <html>: how long Pyodide took to start (live.js; tools/bench)

# names filters.lua writes, passed in as pandoc metadata `contract-<key>`
LUA = {'code-fold': CODE_FOLD, 'callout': CALLOUT, 'callout-title': CALLOUT_TITLE}

# files (under tools/sitebuild/assets) that name contract entries literally, and the names each must hold
USES = {'page.html': [CONTENT, SIDEBAR, SEARCH, THEME_TOGGLE, TITLE, PAGEFIND_BODY],
        'site_libs/site.js': [SIDEBAR, SEARCH, THEME_TOGGLE, SOURCE_CODE],
        'site_libs/live/live.js': [CELL, CELL_OUTPUT, LIVE, COLAB, EXPORTED, SOURCE_CODE, 'liveStartMs'],
        'site_libs/site.css': [CELL_OUTPUT, SOURCE_CODE, CODE_FOLD, CALLOUT, CALLOUT_TITLE]}
