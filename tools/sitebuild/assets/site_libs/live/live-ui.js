// The live cells' UI, the same whatever backend runs them: Edit, Run, Reset and Stop on each `div.cell.live` of the
// page. The page's cells share one interpreter, which the backend's transport reaches (`transport-<backend>.js`, loaded
// ahead, see below), and run in page order like a notebook: Run on a cell first runs the earlier live cells that have
// not run yet. Nothing runs until the reader presses Run. The interpreter starts as soon as a live cell scrolls into view
// or a Run button is hovered or focused, so a reader's first Run rarely waits for it.
// Cells marked `#| classes: colab` are cells the backend cannot run: they keep their stored output, and a note says why
// (the transport's `cannotRun`) and what the reader can do (open the notebook in Colab).
// On a page with live cells, the exported definitions (`#| exports`, `div.cell.exported` from the build) run in the
// same order too, unmarked: a Quarto option on them would be written into the exported module.
// A transport that runs every cell (`everyCell`: the kernel backend, under `make live`) gets controls on every cell that
// shows its code; it is told each cell's number in the notebook (`cellNumber`) and runs the cells the page does not
// show itself. Its outputs may be rich (`display`: images, sanitised HTML; `update` in place; `clear`), and its Stop
// interrupts (`interrupt`) before it restarts.
// Class names and the messages between UI and transport: tools/sitebuild/contract.py.
let transport = null, cells = [], conn = null, ran = new Set(), busy = null, waiting = null;

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
  const c = { n, root, shown, original: block.querySelector('pre code').textContent.replace(/\n$/, ''), editor: null,
              number: Number(root.dataset.cellNumber) || null };
  c.bar = el('div', 'live-controls');
  c.run = button('Run', 'Run this cell (and the earlier live cells not run yet); Shift+Enter in the editor', () => runUpTo(c));
  c.edit = button('Edit', 'Edit the code of this cell', () => edit(c));
  c.reset = button('Reset', 'Restore the original code and stored output', () => reset(c));
  c.stop = button('Stop', transport.interrupt ? 'Interrupt Python' : 'Stop Python (restarts on the next Run)', stop);
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

// The cell's output area, shown in place of the stored outputs; emptied first after a `clear` that waited for output.
function opened(c) {
  if (c.out.hidden) { c.out.replaceChildren(); c.out.hidden = false; storedOutputs(c).forEach((o) => { o.hidden = true; }); }
  if (c.clearNext) { c.out.replaceChildren(); c.clearNext = false; }
  return c.out;
}

// Output arrives in batches (output.js: about every 50 ms, nothing after its cap): each batch is one text node appended
// to the cell's current stream block, so a cell printing 200,000 lines leaves the page responsive.
function show(c, kind, text) {
  opened(c);
  const last = c.out.lastElementChild;
  if (last && last.dataset.kind === kind && (kind === 'stdout' || kind === 'stderr')) { last.append(document.createTextNode(text)); return; }
  const pre = el('pre', `live-${kind}`, text);
  pre.dataset.kind = kind;
  c.out.append(pre);
}

// Rich output, as Jupyter ranks it: HTML (sanitised: no scripts, styles, handlers or outside addresses), a PNG image,
// else its text.
const TAGS = new Set(('TABLE THEAD TBODY TFOOT TR TH TD CAPTION COLGROUP COL DIV SPAN P B I EM STRONG CODE PRE BR HR ' +
  'PROGRESS UL OL LI SUB SUP SMALL H1 H2 H3 H4 H5 H6 IMG A DL DT DD BLOCKQUOTE KBD SAMP VAR S U DEL INS ABBR').split(' '));
const ATTRS = new Set(['class', 'style', 'value', 'max', 'colspan', 'rowspan', 'border', 'title', 'align', 'valign',
  'width', 'height', 'alt', 'src', 'href']);
function sanitised(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');   // inert: nothing in it runs or loads
  const clean = (node) => {
    for (const e of [...node.children]) {
      if (!TAGS.has(e.tagName)) { e.remove(); continue; }
      for (const a of [...e.attributes]) {
        const v = a.value.trim().toLowerCase();
        if (!ATTRS.has(a.name) || (a.name === 'src' && !v.startsWith('data:image/')) || (a.name === 'href' && !v.startsWith('https:'))) e.removeAttribute(a.name);
      }
      if (e.tagName === 'A') e.rel = 'noopener';
      clean(e);
    }
  };
  clean(doc.body);
  const box = el('div', 'live-html');
  box.append(...doc.body.childNodes);
  return box;
}

