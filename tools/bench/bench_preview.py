"""`make serve` against `make site`: how long an edited markdown cell takes to reach the open page.

On a copy of the project (notebooks, settings.ini, _quarto.yml) in a temporary folder:
  full         a clean `python -m tools.sitebuild --force`
  incremental  `python -m tools.sitebuild` after a markdown cell of one notebook changed, and where its time goes
               (the build run with timers around its steps: nbdev's checks and processing, pandoc for the page and for
               every page's markdown copy, the live cells' runtime, pagefind's index, Python's start-up and imports)
  preview      `python -m tools.preview` serving the copy to a page in headless Chromium: a markdown cell of that
               page's notebook saved as Jupyter saves it (a temporary file renamed over the notebook), 10 times; each
               time from the rename to the first frame of the page that holds the new text (the page times it, with
               the same clock). The search index is refreshed after the reload: the next save waits for the server.
               The page is opened as the browser tests open pages (tests/browsing.py): the live cells' Python is not
               loaded on each reload (tools/bench/bench_live.py times it).
Prints the medians and incremental / preview.
"""
import json, os, re, statistics, subprocess, sys, tempfile, threading, time, urllib.request
from pathlib import Path

from tools.bench.bench_site import bench_project, timed_build
from tools.notebooks import notebooks, page_name
from tools.sitetest import chromium

ROOT = Path(__file__).resolve().parents[2]
SAVES = 10
WORKER = 'site_libs/live/live-worker.js'   # the live cells' Python, as tests/browsing.py stubs it
ENV = {'PYTHONPATH': str(ROOT), 'PATH': '/usr/bin:/bin'}

# Run in the build's own process: timers around its steps, by name, where they still exist.
STEPS = '''
import sys, time, json
t0 = time.perf_counter()
import tools.sitebuild.build as b, tools.sitebuild.meta as m
imported = time.perf_counter() - t0
T = {}
def timer(mod, name, key):
    f = getattr(mod, name, None)
    if f is None: return
    def timed(*a, **k):
        t = time.perf_counter()
        try: return f(*a, **k)
        finally: T[key] = T.get(key, 0) + time.perf_counter() - t
    setattr(mod, name, timed)
for mod, name, key in [(b, 'process', 'checks and nbdev processing'), (b, 'to_html', 'pandoc: the edited page'),
                       (m, 'to_gfm', 'pandoc: every page\\'s markdown copy'), (b, 'install_live', 'live cells: Pyodide and modules'),
                       (b, 'search_index', 'pagefind: search index')]: timer(mod, name, key)
t = time.perf_counter()
b.build(None, False, True)
T['total build()'] = time.perf_counter() - t
T['imports'] = imported
print(json.dumps(T))
'''

def save_like_jupyter(path:Path, nb:dict):
    "`nb` written as Jupyter writes it: into a temporary file next to `path`, renamed over it."
    tmp = path.with_name(f'.~{path.name}')
    tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    os.replace(tmp, path)

def edited(nb:dict, text:str)->dict:
    "`nb` with `text` as the last paragraph of its second markdown cell (the first holds the title)."
    cell = [c for c in nb['cells'] if c['cell_type'] == 'markdown'][1]
    cell['source'] = ''.join(cell['source']).split('\n\nBench edit')[0] + f'\n\nBench edit: {text}.'
    return nb

def breakdown(project:Path)->tuple[float, dict]:
    "Wall seconds of an incremental `make site`'s process, and the seconds of its steps."
    t = time.perf_counter()
    p = subprocess.run([sys.executable, '-c', STEPS], cwd=project, capture_output=True, text=True, env=ENV)
    if p.returncode: sys.exit(f'build failed:\n{p.stderr}')
    return time.perf_counter() - t, json.loads(p.stdout.strip().splitlines()[-1])

