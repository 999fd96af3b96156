"""The kernel backend: every cell of every page runs in a Jupyter kernel of the reader's own Python (the project's
`.venv`, with torch and `lessons_lib`), which `make live` (tools/live) starts and serves on the site's own origin.

`install` bundles, with esbuild (a devDependency in package.json), the page side into `site_libs/live/` of a folder
that the live server lays over the built site: `live.js`, the UI shared with Pyodide (`assets/site_libs/live/`) joined
to `transport-kernel.js` and the pinned `@jupyterlab/services` (`assets/live-kernel/`), split so that only a page with
code cells loads the kernel protocol; and `live.css`. The published build holds none of it.
"""
from __future__ import annotations
import shutil, subprocess
from pathlib import Path

from ... import BuildError
from . import Cells

HERE = Path(__file__).parents[2]   # tools/sitebuild
TOOLS_ROOT = HERE.parents[1]       # the checkout: its package.json pins @jupyterlab/services and esbuild
SOURCES = HERE/'assets'/'live-kernel'
SHARED = HERE/'assets'/'site_libs'/'live'

def sources()->list[Path]:
    "The files the bundle is made of (the bundle is stale when one is newer)."
    return sorted([*SOURCES.glob('*.js'), *SHARED.glob('*.js'), SHARED/'live.css', TOOLS_ROOT/'package-lock.json'])

class Kernel:
    "Every shown cell runs in a Jupyter kernel, through the live server."
    name = 'kernel'
    def __init__(self, root:Path=TOOLS_ROOT): self.root = root

    def install(self, site_dir:Path, cells:Cells|None=None)->int:
        esbuild = self.root/'node_modules'/'.bin'/'esbuild'
        if not esbuild.exists() or not (self.root/'node_modules'/'@jupyterlab'/'services').exists():
            raise BuildError(f'{esbuild} or @jupyterlab/services is missing: run `npm ci` (`make install` does)')
        dest = site_dir/'site_libs'/'live'
        shutil.rmtree(dest, ignore_errors=True)
        cmd = [str(esbuild), str(SOURCES/'live.js'), '--bundle', '--splitting', '--format=esm', '--minify', '--target=es2022',
               '--legal-comments=none', f'--outdir={dest}', '--chunk-names=kernel-[hash]', '--log-level=warning']
        p = subprocess.run(cmd, cwd=self.root, capture_output=True, text=True)
        if p.returncode: raise BuildError(f'esbuild could not bundle the kernel transport:\n{p.stderr}')
        shutil.copy2(SHARED/'live.css', dest/'live.css')
        return len(list(dest.glob('*.js')))
