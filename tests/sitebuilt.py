"""The built site that test_site.py and test_browser.py check: built once per test run into a temporary folder."""
import functools, re, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

@functools.cache
def built_site()->Path:
    "The project's site, built by the offline build (its caches make this quick after `make site`)."
    out = Path(tempfile.mkdtemp(prefix='sitebuild-test-'))/'site'
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet', '--out', str(out)], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, f'the site build failed:\n{p.stdout}\n{p.stderr}'
    return out

def pages(site:Path)->list[Path]: return sorted(site.glob('*.html'))

def page_text(html:str)->str:
    "The indexed text of a page (what pagefind sees): the `data-pagefind-body` region, tags removed."
    body = html.split('data-pagefind-body>', 1)[-1].split('<nav class="page-navigation"', 1)[0]
    body = re.sub(r'<(script|style|math)\b.*?</\1>', ' ', body, flags=re.S)
    return re.sub(r'<[^>]+>', ' ', body)