class Server:
    "`python -m tools.preview` on a free port, in `project`; its output kept."
    def __init__(self, project:Path):
        self.p = subprocess.Popen([sys.executable, '-u', '-m', 'tools.preview', '--port', '0'], cwd=project, env=ENV, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.base = re.search(r'http://127\.0\.0\.1:\d+', self.p.stdout.readline())[0]
        self.log = []
        threading.Thread(target=lambda: self.log.extend(self.p.stdout), daemon=True).start()
    def status(self)->dict: return json.load(urllib.request.urlopen(f'{self.base}/__preview__/status'))
    def idle(self):
        while (s := self.status())['busy'] or not s['ready']:
            if self.p.poll() is not None: sys.exit(''.join(self.log))
            time.sleep(0.05)
        return s

# In each new document of the page: the wall-clock time (ms) of the first frame whose text holds the awaited token.
SEEN = '''(() => {
  const token = sessionStorage.getItem('bench-token');
  if (!token) return;
  const look = () => {
    if (!document.body || !document.body.textContent.includes(token)) return requestAnimationFrame(look);
    window.__seen = Date.now();
    sessionStorage.removeItem('bench-token');
  };
  requestAnimationFrame(look);
})();'''

def seen(page, srv:Server)->float:
    "When (epoch seconds) the page, reloaded, first showed the awaited text."
    from playwright.sync_api import Error
    end = time.monotonic() + 120
    while time.monotonic() < end:
        try:
            if t := page.evaluate('window.__seen || 0'): return t / 1000
        except Error: pass   # the page is reloading
        time.sleep(0.02)
    sys.exit(f'the page did not show the save in 120 s; the server said:\n{"".join(srv.log)}\n{srv.status()}')

def preview(project:Path, nb_path:Path)->tuple[list[float], list[float]]:
    "Seconds from each save's rename to the page showing it, and the server's build time of each."
    srv, nb = Server(project), json.loads(nb_path.read_text(encoding='utf-8'))
    try:
        srv.idle()
        with chromium() as browser:
            ctx = browser.new_context(viewport={'width': 1400, 'height': 900})
            ctx.add_init_script(SEEN)
            ctx.route(f'**/{WORKER}', lambda r: r.fulfill(body='', content_type='text/javascript'))   # no Python (above)
            page = ctx.new_page()
            page.goto(f'{srv.base}/{page_name(nb_path.relative_to(project/"nbs").as_posix())}', wait_until='load')
            page.wait_for_selector('html[data-preview-connected]', timeout=120_000)
            shown, built = [], []
            for i in range(SAVES + 1):   # the first save is not counted: the server's first build of a save
                token = f'save {i} {time.time_ns()}'
                page.evaluate('t => { sessionStorage.setItem("bench-token", t); window.__seen = 0; }', token)
                nb = edited(nb, token)
                t = time.time()
                save_like_jupyter(nb_path, nb)
                took = seen(page, srv) - t
                s = srv.idle()
                if i: shown.append(took); built.append(s['seconds'])
                page.wait_for_selector('html[data-preview-connected]', timeout=120_000)
            ctx.close()
    finally:
        srv.p.terminate(); srv.p.wait()
    return shown, built

def main():
    with tempfile.TemporaryDirectory() as d:
        project = bench_project(Path(d))
        full = timed_build(project, '--force')
        nb_path = notebooks(project/'nbs')[0]
        save_like_jupyter(nb_path, edited(json.loads(nb_path.read_text(encoding='utf-8')), 'incremental'))
        wall, steps = breakdown(project)
        shown, built = preview(project, nb_path)
    print(f'full clean build ({len(notebooks(ROOT/"nbs"))} notebooks): {full[0]:.1f} s wall, {full[1]:.1f} s CPU')
    print(f'incremental make site after a markdown cell of {nb_path.name} changed: {wall:.2f} s wall, of which')
    rest = wall - steps['total build()'] - steps['imports']
    for k, v in steps.items():
        if k != 'total build()': print(f'  {v:5.2f} s  {k}')
    print(f'  {steps["total build()"] - sum(v for k, v in steps.items() if k not in ("total build()", "imports")):5.2f} s  '
          'the rest of build(): wrapping the pages, copying site_libs, the staged swap')
    print(f'  {rest:5.2f} s  Python start-up and the rest of the process')
    med, srv = statistics.median(shown), statistics.median(built)
    print(f'make serve, save → page updated (median of {SAVES}): {med:.2f} s (min {min(shown):.2f}, max {max(shown):.2f}; '
          f'the server\'s rebuild {srv:.2f} s of it; target ≤ 1 s on 2 cores)')
    print(f'incremental make site / make serve save → page: {wall / med:.1f}x')
    print(f'load average during the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with it)')

if __name__ == '__main__': main()