function rich(data) {
  if (data['text/html'] !== undefined) return sanitised([].concat(data['text/html']).join(''));
  if (data['image/png'] !== undefined) {
    const img = el('img', 'live-image');
    img.src = `data:image/png;base64,${[].concat(data['image/png']).join('').replace(/\s/g, '')}`;
    img.alt = `Figure: ${[].concat(data['text/plain'] || 'an image').join('')}`;
    return img;
  }
  return el('pre', 'live-result', [].concat(data['text/plain'] || '').join(''));
}

function display(c, data, displayId) {
  const e = rich(data);
  if (displayId) e.dataset.displayId = displayId;
  opened(c).append(e);
}

function update(displayId, data) {
  document.querySelectorAll('.live-output [data-display-id]').forEach((old) => {
    if (old.dataset.displayId !== displayId) return;
    const e = rich(data);
    e.dataset.displayId = displayId;
    old.replaceWith(e);
  });
}

function clear(c, wait) {
  if (wait) { c.clearNext = true; return; }
  opened(c).replaceChildren();
}

function truncated(c, lines, done) {
  let note = c.out.querySelector(':scope > .live-truncated');
  if (!note) { note = el('p', 'live-truncated'); c.out.append(note); }
  c.out.append(note);   // stays last
  note.textContent = done ? `Output truncated: ${lines.toLocaleString('en')} more lines not shown.`
    : 'Output truncated: further lines are not shown (Stop ends the cell).';
}

// Start-up progress, shown on the cell whose Run is waiting for Python (or nowhere while Python loads ahead).
let starting = null, startPct = 0;
function progress(pct, what) {
  startPct = pct;
  if (starting) starting.status.textContent = `Starting Python… ${pct}% (${what})`;
}

let ready = false;
function connect() {
  ready = false; startPct = 0;
  conn = transport.connect((m) => {
    const c = cells[m.id - 1];
    if (m.type === 'progress') { progress(m.pct, m.what); return; }
    if (m.type === 'ready') {
      ready = true; document.documentElement.dataset.liveStartMs = String(Math.round(m.ms));
      if (starting) starting.status.textContent = 'Running…';
      starting = null;
      return;
    }
    if (m.type === 'stdout' || m.type === 'stderr') { show(c, m.type, m.text); return; }
    if (m.type === 'truncated') { truncated(c, m.lines, false); return; }
    if (m.type === 'display') { display(c, m.data, m.displayId); return; }
    if (m.type === 'update') { update(m.displayId, m.data); return; }
    if (m.type === 'clear') { clear(c, m.wait); return; }
    if (m.type !== 'done') return;
    if (m.dropped) truncated(c, m.dropped, true);
    if (m.result !== null) show(c, 'result', m.result);
    if (m.error !== null) show(c, 'error', m.error);
    if (m.fatal) { conn.stop(); conn = null; ran = new Set(); }
    waiting(m);
  }, (e) => { if (waiting) waiting({ error: `Python could not start: ${e.message || 'worker error'}`, result: null }); },
  { numbers: cells.map((c) => c.number) });
}

// Start the interpreter ahead of the first Run (the transport starts it on this message), once per interpreter.
function warmUp() { if (!conn) { connect(); conn.send({ start: true }); } }

function runOne(c) {
  if (!conn) connect();
  c.out.replaceChildren(); c.out.hidden = true; c.clearNext = false;
  if (ready) c.status.textContent = 'Running…';
  else { starting = busy || c; progress(startPct, 'loading'); }   // on the cell whose Run was pressed
  return new Promise((resolve) => {
    waiting = resolve;
    conn.send({ id: c.n, code: code(c), number: c.number });
  });
}

