"""`make live`: the built site and Jupyter kernels of the project's own Python, from one local server.

  server    a `jupyter_server` application bound to 127.0.0.1: its kernels API and websockets (token or the login cookie
            set from it, same origin only), and this package's handlers: the site (the built `_docs/` with the kernel
            backend's `site_libs/live/` laid over it), each page's notebook cells (`/__live__/page`), and the preview's
            rebuild-and-reload (tools/preview: its event stream as a tornado handler, its client in each page)
In the page, every code cell that shows its code runs in one kernel per open tab (tools/sitebuild/live/backends/kernel.py
bundles the page side). The published site holds none of it: without this server, pages are as `make site` built them.
"""

ENDPOINT = '/__live__/'   # the server's own addresses besides Jupyter's and the preview's: `page?path=…` (JSON)
