"""`python -m tools.preview [--port 8000] [--out DIR]` (`make serve`): build the site, serve it on 127.0.0.1, and
rebuild and reload the open pages on each save until Ctrl-C."""
import argparse, queue, sys, threading

from tools.sitebuild import BuildError
from tools.sitebuild.config import load_site

from .rebuild import ASSETS, Preview
from .server import State, builder, make_server
from .watch import start_watching

def main(argv:list[str]|None=None)->int:
    ap = argparse.ArgumentParser(prog='python -m tools.preview', description=__doc__)
    ap.add_argument('--port', type=int, default=8000, help='port on 127.0.0.1 (0: a free one)')
    ap.add_argument('--out', help='output folder (default: the configured _docs)')
    a = ap.parse_args(argv)
    try: site = load_site(a.out)
    except BuildError as e:
        print(f'make serve: {e}', file=sys.stderr)
        return 1
    state = State()
    try: httpd = make_server(site.out, state, a.port)
    except OSError as e:
        print(f'make serve: cannot serve on 127.0.0.1:{a.port} ({e.strerror}): pick another port, `make serve PORT=8080`', file=sys.stderr)
        return 1
    changes, stop = queue.Queue(), threading.Event()
    watchers = start_watching(site.root, site.nbs, ASSETS, changes, stop)
    threading.Thread(target=builder, args=(Preview(a.out), state, changes), daemon=True, name='preview-build').start()
    print(f'Preview on http://127.0.0.1:{httpd.server_address[1]}/ (Ctrl-C stops): building {site.out.name}/ first; then each save '
          f'in {site.nbs.name}/, _quarto.yml or the build\'s assets rebuilds what it changed and reloads the pages open on it', flush=True)
    try: httpd.serve_forever()
    except KeyboardInterrupt: pass
    finally:
        stop.set()
        httpd.server_close()
        for t in watchers: t.join(timeout=5)   # out of watchfiles' native code before the interpreter exits
    return 0

if __name__ == '__main__': sys.exit(main())
