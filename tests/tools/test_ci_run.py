"""`.ci/run`, the CI entry point, chooses the browser tests' Chromium and says which: CHROMIUM_PATH when set, else a
`chromium` on PATH, else Debian's installed with apt-get only when it runs as root, else Playwright's (`make chromium`,
with its system libraries where Playwright may install them). Run here with stand-ins for make, apt-get, id, uname and
sudo on a PATH of their own, so each machine's case is checked on this one."""
import shutil, stat, subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ['bash', 'dirname', 'mktemp', 'tee', 'grep', 'tail', 'head', 'rm', 'sed', 'cat', 'cp']

def script(path:Path, body:str)->Path:
    path.write_text(f'#!{shutil.which("bash")}\n{body}\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path

@pytest.fixture
def ci(tmp_path):
    "Run a copy of .ci/run as a machine with `uid`, `os` and the given stand-ins would; its output, and the log of calls."
    proj, bin_, log = tmp_path/'proj', tmp_path/'bin', tmp_path/'calls'
    (proj/'.ci').mkdir(parents=True); bin_.mkdir()
    shutil.copy(ROOT/'.ci'/'run', proj/'.ci'/'run')
    for t in TOOLS: (bin_/t).symlink_to(shutil.which(t))
    playwright = script(tmp_path/'playwright-chrome', 'echo "Chrome for Testing 1.0"')
    script(bin_/'make', f'''echo "make $*" >> {log}
case "$1" in
  chromium) echo "Downloading"; echo "CHROMIUM_PATH={playwright}";;
  test) echo "make test sees CHROMIUM_PATH=$CHROMIUM_PATH"; echo "7 passed, 0 failed";;
esac''')
    def run(uid=1000, os_='Linux', sudo=False, apt=None, chromium_on_path=False, expect=0, **env):
        for f in (log, bin_/'chromium', bin_/'apt-get'): f.unlink(missing_ok=True)
        script(bin_/'id', f'echo {uid}')
        script(bin_/'uname', f'echo {os_}')
        script(bin_/'sudo', f'echo "sudo $*" >> {log}; exit {0 if sudo else 1}')
        if apt is not None:   # apt-get that installs a chromium onto PATH, or fails
            script(bin_/'apt-get', f'echo "apt-get $*" >> {log}' + (f'\nif [ "$1" = install ]; then cp {playwright} {bin_}/chromium; fi'
                                                                      if apt else '\nexit 100'))
        if chromium_on_path: script(bin_/'chromium', 'echo "Chromium 2.0"')
        p = subprocess.run(['bash', str(proj/'.ci'/'run')], env={'PATH': str(bin_), 'HOME': str(tmp_path), **env},
                           capture_output=True, text=True)
        assert p.returncode == expect, p.stdout + p.stderr
        return p.stdout, log.read_text() if log.exists() else ''
    run.playwright, run.bin = playwright, bin_
    return run

def test_chromium_path_when_set(ci, tmp_path):
    chrome = script(tmp_path/'google-chrome', 'echo "Google Chrome 3.0"')
    out, calls = ci(uid=0, apt=True, CHROMIUM_PATH=str(chrome))
    assert f'Browser tests use {chrome} (CHROMIUM_PATH): Google Chrome 3.0' in out
    assert f'make test sees CHROMIUM_PATH={chrome}' in out and out.rstrip().endswith('7 passed, 0 failed')
    assert calls == 'make test\n'   # nothing installed

def test_chromium_path_that_names_nothing_is_said(ci):
    out, _ = ci(CHROMIUM_PATH='/nowhere/chrome')
    assert "no Chromium at '/nowhere/chrome' (CHROMIUM_PATH): the browser tests will fail" in out

def test_chromium_on_path(ci):
    out, calls = ci(chromium_on_path=True)
    assert f'Browser tests use {ci.bin}/chromium (chromium on PATH): Chromium 2.0' in out and calls == 'make test\n'

def test_apt_get_only_as_root(ci):
    out, calls = ci(uid=0, apt=True)
    assert "(Debian's chromium, installed now with apt-get)" in out and 'apt-get install -y -qq chromium' in calls
    out, calls = ci(uid=1000, apt=True, sudo=True)   # not root: no apt-get, Playwright's Chromium with its libraries
    assert 'apt-get' not in calls and 'make chromium WITH_DEPS=1' in calls

def test_playwright_chromium_on_a_mac(ci):
    out, calls = ci(os_='Darwin', sudo=True)
    assert calls.splitlines() == ['make chromium', 'make test']   # no sudo asked, no system libraries
    assert f"Browser tests use {ci.playwright} (Playwright's Chromium, from make chromium): Chrome for Testing 1.0" in out
    assert f'make test sees CHROMIUM_PATH={ci.playwright}' in out

def test_playwright_chromium_without_sudo_installs_no_libraries(ci):
    _, calls = ci(sudo=False)
    assert [c for c in calls.splitlines() if c.startswith('make')] == ['make chromium', 'make test']

def test_root_where_apt_get_has_no_chromium(ci):
    "Ubuntu as root: its chromium is a snap stand-in that apt-get cannot install, so Playwright's, with its libraries."
    out, calls = ci(uid=0, apt=False)
    assert 'make chromium WITH_DEPS=1' in calls and f'Browser tests use {ci.playwright}' in out

def test_exit_status_and_summary_pass_through(ci):
    make = ci.bin/'make'
    make.write_text(make.read_text().replace('echo "7 passed, 0 failed";;', 'echo "6 passed, 1 failed"; exit 2;;'))
    out, _ = ci(chromium_on_path=True, expect=2)
    assert out.rstrip().endswith('6 passed, 1 failed')
