"""`python -m tools.sitebuild [--quiet] [--out DIR] [--force]` builds the site; `... readme [--check]` writes README.md;
`... live [--out DIR]` adds the live cells' runtime (Pyodide, scripts, modules) to a site Quarto built;
`... pages [--out DIR]` checks that every notebook has its page in a built site."""
import argparse, sys

from . import BuildError

def main(argv:list[str]|None=None)->int:
    ap = argparse.ArgumentParser(prog='python -m tools.sitebuild', description='Build the site without Quarto, or README.md.')
    ap.add_argument('command', nargs='?', choices=['build', 'readme', 'live', 'pages'], default='build')
    ap.add_argument('--quiet', action='store_true', help='print only errors and a final line')
    ap.add_argument('--out', help='output folder (default: the configured _docs)')
    ap.add_argument('--force', action='store_true', help='ignore the caches and render every page')
    ap.add_argument('--check', action='store_true', help='readme: exit non-zero when README.md is out of date')
    a = ap.parse_args(argv)
    try:
        if a.command == 'readme':
            from .readme import readme
            print(readme(check=a.check))
            return 0
        if a.command == 'live':
            from .build import exclusive, process, source_notebooks
            from .config import load_site
            from .live import install_live, notebook_live_cells
            site = load_site(a.out)
            nbs = source_notebooks(site)
            with exclusive(site): proc = process(site, nbs, quiet=True)
            n = install_live(site.out, notebook_live_cells(site.nbs, nbs, proc))
            print(f'live cells: Pyodide and {n} Python modules copied into {site.out}/site_libs')
            return 0
        if a.command == 'pages':
            from .build import source_notebooks
            from tools.notebooks import page_name
            from .config import load_site
            site = load_site(a.out)
            missing = [f'{p} → {page_name(p)}' for p in source_notebooks(site) if not (site.out/page_name(p)).exists()]
            if missing: raise BuildError(f'{site.out} lacks the pages of {", ".join(missing)}')
            print(f'every notebook has its page in {site.out}')
            return 0
        from .build import build
        if not a.quiet: print('Offline site build (Quarto is not used): nbdev processing, pandoc, pagefind')
        r = build(a.out, a.force, a.quiet)
    except BuildError as e:
        print(f'sitebuild: error: {e}', file=sys.stderr)
        return 1
    print(f'site built: {r.out} ({r.pages} pages, {r.rendered} rendered, {r.pages - r.rendered} from cache, {r.seconds:.1f} s)')
    if not a.quiet: print('Preview it with `make serve` (`make serve PORT=8080` for another port)')
    return 0

if __name__ == '__main__': sys.exit(main())
