// Live cells: Edit, Run, Reset and Stop on each `div.cell.live` of the page (cells marked `#| classes: live`).
// The page's cells share one Python (Pyodide in a Web Worker, started by the first Run) and run in page order like a
// notebook: Run on a cell first runs the earlier live cells that have not run yet. Nothing runs until the reader
// presses Run, and nothing leaves the page: Pyodide and the modules come from this site.
// Cells marked `#| classes: colab` need packages the page cannot load; they keep their stored output and get a link.
// On a page with live cells, the exported definitions (`#| exports`, `div.cell.exported` from the build) run in the
// same order too, unmarked: a Quarto option on them would be written into the exported module.
// Class names: tools/sitebuild/contract.py.
const liveRoots = document.querySelector('div.cell.live')
  ? Array.from(document.querySelectorAll('div.cell')).filter((e) => e.classList.contains('live') || e.classList.contains('exported')) : [];
const cells = liveRoots.map((el, i) => setUp(el, i + 1));
let worker = null, ran = new Set(), busy = null, waiting = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

function button(label, title, onclick) {
  const b = el('button', 'live-button', label);
  b.type = 'button'; b.title = title; b.addEventListener('click', onclick);
  return b;
}

function setUp(root, n) {
  const block = root.querySelector('div.sourceCode');
  const shown = block.closest('.code-copy-outer-scaffold') || block;   // Quarto wraps the block for its copy button
  const c = { n, root, shown, original: block.querySelector('pre code').textContent.replace(/\n$/, ''), editor: null };
  c.bar = el('div', 'live-controls');
  c.run = button('Run', 'Run this cell (and the earlier live cells not run yet); Shift+Enter in the editor', () => runUpTo(c));
  c.edit = button('Edit', 'Edit the code of this cell', () => edit(c));
  c.reset = button('Reset', 'Restore the original code and stored output', () => reset(c));
  c.stop = button('Stop', 'Stop Python (restarts on the next Run)', stop);
  c.stop.hidden = true;
  c.status = el('span', 'live-status');
  c.status.setAttribute('aria-live', 'polite');
  c.bar.append(c.run, c.edit, c.reset, c.stop, c.status);
  c.out = el('div', 'live-output');
  c.out.hidden = true;
  shown.after(c.bar);
  c.bar.after(c.out);
  return c;
}

function code(c) { return c.editor ? c.editor.value : c.original; }

function edit(c) {
  if (!c.editor) {
    c.editor = el('textarea', 'live-editor');
    c.editor.spellcheck = false;
    c.editor.setAttribute('aria-label', `Code of live cell ${c.n}`);
    c.editor.value = c.original;
    c.editor.rows = Math.max(2, c.original.split('\n').length + 1);
    c.editor.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.shiftKey || e.ctrlKey || e.metaKey)) { e.preventDefault(); runUpTo(c); }
    });
    c.shown.hidden = true;
    c.bar.before(c.editor);
  }
  c.editor.focus();
}

function storedOutputs(c) { return c.root.querySelectorAll(':scope > .cell-output'); }

function reset(c) {
  if (c.editor) { c.editor.remove(); c.editor = null; c.shown.hidden = false; }
  c.out.replaceChildren(); c.out.hidden = true;
  storedOutputs(c).forEach((o) => { o.hidden = false; });
  c.status.textContent = '';
}

function show(c, kind, text) {
  if (c.out.hidden) { c.out.replaceChildren(); c.out.hidden = false; storedOutputs(c).forEach((o) => { o.hidden = true; }); }
  const last = c.out.lastElementChild;
  if (last && last.dataset.kind === kind && (kind === 'stdout' || kind === 'stderr')) { last.textContent += text; return; }
  const pre = el('pre', `live-${kind}`, text);
  pre.dataset.kind = kind;
  c.out.append(pre);
}

function startWorker() {
  worker = new Worker(new URL('live-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (ev) => {
    const m = ev.data, c = cells[m.id - 1];
    if (m.type === 'ready') { document.documentElement.dataset.liveStartMs = String(Math.round(m.ms)); return; }
    if (m.type === 'stdout' || m.type === 'stderr') { show(c, m.type, m.text); return; }
    if (m.result !== null) show(c, 'result', m.result);
    if (m.error !== null) show(c, 'error', m.error);
    if (m.fatal) { worker.terminate(); worker = null; ran = new Set(); }
    waiting(m);
  };
  worker.onerror = (e) => { if (waiting) waiting({ error: `Python could not start: ${e.message || 'worker error'}`, result: null }); };
}

function runOne(c) {
  if (!worker) startWorker();
  c.out.replaceChildren(); c.out.hidden = true;
  c.status.textContent = ran.size ? 'Running…' : 'Starting Python (the first run loads it)…';
  return new Promise((resolve) => {
    waiting = resolve;
    worker.postMessage({ id: c.n, code: code(c) });
  });
}

function setBusy(c) {
  busy = c;
  cells.forEach((x) => { x.run.disabled = !!c; x.reset.disabled = !!c; x.stop.hidden = x !== c; });
}

async function runUpTo(c) {
  if (busy) return;
  setBusy(c);
  const t0 = performance.now();
  try {
    for (const x of cells.slice(0, c.n - 1).filter((x) => !ran.has(x.n)).concat([c])) {
      const m = await runOne(x);
      if (m.stopped) return;
      if (!m.error) ran.add(x.n);   // a cell that raised runs again before the next cell below it
      x.status.textContent = m.error ? 'Error' : `Ran in ${Math.round(m.ms)} ms`;
      if (m.error && x !== c) {
        c.status.textContent = `Not run: live cell ${x.n} above raised an error; fix it or Reset it, then Run again.`;
        return;
      }
    }
    c.status.textContent += ` (${Math.round(performance.now() - t0)} ms after Run)`;
  } finally { setBusy(null); }
}

function stop() {
  if (!worker) return;
  worker.terminate(); worker = null; ran = new Set();
  busy.status.textContent = 'Stopped. Python restarts on the next Run, running the earlier cells again.';
  const w = waiting; waiting = null;
  if (w) w({ stopped: true });
}

// Cells that need a kernel the page cannot load: their stored output stays, with a link to the notebook in Colab.
const colab = document.querySelector('a[href^="https://colab.research.google.com/"]');
const source = document.querySelector('a[href^="https://github.com/"][href$=".ipynb"]');
const colabUrl = colab ? colab.href : source && source.href.replace('https://github.com/', 'https://colab.research.google.com/github/');
document.querySelectorAll('div.cell.colab').forEach((root) => {
  const note = el('div', 'live-colab', 'This cell needs packages the page cannot load, so its output is the stored one. ');
  if (colabUrl) {
    const a = el('a', '', 'Open in Colab');
    a.href = colabUrl; a.rel = 'noopener';
    note.append(a);
  }
  root.append(note);
});
