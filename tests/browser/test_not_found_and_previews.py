"""The site as GitHub Pages serves a project site: under /lessons_lib/, with 404.html answering any missing address at any
depth. Its 404 page shows the navigation and a working search; a shared link's preview tags read as a page's title,
summary and figure. Fixtures (`browser`, `open_page`) in conftest.py."""
from urllib.parse import urlparse

import pytest

from tools.sitebuild.config import load_site
from tools.sitebuild.page import sidebar_hrefs
from tools.sitetest import built_site, served

SITE = load_site()   # the title, address and sidebar as settings.ini and _quarto.yml give them (a fork's own)

@pytest.fixture(scope='module')
def pages_site():
    "The site as Pages serves it (tools/sitetest.py `served`), its URL ending in `/`."
    with served(built_site()) as url: yield url + '/'

def test_a_missing_address_deep_under_the_site_shows_navigation_and_search(open_page, pages_site):
    page, problems = open_page(f'{pages_site}no/such/folder/page.html')
    assert page.locator('h1.title').inner_text() == 'Page not found'
    links = page.locator('#sidebar a')
    assert links.count() == len(sidebar_hrefs(SITE.sidebar))
    with page.expect_navigation(wait_until='load'):
        page.locator('#sidebar a', has_text='Callbacks').first.click()
    assert page.url == f'{pages_site}callbacks.html' and page.locator('h1.title').inner_text() == 'Callbacks'
    page.go_back(wait_until='load')
    page.locator('#search input').first.fill('closure')
    result = page.locator('.pagefind-ui__result-link').first
    result.wait_for(timeout=30_000)
    assert result.get_attribute('href').startswith(urlparse(pages_site).path), result.get_attribute('href')
    # the page's own 404 status is the only failed response (twice: the page is opened again by Back)
    assert {p for p in problems if p.startswith('HTTP')} == {f'HTTP 404: {pages_site}no/such/folder/page.html'}, problems
    own = 'console error: Failed to load resource: the server responded with a status of 404 (Not Found)'
    assert [p for p in problems if not p.startswith(('HTTP', own))] == [], problems

def test_a_shared_links_preview_shows_the_pages_title_summary_and_figure(open_page, pages_site):
    page, problems = open_page(f'{pages_site}hooks.html')
    tag = lambda k: page.locator(f'meta[property="{k}"], meta[name="{k}"]').get_attribute('content')
    assert tag('og:title') == page.locator('h1.title').inner_text()
    assert tag('og:description') == page.locator('header.title-block p.description').inner_text()
    assert tag('og:site_name') == SITE.title and tag('twitter:card') == 'summary_large_image'
    assert tag('og:url') == f'{SITE.site_url}/hooks.html'
    image = tag('og:image')
    assert image.startswith(f'{SITE.site_url}/hooks_files/')
    local = page.request.get(pages_site + image.removeprefix(f'{SITE.site_url}/'))   # the same file, from this server
    assert local.status == 200 and local.headers['content-type'] == 'image/png'
    assert not problems, problems
