// The Pyodide backend's transport: the page's interpreter is Pyodide in a Web Worker (live-worker.js), on this site.
// `connect(onMessage, onError)` starts the worker and returns { send, stop }; the messages: tools/sitebuild/contract.py
// `LIVE_PROTOCOL` (`start`, `id`/`code` to the worker; `progress`, `ready`, `stdout`, `stderr`, `truncated`, `done`
// back).
export const pyodide = {
  cannotRun: { one: 'needs packages the page cannot load', many: 'need packages the page cannot load' },
  connect(onMessage, onError) {
    const worker = new Worker(new URL('live-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (ev) => onMessage(ev.data);
    worker.onerror = onError;
    return { send: (m) => worker.postMessage(m), stop: () => worker.terminate() };
  },
};
