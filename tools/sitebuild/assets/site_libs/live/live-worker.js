// The page's Python interpreter, in a Web Worker so that the page stays responsive while a cell runs. It starts when
// the page sends its first cell (the first Run), then runs cells one at a time, in the order they arrive.
import { loadPyodide } from '../pyodide/pyodide.mjs';
import { startPython } from './python.mjs';

let current = null;   // the id of the cell running now: its output is tagged with it
const send = (type) => (text) => postMessage({ type, id: current, text });

async function start() {
  const t0 = performance.now();
  const get = async (f, how) => { const r = await fetch(f); if (!r.ok) throw new Error(`${f}: HTTP ${r.status}`); return r[how](); };
  const [modules, runner] = await Promise.all([get('modules.json', 'json'), get('runner.py', 'text')]);
  const python = await startPython(loadPyodide, new URL('../pyodide/', import.meta.url).href, modules, runner,
                                   send('stdout'), send('stderr'));
  postMessage({ type: 'ready', ms: performance.now() - t0 });
  return python;
}

let python = null, queue = null;
onmessage = (ev) => {
  if (!python) python = start();
  queue = (queue || Promise.resolve()).then(async () => {
    const { id, code } = ev.data;
    current = id;
    const t0 = performance.now();
    let res;
    try { res = (await python).run(code, `<cell ${id}>`); }
    catch (e) {   // Pyodide could not start, or suffered a fatal error: this interpreter is gone
      res = { result: null, error: `Python stopped: ${e.message || e}. The next Run starts it again.`, fatal: true };
    }
    postMessage({ type: 'done', id, ...res, ms: performance.now() - t0 });
  });
};
