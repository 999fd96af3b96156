"""A second lesson in its own folder of nbs/ (tests/fixtures/lessons: `recursive = True`, Lesson 11 in nbs/lesson11/)
builds beside the first: pages keyed by path, so two `00_callbacks.ipynb` make two pages; links work from both levels."""
import os, re, shutil, subprocess, sys
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from tools.sitetest import ROOT

FIX = ROOT/'tests'/'fixtures'/'lessons'
PAGES = ['index.html', 'callbacks.html', 'lesson11/callbacks.html', 'lesson11/optimizers.html']

@pytest.fixture(scope='module')
def site(tmp_path_factory)->Path:
    "The fixture project built by the offline build."
    d = tmp_path_factory.mktemp('lessons')
    shutil.copytree(FIX/'nbs', d/'nbs')
    shutil.copy(FIX/'settings.ini', d)
    shutil.copy(FIX/'_quarto.yml', d/'nbs'/'_quarto.yml')
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet'], cwd=d, capture_output=True, text=True,
                       env={**os.environ, 'PYTHONPATH': str(ROOT)})
    assert p.returncode == 0, p.stdout + p.stderr
    return d/'_docs'

def test_each_notebook_has_its_own_page(site):
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html') if '_pagefind' not in p.parts)
    assert built == sorted(PAGES + ['404.html'])
    titles = {p: re.search(r'<h1 class="title">(.*?)</h1>', (site/p).read_text())[1] for p in PAGES}
    assert titles['callbacks.html'] == 'Callbacks in Lesson 10' and titles['lesson11/callbacks.html'] == 'Callbacks in Lesson 11'
    assert '<img src="callbacks_files/figure-html/' in (site/'lesson11'/'callbacks.html').read_text()

def test_sidebar_sections_and_title_come_from_the_configuration(site):
    html = (site/'lesson11'/'optimizers.html').read_text()
    assert re.findall(r'sidebar-section-title">([^<]+)<', html) == ['Lesson 10', 'Lesson 11']
    assert '<a class="navbar-brand" href="../index.html">Deep learning lessons</a>' in html
    assert 'href="../lesson11/optimizers.html" class="active"' in html   # the sidebar's own page

def test_every_link_and_resource_resolves_from_both_levels(site):
    broken = []
    for p in PAGES:
        html = (site/p).read_text()
        for url in re.findall(r'\s(?:href|src)="([^"]+)"', html):
            path, _ = urldefrag(url)
            if urlparse(url).scheme or not path: continue
            if not ((site/p).parent/path).resolve().exists(): broken.append(f'{p}: {url}')
    assert not broken, '\n'.join(broken)

def test_links_between_notebooks_keep_their_folders(site):
    html = (site/'lesson11'/'optimizers.html').read_text()
    assert 'href="callbacks.html">this lesson' in html and 'href="../callbacks.html">Lesson 10' in html
    assert 'href="lesson11/callbacks.html">Lesson 11' in (site/'index.html').read_text()
