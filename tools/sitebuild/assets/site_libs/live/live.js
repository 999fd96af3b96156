// Live cells: the page's entry point (included on every page). It joins the UI shared by all backends (live-ui.js) to
// the transport of the backend that runs this site's live cells: Pyodide, in the reader's browser.
import { startLive } from './live-ui.js';
import { pyodide } from './transport-pyodide.js';

startLive(pyodide);
