// The kernel backend's transport (`make live`): the page's cells run in a Jupyter kernel of the reader's own Python
// (the project's .venv: torch, lessons_lib), started through the server that serves the page (tools/live): one origin,
// its login cookie, `@jupyterlab/services` for the kernel protocol. One kernel per open page, shut down when the tab
// closes. It speaks the UI's messages (tools/sitebuild/contract.py `LIVE_PROTOCOL`): `progress`, `ready`, `stdout`,
// `stderr` and `truncated` (batched and capped as in Pyodide: output.js), `display`, `update`, `clear`, `done`.
// Before a cell, it runs the notebook's cells above it that the page does not show (imports, exported definitions),
// once each, as the notebook runs them; the server lists them (`/__live__/page`).
import { KernelAPI, KernelConnection, ServerConnection } from '@jupyterlab/services';
import { outputBatcher } from '../site_libs/live/output.js';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;   // IPython colours its tracebacks
const BASE = new URL('/', location.href).href;   // the server's root: the site and its kernels
const settings = ServerConnection.makeSettings({ baseUrl: BASE, wsUrl: BASE.replace(/^http/, 'ws'), token: '', appendToken: false });
let pageInfo = null;

// The server's account of this page: its Python and torch versions, and the notebook's cells ({number, code}).
function page() {
  const path = decodeURIComponent(location.pathname.slice(1)) || 'index.html';
  pageInfo ||= fetch(`${BASE}__live__/page?path=${encodeURIComponent(path)}`, { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`the page's notebook: HTTP ${r.status}`))));
  return pageInfo;
}

const xsrf = () => (document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/) || [])[1] || '';
let open = new Set();   // this page's kernels: shut down as the tab closes
addEventListener('pagehide', () => {
  for (const id of open) {
    fetch(`${BASE}api/kernels/${id}`, { method: 'DELETE', keepalive: true, credentials: 'same-origin', headers: { 'X-XSRFToken': xsrf() } });
  }
  open = new Set();
});

export const kernel = {
  everyCell: true,
  interrupt: true,
  about: () => page().then((p) => `The code cells on this page run in your Python ${p.python}${p.torch ? `, torch ${p.torch}` : ''} ` +
    '(a Jupyter kernel of make live): Run runs a cell and the cells above it not run yet, Edit changes its code, Reset brings back the original.'),
  connect(onMessage, onError, info = {}) {
    let k = null, gone = false, queue = Promise.resolve();
    const say = (m) => { if (!gone) onMessage(m); };
    const out = outputBatcher(say);
    const shown = new Set((info.numbers || []).filter(Boolean)), ranHidden = new Set();
    const t0 = performance.now();
    const started = (async () => {
      say({ type: 'progress', pct: 10, what: 'starting a kernel of your Python' });
      // the kernel's REST call and its connection, with no manager polling the server's list of kernels
      const [p, model] = await Promise.all([page(), KernelAPI.startNew({ name: 'python3' }, settings)]);
      k = new KernelConnection({ model, serverSettings: settings }); open.add(k.id);
      if (gone) { stop(); throw new Error('stopped'); }
      await k.info;   // the kernel answered
      k.statusChanged.connect((_, s) => { if (s === 'dead') k.dispose(); });
      say({ type: 'ready', ms: performance.now() - t0 });
      return p;
    })();
    started.catch((e) => { if (!gone) onError(e); });

    // Run `code`: its outputs go to live cell `id` (hidden: null, dropped); resolves to {error, fatal}.
    function execute(code, id) {
      let error = null;
      const future = k.requestExecute({ code, stop_on_error: true, store_history: id !== null });
      future.onIOPub = (msg) => {
        const t = msg.header.msg_type, c = msg.content;
        if (t === 'error') { error = c.traceback.join('\n').replace(ANSI, ''); return; }
        if (id === null) return;
        if (t === 'stream') { out.write(c.name === 'stderr' ? 'stderr' : 'stdout', c.text); return; }
        if (!['execute_result', 'display_data', 'update_display_data', 'clear_output'].includes(t)) return;
        out.flush();
        if (t === 'clear_output') say({ type: 'clear', id, wait: !!c.wait });
        else say({ type: t === 'update_display_data' ? 'update' : 'display', id, data: c.data, displayId: c.transient?.display_id || null });
      };
      return future.done.then(() => ({ error, fatal: false }),
        (e) => ({ error: error || `Python stopped: ${e.message || e}. The next Run starts it again.`, fatal: true }));
    }

    async function run({ id, code, number }) {
      const t = performance.now();
      const done = (r) => { out.flush(); say({ type: 'done', id, result: null, error: r.error, fatal: r.fatal, dropped: out.dropped(), ms: performance.now() - t }); };
      let p;
      try { p = await started; } catch (e) { done({ error: `Python could not start: ${e.message || e}`, fatal: true }); return; }
      out.reset(id);
      for (const c of p.cells) {
        if (number === null || c.number >= number) break;
        if (shown.has(c.number) || ranHidden.has(c.number)) continue;
        const r = await execute(c.code, null);
        if (r.error) { done({ ...r, error: `Cell ${c.number} of the notebook, which the page does not show, raised:\n${r.error}` }); return; }
        ranHidden.add(c.number);
      }
      done(await execute(code, id));
    }

    function stop() {
      gone = true;
      if (k) { open.delete(k.id); k.shutdown().catch(() => {}).finally(() => k.dispose()); }
    }
    return {
      send(m) { if (!m.start) queue = queue.then(() => run(m)); },
      interrupt() { if (k) k.interrupt().catch(() => {}); },
      stop,
    };
  },
};
