// What a cell prints, on its way to the page: batched (one message about every 50 ms) and capped per cell, whatever
// runs the cell. The Pyodide worker (live-worker.js) and the kernel transport (live-kernel/transport-kernel.js) both
// pass each write through `outputBatcher`, so a cell printing 200,000 lines sends a few dozen `stdout` messages, then
// `truncated`, and counts the rest.
export const FLUSH_MS = 50, MAX_LINES = 5000, MAX_CHARS = 1_000_000;   // a cell shows at most this much of what it prints

const newlines = (s) => { let n = 0; for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n += 1; return n; };

// `post(message)` gets the `stdout`/`stderr` batches and `truncated`; `reset(id)` starts cell `id`, `write(kind, text)`
// takes what it printed, `flush()` sends what is pending (at the cell's end, or before another kind of output), and
// `dropped()` is the number of lines not shown. Python in the worker runs without yielding, so no timer fires there
// while a cell runs: a batch goes out when a write comes 50 ms after the last one; a timer sends the tail.
export function outputBatcher(post) {
  let current = null, pending = [], pendingKind = null, lastFlush = 0, lines = 0, chars = 0, dropped = 0, timer = null;
  let openLine = false;   // the text dropped last ends inside a line (a kernel's chunks split lines anywhere)
  function flush() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (pending.length) post({ type: pendingKind, id: current, text: pending.join('') });
    pending = []; lastFlush = performance.now();
  }
  function write(kind, text) {
    if (lines >= MAX_LINES || chars >= MAX_CHARS) {
      if (text) { dropped += newlines(text); openLine = !text.endsWith('\n'); }
      return;
    }
    let keep = text;
    const n = newlines(text);
    if (lines + n > MAX_LINES || chars + text.length > MAX_CHARS) {
      let cut = Math.min(text.length, MAX_CHARS - chars), seen = 0;
      for (let i = text.indexOf('\n'); i !== -1 && i < cut; i = text.indexOf('\n', i + 1)) {
        seen += 1;
        if (lines + seen === MAX_LINES) { cut = i + 1; break; }
      }
      keep = text.slice(0, cut);
      dropped += newlines(text.slice(cut)); openLine = text.length > cut && !text.endsWith('\n');
      lines = MAX_LINES; chars = MAX_CHARS;
    } else { lines += n; chars += text.length; }
    if (pendingKind !== kind) flush();
    pendingKind = kind; pending.push(keep);
    if (lines >= MAX_LINES) { flush(); post({ type: 'truncated', id: current }); }
    else if (performance.now() - lastFlush >= FLUSH_MS) flush();
    else if (!timer) timer = setTimeout(flush, FLUSH_MS);
  }
  return {
    reset(id) {
      flush(); current = id; lines = 0; chars = 0; dropped = 0; openLine = false; pending = []; pendingKind = null;
      lastFlush = performance.now();
    },
    write, flush, dropped: () => dropped + (openLine ? 1 : 0),
  };
}
