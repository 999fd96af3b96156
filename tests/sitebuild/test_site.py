"The built site (offline build): every listed page, working links and images, rendered math, nothing from other hosts."
import gzip, json, re, subprocess, sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from tools.notebooks import notebooks, page_name
from tools.sitetest import ROOT, broken_links, built_site, pages, parse
from tools.sitebuild.page import sidebar_hrefs

SEARCH_UI = ['_pagefind/pagefind-ui.js', '_pagefind/pagefind-ui.css']   # site.js loads them when the reader searches

@pytest.fixture(scope='module')
def site()->Path: return built_site()

def test_every_listed_page_is_built(site):
    cfg = yaml.safe_load((ROOT/'_quarto.yml').read_text())['website']
    hrefs = sidebar_hrefs(cfg['sidebar']['contents']) + [i['href'] for i in cfg['navbar'].get('left', [])]
    assert hrefs, 'the sidebar lists no pages'
    missing = [h for h in hrefs if not (site/page_name(h)).exists()]
    assert not missing, f'_quarto.yml lists pages the build did not produce: {missing}'

def test_internal_links_and_images_resolve(site):
    broken = broken_links(site)
    assert not broken, 'broken links or missing images:\n' + '\n'.join(broken)

def has_math(nb:Path)->bool:
    "Whether a markdown cell of the notebook holds `$` math (pandoc's rule: no space inside the dollars), outside code."
    cells = json.loads(nb.read_text())['cells']
    text = '\n'.join(''.join(c['source']) for c in cells if c['cell_type'] == 'markdown')
    text = re.sub(r'```.*?```|`[^`]*`', '', text, flags=re.S)
    return bool(re.search(r'(?<![\\$])\$(?=\S)[^$]+(?<=\S)\$(?!\d)', text))

def test_math_is_rendered_as_mathml(site):
    nbs = [p for p in notebooks(ROOT/'nbs') if has_math(p)]
    missing = [nb.name for nb in nbs if '<math' not in (site/page_name(nb, ROOT/'nbs')).read_text()]
    assert not missing, f'pages with $ math but no <math>: {missing}'

def test_no_resource_from_another_host(site):
    "A page loads nothing from another host: no external src, stylesheet, font, script, image or iframe."
    files = pages(site) + sorted(site.rglob('*.css'))
    external = []
    for f in files:
        txt = f.read_text(encoding='utf-8')
        refs = parse(f).resources if f.suffix == '.html' else []
        refs += re.findall(r'@import\s+(?:url\()?[\'"]?([^\'")\s;]+)', txt) + re.findall(r'url\(\s*[\'"]?([^\'")]+)', txt)
        external += [f'{f.relative_to(site)}: {u}' for u in refs if urlparse(u).scheme in ('http', 'https') or u.startswith('//')]
    assert not external, 'resources from other hosts:\n' + '\n'.join(external)

def test_page_weight_under_100_kb_as_served(site):
    """What a reader downloads for each page, its HTML plus the CSS and JS it loads, the search UI's included (it loads
    on first use), stays under 100 KB gzip-compressed, as GitHub Pages serves text files (about 300 KB uncompressed)."""
    for page in pages(site):
        own = [page] + [site/r for r in parse(page).resources if r.endswith(('.css', '.js'))] + [site/r for r in SEARCH_UI]
        size = sum(len(gzip.compress(f.read_bytes())) for f in own)
        assert size < 100_000, f'{page.name}: {size} bytes of HTML+CSS+JS, gzip-compressed'

def test_lessons_lib_imports_without_jupyter():
    code = ("import importlib, pkgutil, sys\n"
            "for m in ('IPython', 'ipykernel', 'ipywidgets', 'jupyter_client'): sys.modules[m] = None\n"
            "import lessons_lib\n"
            "for m in pkgutil.iter_modules(lessons_lib.__path__): importlib.import_module(f'lessons_lib.{m.name}')\n"
            "print('ok')")
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0 and p.stdout.strip() == 'ok', p.stderr

def test_toc_names_break_at_their_joints_not_mid_word():
    from tools.sitebuild.page import breakable_names
    toc = '<li><a href="#m"><code>RunningStats.moments</code></a></li><li><a href="#c">CancelEpochException &amp; more</a></li>'
    assert breakable_names(toc) == ('<li><a href="#m"><code>Running<wbr>Stats.<wbr>moments</code></a></li>'
                                    '<li><a href="#c">CancelEpochException &amp; more</a></li>')   # entities left alone
    assert breakable_names('<a href="#s">sched_one_cycle</a>') == '<a href="#s">sched_<wbr>one_<wbr>cycle</a>'
