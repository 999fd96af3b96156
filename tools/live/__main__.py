"""`python -m tools.live [--port 8000] [--site DIR]` (`make live`): build the site, then serve it with Jupyter kernels of
this Python on 127.0.0.1, rebuilding and reloading the open pages on each save, until Ctrl-C. Prints one line: the
address to open, with its token. `--site DIR` serves a site built already, as it is (no build, no watching)."""
import argparse, os, sys

def main(argv:list[str]|None=None)->int:
    ap = argparse.ArgumentParser(prog='python -m tools.live', description=__doc__)
    ap.add_argument('--port', type=int, default=8000, help='port on 127.0.0.1 (0: a free one)')
    ap.add_argument('--out', help='output folder of the build (default: the configured _docs)')
    ap.add_argument('--site', help='serve this built site as it is: no build, no rebuild on save')
    a = ap.parse_args(argv)
    os.environ['JUPYTER_NO_CONFIG'] = '1'   # this server's settings only, not those of the machine's Jupyter
    from .server import serve
    return serve(a.port, a.out, a.site)

if __name__ == '__main__': sys.exit(main())
