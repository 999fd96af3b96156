"""A second lesson in its own folder of nbs/ (tests/fixtures/lessons, settings.ini `recursive = True`): pages are keyed by
path, so its `callbacks` page does not collide with the first lesson's, and every link works from either folder."""
import json, re
from pathlib import Path

import pytest

from tools.sitebuild.config import Site
from tools.sitebuild.page import local_links, relative
from tools.sitebuild.strict import sidebar_problems
from tools.sitetest import ROOT, broken_links, pages, parse

PAGES = ['callbacks.html', 'index.html', 'lesson_b/callbacks.html', 'lesson_b/intro.html']

@pytest.mark.parametrize('href, current, link', [('callbacks.html#x', 'lesson_b/intro.html', '../callbacks.html#x'),
    ('lesson_b/callbacks.html', 'lesson_b/intro.html', 'callbacks.html'), ('lesson_b/intro.html', 'index.html', 'lesson_b/intro.html'),
    ('#top', 'lesson_b/intro.html', '#top'), ('https://example.com/a.html', 'lesson_b/intro.html', 'https://example.com/a.html')])
def test_links_are_written_relative_to_the_page(href, current, link):
    assert relative(href, current) == link

def test_doc_links_from_a_page_in_a_folder():
    site = Site(root=ROOT, nbs=ROOT/'nbs', out=ROOT/'_docs', title='t', description='', site_url='https://u.github.io/r',
                repo_url='https://github.com/u/r', branch='main', readme_nb='index.ipynb')
    body = '<a href="https://u.github.io/r/stats.html#var">a</a> <a href="https://u.github.io/r/lesson11/hooks.html#_x">b</a>'
    assert local_links(body, site, {'stats.html': {'var'}}, 'lesson11/intro.html') == (
        '<a href="../stats.html#var">a</a> <a href="hooks.html">b</a>')

@pytest.fixture(scope='module')
def site(lessons_site)->Path: return lessons_site

def test_both_lessons_callbacks_pages_exist_at_distinct_paths(site):
    assert [p.relative_to(site).as_posix() for p in pages(site)] == PAGES
    titles = [re.search(r'<h1 class="title">(.*?)</h1>', (site/p).read_text())[1] for p in PAGES if 'callbacks' in p]
    assert titles == ['Callbacks of Lesson A', 'Callbacks of Lesson B']

def test_every_link_and_resource_resolves_from_either_folder(site):
    assert broken_links(site) == []

def test_sidebar_from_a_page_in_the_folder(site):
    html = (site/'lesson_b'/'intro.html').read_text()
    sidebar = re.search(r'<nav id="sidebar".*?</nav>', html, re.S)[0]
    assert re.findall(r'sidebar-section-title">([^<]+)', sidebar) == ['Lesson A', 'Lesson B']
    assert re.findall(r'href="([^"]+)"', sidebar) == ['../index.html', '../callbacks.html', 'intro.html', 'callbacks.html']
    assert 'aria-current="page">Introduction to Lesson B' in sidebar
    links = parse(site/'lesson_b'/'intro.html')
    assert {'callbacks.html', '../callbacks.html#a-heading-of-lesson-a', '../index.html'} <= set(links.links)
    assert {'../site_libs/site.css', '../site_libs/live/live.js', 'intro_files/figure-html/cell-3-output-1.png'} <= set(links.resources)

def test_title_search_download_and_meta_follow_the_folder(site):
    html = (site/'lesson_b'/'intro.html').read_text()
    assert '<a class="navbar-brand" href="../index.html">Two lessons</a>' in html   # from settings.ini, not one lesson
    assert '<a href="00_intro.ipynb" download>' in html and (site/'lesson_b'/'00_intro.ipynb').exists()
    assert 'https://github.com/fixture-user/two_lessons/blob/main/nbs/lesson_b/00_intro.ipynb' in html
    assert ('<meta property="og:image" content="https://fixture-user.github.io/two_lessons/lesson_b/intro_files/figure-html/'
            'cell-3-output-1.png">') in html
    assert (site/'lesson_b'/'callbacks.html.md').read_text().startswith('# Callbacks of Lesson B')
    sitemap, llms = (site/'sitemap.xml').read_text(), (site/'llms.txt').read_text()
    assert 'two_lessons/lesson_b/callbacks.html</loc>' in sitemap and 'two_lessons/callbacks.html</loc>' in sitemap
    assert re.search(r'^## Lesson B\n\n- \[Introduction to Lesson B\]\(https://fixture-user\.github\.io/two_lessons/lesson_b/intro\.html\.md\)',
                     llms, re.M)
    pagefind = json.loads((site/'_pagefind'/'pagefind-entry.json').read_text())
    assert pagefind['languages']['en']['page_count'] == len(PAGES)

def test_live_cells_of_the_page_in_the_folder(site):
    html = (site/'lesson_b'/'callbacks.html').read_text()
    assert 'class="cell live"' in html and (site/'site_libs'/'live'/'runner.py').exists()

def test_a_lesson_folder_nbdev_does_not_list_is_named_with_the_setting(tmp_path):
    (tmp_path/'lesson_b').mkdir()
    (tmp_path/'lesson_b'/'01_callbacks.ipynb').write_text('{}')
    assert sidebar_problems(['index.ipynb'], ['index.ipynb', 'lesson_b/01_callbacks.ipynb', 'lesson_b/gone.ipynb'], nbs=tmp_path) == [
        '_quarto.yml lists lesson_b/01_callbacks.ipynb in the sidebar, but nbdev does not list nbs/lesson_b/01_callbacks.ipynb: set '
        '`recursive = True` in settings.ini so that notebooks in folders of nbs/ are part of the site (a folder starting with `_` or '
        '`.` never is)',
        '_quarto.yml lists lesson_b/gone.ipynb in the sidebar, but nbs/lesson_b/gone.ipynb does not exist: remove the entry or '
        'restore the notebook']
    assert sidebar_problems(['lesson_b/01_callbacks.ipynb'], []) == [
        'nbs/lesson_b/01_callbacks.ipynb is not in the sidebar: add it to `website.sidebar.contents` in _quarto.yml']
