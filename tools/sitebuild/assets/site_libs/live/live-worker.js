// The page's Python interpreter, in a Web Worker so that the page stays responsive while a cell runs. It starts on the
// page's first message (a `start` when a live cell comes into view, or the first Run), then runs cells one at a time.
// Output is batched (about every 50 ms) and capped per cell; once Python has loaded, the worker can reach only the
// site's own origin (lockNetwork).
import { loadPyodide } from '../pyodide/pyodide.mjs';
import { startPython } from './python.mjs';
import { lockNetwork } from './lock.js';

const FLUSH_MS = 50, MAX_LINES = 5000, MAX_CHARS = 1_000_000;   // a cell shows at most this much of what it prints
let current = null;   // the id of the cell running now: its output is tagged with it
let pending = [], pendingKind = null, lastFlush = 0, lines = 0, chars = 0, dropped = 0;

function flush() {
  if (pending.length) postMessage({ type: pendingKind, id: current, text: pending.join('') });
  pending = []; lastFlush = performance.now();
}
const newlines = (s) => { let n = 0; for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n += 1; return n; };

// Python's writes are buffered here (Python runs without yielding, so no timer could fire): a batch goes to the page
// when 50 ms have passed since the last one, and after the cap only the number of lines is kept.
const send = (kind) => (text) => {
  if (lines >= MAX_LINES || chars >= MAX_CHARS) { dropped += newlines(text); return; }
  let keep = text;
  const n = newlines(text);
  if (lines + n > MAX_LINES || chars + text.length > MAX_CHARS) {
    let cut = Math.min(text.length, MAX_CHARS - chars), seen = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < cut; i = text.indexOf('\n', i + 1)) {
      seen += 1;
      if (lines + seen === MAX_LINES) { cut = i + 1; break; }
    }
    keep = text.slice(0, cut);
    dropped += newlines(text.slice(cut)) + (text.length > cut && !text.endsWith('\n') ? 1 : 0);
    lines = MAX_LINES; chars = MAX_CHARS;
  } else { lines += n; chars += text.length; }
  if (pendingKind !== kind) flush();
  pendingKind = kind; pending.push(keep);
  if (lines >= MAX_LINES) { flush(); postMessage({ type: 'truncated', id: current }); }
  else if (performance.now() - lastFlush >= FLUSH_MS) flush();
};
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
    current = id; lines = 0; chars = 0; dropped = 0; pending = []; lastFlush = performance.now();
    const t0 = performance.now();
    let res;
    try { res = (await python).run(code, `<cell ${id}>`); }
    catch (e) {   // Pyodide could not start, or suffered a fatal error: this interpreter is gone
      res = { result: null, error: `Python stopped: ${e.message || e}. The next Run starts it again.`, fatal: true };
    }
    flush();
    postMessage({ type: 'done', id, ...res, dropped, ms: performance.now() - t0 });
  });
};