function setBusy(c) {
  busy = c;
  cells.forEach((x) => {
    x.run.disabled = !!c; x.reset.disabled = !!c; x.stop.hidden = x !== c;
    if (interrupting) { x.stop.textContent = 'Stop'; x.stop.title = 'Interrupt Python'; }
  });
  interrupting = false;
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

// Stop: a transport that can interrupts Python (the cell ends with KeyboardInterrupt, what it made stays); pressed again
// while the cell is still running, it restarts Python. Otherwise Python restarts at once.
let interrupting = false;
function stop() {
  if (!conn) return;
  if (transport.interrupt && !interrupting) {
    interrupting = true;
    conn.interrupt();
    busy.status.textContent = 'Interrupting…';
    busy.stop.textContent = 'Restart'; busy.stop.title = 'Restart Python: the earlier cells run again on the next Run';
    return;
  }
  conn.stop(); conn = null; ran = new Set(); starting = null; ready = false;
  busy.status.textContent = 'Stopped. Python restarts on the next Run, running the earlier cells again.';
  const w = waiting; waiting = null;
  if (w) w({ stopped: true });
}

const showsCode = (e) => !!e.querySelector(':scope > div.sourceCode, :scope > .code-copy-outer-scaffold, :scope > details.code-fold');

function liveCells() {
  const all = Array.from(document.querySelectorAll('div.cell'));
  const roots = transport.everyCell ? all.filter(showsCode) : document.querySelector('div.cell.live')
    ? all.filter((e) => e.classList.contains('live') || e.classList.contains('exported')) : [];
  cells = roots.map((e, i) => setUp(e, i + 1));
  if (!cells.length) return;
  cells.forEach((c) => ['pointerenter', 'focus'].forEach((ev) => c.run.addEventListener(ev, warmUp)));
  if ('IntersectionObserver' in window) {
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); warmUp(); }
    });
    cells.forEach((c) => seen.observe(c.root));
  }
}

// How the reader runs code this page cannot: `make live` in a clone, or the notebook in Colab (appended to `note`).
function runElsewhere(note, colabUrl, subject) {
  note.append(`${subject} in your own Python with `, el('code', '', 'make live'),
              ` in a clone of the repository${colabUrl ? ', or in Colab: ' : '.'}`);
  if (colabUrl) {
    const a = el('a', '', 'Open in Colab');
    a.href = colabUrl; a.rel = 'noopener';
    note.append(a);
  }
  return note;
}

// Cells the backend cannot run: their stored output stays, with one note after each run of such cells that says why
// (the transport's words) and how the reader can run them. A page with code but no live cell says once, under its
// title, how its cells run: the same two ways.
function staticCells() {
  const colab = document.querySelector('a[href^="https://colab.research.google.com/"]');
  const source = document.querySelector('a[href^="https://github.com/"][href$=".ipynb"]');
  const colabUrl = colab ? colab.href : source && source.href.replace('https://github.com/', 'https://colab.research.google.com/github/');
  if (!cells.length && document.querySelector('div.cell div.sourceCode')) {
    const note = runElsewhere(el('p', 'live-runtime'), colabUrl, 'The code on this page runs');
    note.setAttribute('role', 'note');
    const title = document.querySelector('.title-block') || document.querySelector('main h1');
    if (title) title.after(note);
  }
  const isColab = (e) => !!e && e.matches('div.cell.colab');
  document.querySelectorAll('div.cell.colab').forEach((root) => {
    if (isColab(root.nextElementSibling)) return;   // the last of consecutive cells carries the note
    let n = 1;
    for (let e = root.previousElementSibling; isColab(e); e = e.previousElementSibling) n += 1;
    const note = el('div', 'live-colab', n === 1 ? `This cell ${transport.cannotRun.one}, so its output is the stored one. `
      : `These ${n} cells ${transport.cannotRun.many}, so their outputs are the stored ones. `);
    root.append(runElsewhere(note, colabUrl, n === 1 ? 'It runs' : 'They run'));
  });
}

// Under the title, which Python runs the cells (a transport that says so: `about`); in place of the build's note on
// pages whose cells run in the browser.
async function runtimeNote() {
  if (!cells.length || !transport.about) return;
  const text = await transport.about();
  const note = el('p', 'live-runtime', text);
  note.setAttribute('role', 'note');
  document.querySelectorAll('.live-note').forEach((e) => { e.hidden = true; });
  const title = document.querySelector('.title-block') || document.querySelector('main h1');
  if (title) title.after(note);
}

// The page's live cells and static cells, run through backend transport `t`.
export function startLive(t) {
  transport = t;
  liveCells();
  if (!t.everyCell) staticCells();
  runtimeNote().catch(() => {});
}
