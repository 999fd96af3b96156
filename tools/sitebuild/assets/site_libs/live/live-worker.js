// The page's Python interpreter, in a Web Worker so that the page stays responsive while a cell runs. It starts on the
// page's first message (a `start` when a live cell comes into view, or the first Run), then runs cells one at a time.
// Output is batched (about every 50 ms) and capped per cell (output.js); once Python has loaded, the worker can reach only the
// site's own origin (lockNetwork).
import { loadPyodide } from '../pyodide/pyodide.mjs';
import { startPython } from './python.mjs';
import { lockNetwork } from './lock.js';
import { outputBatcher } from './output.js';

const out = outputBatcher((m) => postMessage(m));
const send = (kind) => (text) => out.write(kind, text);
const progress = (pct, what) => postMessage({ type: 'progress', pct, what });

async function start() {
  const t0 = performance.now();
  progress(5, 'fetching the lesson\'s modules');
  const get = async (f, how) => { const r = await fetch(f); if (!r.ok) throw new Error(`${f}: HTTP ${r.status}`); return r[how](); };
  const [modules, runner] = await Promise.all([get('modules.json', 'json'), get('runner.py', 'text')]);
  progress(15, 'downloading Python, about 10 MB the first time');
  const python = await startPython(loadPyodide, new URL('../pyodide/', import.meta.url).href, modules, runner,
                                   send('stdout'), send('stderr'), () => progress(85, 'setting up the lesson\'s modules'));
  lockNetwork(self);
  postMessage({ type: 'ready', ms: performance.now() - t0 });
  return python;
}

let python = null, queue = null;
onmessage = (ev) => {
  if (!python) python = start();
  if (ev.data.start) return;   // only load Python
  queue = (queue || Promise.resolve()).then(async () => {
    const { id, code } = ev.data;
    out.reset(id);
    const t0 = performance.now();
    let res;
    try { res = (await python).run(code, `<cell ${id}>`); }
    catch (e) {   // Pyodide could not start, or suffered a fatal error: this interpreter is gone
      res = { result: null, error: `Python stopped: ${e.message || e}. The next Run starts it again.`, fatal: true };
    }
    out.flush();
    postMessage({ type: 'done', id, ...res, dropped: out.dropped(), ms: performance.now() - t0 });
  });
};
