"""One Chromium for a whole `make test` run: `shared_chromium()` serves it on 127.0.0.1, and `chromium()` in another
process that finds its address in `CHECKS_BROWSER` opens pages in it instead of starting a browser of its own."""
import json, os, subprocess, sys

from tools.sitetest import BROWSER_ENV, ROOT

HOST = 'from tools.sitetest import shared_chromium\nwith shared_chromium() as at:\n    print(at, flush=True); input()'
CLIENT = '''import json, sys, urllib.request
from tools.sitetest import chromium
with chromium() as b:
    b.new_context().new_page().goto('data:text/html,<title>opened by the client</title>')
    print(json.dumps([t['title'] for t in json.load(urllib.request.urlopen(sys.argv[1] + '/json/list'))]))'''

def test_a_test_process_opens_its_pages_in_the_run_s_browser(browser):   # `browser`: skipped or failed without Chromium
    host = subprocess.Popen([sys.executable, '-c', HOST], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        at = host.stdout.readline().strip()
        assert at.startswith('http://127.0.0.1:'), at
        env = {k: v for k, v in os.environ.items() if k != BROWSER_ENV}
        alone = subprocess.run([sys.executable, '-c', CLIENT, at], cwd=ROOT, env=env, capture_output=True, text=True)
        shared = subprocess.run([sys.executable, '-c', CLIENT, at], cwd=ROOT, env={**env, BROWSER_ENV: at},
                                capture_output=True, text=True)
        assert 'opened by the client' not in json.loads(alone.stdout), alone.stdout + alone.stderr   # a browser of its own
        assert 'opened by the client' in json.loads(shared.stdout), shared.stdout + shared.stderr
    finally:
        host.communicate('\n', timeout=30)
    assert host.returncode == 0, 'the shared browser did not close cleanly'
