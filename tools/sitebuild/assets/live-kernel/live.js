// The live cells' entry under `make live` (tools/live serves this file as site_libs/live/live.js in place of the
// Pyodide one): the same UI (live-ui.js), joined to a Jupyter kernel of the reader's Python. The kernel protocol
// (transport-kernel.js with @jupyterlab/services, bundled by esbuild: tools/sitebuild/live/backends/kernel.py) loads
// only on a page with code cells.
import { startLive } from '../site_libs/live/live-ui.js';

if (document.querySelector('div.cell')) import('./transport-kernel.js').then(({ kernel }) => startLive(kernel));
