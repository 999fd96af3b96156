// Pyodide with the site's Python, as the page's worker starts it (live-worker.js).
// `modules` maps paths such as 'lessons_lib/callbacks.py' to sources (modules.json); `runner` is runner.py's source;
// `loaded` is called once the interpreter is up (the page shows start-up progress).
export async function startPython(loadPyodide, indexURL, modules, runner, stdout, stderr, loaded = () => {}) {
  const py = await loadPyodide({ indexURL });
  loaded();   // the interpreter is up; the modules go in next
  const stream = (send) => {
    const dec = new TextDecoder();
    return { write: (buf) => { send(dec.decode(buf, { stream: true })); return buf.length; } };
  };
  py.setStdout(stream(stdout));
  py.setStderr(stream(stderr));
  const home = '/home/pyodide/';
  for (const [path, src] of Object.entries(modules)) {
    py.FS.mkdirTree(home + path.split('/').slice(0, -1).join('/'));
    py.FS.writeFile(home + path, src);
  }
  py.FS.writeFile(home + 'live_runner.py', runner);
  py.runPython('import importlib; importlib.invalidate_caches()');
  const mod = py.pyimport('live_runner');
  return { py, run(code, name) {
    const out = mod.cell(code, name);
    const [result, error] = out.toJs();
    out.destroy();
    return { result: result ?? null, error: error ?? null };
  } };
}
