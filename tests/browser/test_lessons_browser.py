"""The two-lesson fixture site (tests/fixtures/lessons) in Chromium, from a page in the second lesson's folder: it loads
its styles and scripts (a missing one is an HTTP 404 among `problems`), search finds pages of both lessons, and its
live cell runs."""
from urllib.parse import urlparse

from tools.sitetest import served

def test_a_page_in_a_folder_searches_and_runs_live_cells(open_page, lessons_site):
    with served(lessons_site) as base:
        page, problems = open_page(f'{base}/lesson_b/callbacks.html', python=True)
        page.fill('#search input', 'callbacks')
        page.wait_for_selector('.pagefind-ui__result-link', timeout=10_000)
        hrefs = set(page.eval_on_selector_all('.pagefind-ui__result-link', 'els => els.map(e => e.getAttribute("href"))'))
        path = urlparse(base).path
        assert {f'{path}/callbacks.html', f'{path}/lesson_b/callbacks.html'} <= hrefs, hrefs
        cell = page.locator('div.cell.live')
        cell.locator('button', has_text='Run').click()
        page.wait_for_function("() => [...document.querySelectorAll('.live-controls button')].every(b => b.hidden || !b.disabled)",
                               timeout=120_000)
        out = cell.locator('.live-output').inner_text()
    assert out.strip() == '14', out
    assert not problems, problems
