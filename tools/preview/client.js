// The preview's reload client (tools/preview): `make serve` adds it to each HTML page as it serves it; no built file
// holds it. The server prepends `PREVIEW`, the names it shares with this script and the tests (tools/preview/__init__.py).
(() => {
  const me = document.currentScript;
  const page = me.dataset.page, since = me.dataset.since;
  const key = `preview-scroll:${page}`;

  // Back where the reader was before the reload: now, and once the figures have loaded and the page has its height.
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const restore = () => window.scrollTo(0, Number(saved));
    restore();
    if (document.readyState !== 'complete') addEventListener('load', restore, { once: true });
  }

  let overlay = null;
  function show(message) {
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = PREVIEW.overlay;
      overlay.setAttribute('role', 'alert');
      Object.assign(overlay.style, {
        position: 'fixed', inset: '0', zIndex: '2147483647', overflow: 'auto', padding: '2rem',
        background: '#1c1c21', color: '#f3f3f3', font: '15px/1.5 system-ui, sans-serif',
      });
      const title = document.createElement('h2');
      title.textContent = 'make serve: the build rejected the last save';
      Object.assign(title.style, { color: '#ff8a80', margin: '0 0 1rem', fontSize: '1.3rem' });
      const pre = document.createElement('pre');
      Object.assign(pre.style, { whiteSpace: 'pre-wrap', font: '14px/1.45 ui-monospace, monospace', margin: '0 0 1rem',
                                 color: '#f3f3f3', background: 'transparent', border: '0', padding: '0' });
      const note = document.createElement('p');
      note.textContent = 'Behind this is the page as the last good build made it. Fix the notebook and save: this closes by itself.';
      const close = document.createElement('button');
      close.type = 'button';
      close.textContent = 'Hide until the next save';
      close.addEventListener('click', () => { overlay.hidden = true; });
      overlay.append(title, pre, note, close);
      document.body.append(overlay);
    }
    overlay.querySelector('pre').textContent = message;
    overlay.hidden = false;
  }
  function clear() { overlay?.remove(); overlay = null; }

  const events = new EventSource(`${PREVIEW.events}?page=${encodeURIComponent(page)}&since=${since}`);
  events.addEventListener('hello', () => document.documentElement.setAttribute(PREVIEW.connected, ''));
  events.addEventListener('failed', e => show(JSON.parse(e.data).message));
  events.addEventListener('built', e => {
    const { pages } = JSON.parse(e.data);
    clear();
    if (pages.includes('*') || pages.includes(page)) {
      sessionStorage.setItem(key, String(window.scrollY));
      events.close();
      location.reload();
    }
  });
})();
