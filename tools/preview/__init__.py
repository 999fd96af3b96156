"""`make serve`: the site served on 127.0.0.1 while you write, rebuilt in this process on each save, the open tabs reloaded.

  watch     what the preview watches (nbs/, `_quarto.yml`, nbs/styles.css, the build's assets), through `watchfiles`
  rebuild   a save's rebuild: only the notebooks that changed are processed and rendered, only the files that changed
            are written into the served folder; markdown copies and the search index follow after the reload
  server    the HTTP server (standard library): the site, the reload client injected into each HTML page as it is
            served, and the client's event stream (server-sent events)
  client.js the reload client: reloads its tab when its page changed, keeping the scroll position, and shows a save the
            strict build rejected in an overlay, with the build's own message
The client and its endpoints exist only in this server: no file of the built site (`make site`, the published `_docs/`,
make test's site) holds them; tests/tools/test_preview.py checks it.
"""

ENDPOINT = '/__preview__/'   # the server's own addresses: the client script, its event stream, the status (JSON)
# What the client, the server and the tests name alike (the server hands them to the client as `PREVIEW`)
NAMES = {
    'overlay': 'preview-overlay',           # id of the overlay that shows a rejected save's message
    'connected': 'data-preview-connected',  # on <html> once the tab's event stream is open
    'events': ENDPOINT + 'events',          # the event stream: `hello`, `built` {pages, generation}, `failed` {message}
}
