"""What the built site offers other tools, checked against the pages it describes: sitemap.xml lists exactly the pages,
robots.txt points to it, every page has its canonical and link-preview tags, llms.txt lists every page with its title
and description and links to markdown copies that exist and hold the page's code, 404.html works at any depth, and
each page offers its notebook for download. Also the live-page marking (tools/sitebuild/live/)."""
import html, json, re
from urllib.parse import urlparse

import pytest

from tools.sitebuild import BuildError
from tools.sitebuild.config import load_site
from tools.sitebuild.cells import CellView, store
from tools.sitebuild.live import notebook_live_cells
from tools.sitebuild.live.backends.pyodide import bundle
from tools.sitetest import ROOT, built_site, pages

SITE = load_site()                  # settings.ini and _quarto.yml, as a fork has them
BASE = SITE.site_url + '/'          # settings.ini: doc_host + doc_baseurl
PATH = urlparse(BASE).path          # /lessons_lib/: where GitHub Pages serves the site

def meta(page_html:str, key:str)->str|None:
    m = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', page_html)
    return html.unescape(m[1]) if m else None

def url_of(name:str)->str: return BASE + ('' if name == 'index.html' else name)

def test_the_sitemap_lists_exactly_the_built_pages_and_robots_points_to_it():
    site = built_site()
    locs = re.findall(r'<loc>([^<]+)</loc>', (site/'sitemap.xml').read_text())
    assert sorted(locs) == sorted(url_of(p.name) for p in pages(site))
    assert f'Sitemap: {BASE}sitemap.xml' in (site/'robots.txt').read_text().splitlines()

def test_every_page_has_canonical_and_link_preview_tags():
    site = built_site()
    for p in pages(site):
        h = p.read_text()
        title = html.unescape(re.search(r'<h1 class="title">(.*?)</h1>', h, re.S)[1])
        assert f'<link rel="canonical" href="{url_of(p.name)}">' in h, p.name
        assert meta(h, 'og:url') == url_of(p.name) and meta(h, 'og:site_name') == SITE.title, p.name
        assert meta(h, 'og:title') == re.sub('<[^>]+>', '', title), p.name
        assert meta(h, 'og:description') == meta(h, 'description') != '', p.name
        figure = re.search(r'<img\b[^>]*\bsrc="([^":]+)"', h)
        if figure:
            assert meta(h, 'og:image') == BASE + figure[1] and (site/figure[1]).is_file(), p.name
            assert meta(h, 'twitter:card') == 'summary_large_image', p.name
        else: assert meta(h, 'og:image') is None and meta(h, 'twitter:card') == 'summary', p.name
    assert meta((site/'hooks.html').read_text(), 'og:image'), 'the hooks page has figures but no preview image'

def llms_links(site)->dict[str, tuple[str, str]]:
    "{page file: (title, description)} of the entries of llms.txt, each link checked to be a markdown copy in the site."
    res = {}
    for title, url, desc in re.findall(r'^- \[([^\]]+)\]\(([^)]+)\): (.+)$', (site/'llms.txt').read_text(), re.M):
        assert url.startswith(BASE) and url.endswith('.html.md'), url
        assert (site/url[len(BASE):]).is_file(), f'llms.txt links to {url}, which the site does not hold'
        res[url[len(BASE):-3]] = (title, desc)
    return res

def test_llms_txt_lists_every_page_with_its_title_and_description():
    site = built_site()
    text = (site/'llms.txt').read_text()
    assert text.startswith(f'# {SITE.title}\n\n> {SITE.description}')
    assert re.search(r'^## Lesson 10$', text, re.M)
    links = llms_links(site)
    assert sorted(links) == [p.name for p in pages(site)]
    for p in pages(site):
        h = p.read_text()
        assert links[p.name] == (meta(h, 'og:title'), meta(h, 'og:description')), p.name

def code_blocks(page_html:str)->list[str]:
    "The text of the page's code blocks (code cells and their outputs), tags removed."
    return [html.unescape(re.sub(r'<[^>]+>', '', c)) for c in re.findall(r'<pre[^>]*><code[^>]*>(.*?)</code></pre>', page_html, re.S)]

def test_markdown_copies_hold_each_pages_code_and_no_html():
    site = built_site()
    for p in pages(site):
        md = (site/f'{p.name}.md').read_text()
        h = p.read_text()
        assert md.startswith(f'# {meta(h, "og:title")}\n'), p.name
        squashed = re.sub(r'\s+', ' ', md)
        missing = [c[:80] for c in code_blocks(h) if re.sub(r'\s+', ' ', c).strip() not in squashed]
        assert not missing, f'{p.name}.md lacks code blocks of its page: {missing[:3]}'
        prose = re.sub(r'^(```|~~~).*?^\1\s*$|^    .*$|`[^`\n]*`', '', md, flags=re.S | re.M)   # code removed
        assert not re.search(r'<(?:/?(?:div|span|details|summary|a|img|p|table)\b|!--)', prose), f'{p.name}.md holds HTML'
    assert 'print(inspect.getsource(slow_calculation))' in (site/'browsing_source.html.md').read_text()

def test_the_404_page_links_absolutely_and_is_not_a_search_result():
    site = built_site()
    h = (site/'404.html').read_text()
    rel = [u for u in re.findall(r'\b(?:href|src)="([^"]+)"', h) if not re.match(rf'https?:|{PATH}|#', u)]
    assert not rel, f'404.html has relative links, which break below the site root: {rel}'
    assert f'href="{PATH}callbacks.html"' in h and 'id="search"' in h and 'data-pagefind-body' not in h

def test_every_page_offers_its_notebook_with_outputs_for_download():
    site = built_site()
    for p in pages(site):
        nb = re.search(r'<a href="([^"]+\.ipynb)" download>Download notebook</a>', p.read_text())
        assert nb, f'{p.name}: no Download notebook link'
        assert (site/nb[1]).read_bytes() == (ROOT/'nbs'/nb[1]).read_bytes(), f'{p.name}: {nb[1]} differs from nbs/{nb[1]}'
    assert any(c.get('outputs') for c in json.loads((site/'02_browsing_source.ipynb').read_text())['cells'])

def test_a_live_page_says_which_cells_run_and_marks_them():
    site = built_site()
    h = (site/'browsing_source.html').read_text()
    note = re.sub(r'<[^>]+>|\s+', ' ', re.search(r'class="callout[^"]*live-note.*?</div>\s*</div>', h, re.S)[0])
    runs, shown = map(int, re.search(r'(\d+) of the (\d+) code cells on this page run in your browser', note).groups())
    assert h.count('class="cell live') + h.count('summary>Exported source') == runs < shown
    assert h.count('class="cell colab') == shown - runs
    for name in ('callbacks.ipynb', 'data_model.ipynb', 'browsing_source.ipynb'):
        src = next((ROOT/'nbs').glob(f'*{name}')).read_text()
        assert 'classes: live' not in src and '"live: true\\n"' in src, name

def test_a_live_cell_importing_torch_is_an_error_naming_notebook_and_cell(tmp_path):
    nbs, proc = tmp_path/'nbs', tmp_path/'_proc'
    nbs.mkdir(); proc.mkdir()
    cells = [{'cell_type': 'markdown', 'metadata': {}, 'source': '# T'},
             {'cell_type': 'code', 'metadata': {}, 'outputs': [], 'source': 'import torch\nx = torch.ones(2)'}]
    (nbs/'09_t.ipynb').write_text(json.dumps({'cells': cells}))
    marked = json.loads(json.dumps(cells))
    store(marked[1], CellView(2, shown=True, classes=['live']))   # as the build's processing marks it
    (proc/'09_t.ipynb').write_text(json.dumps({'cells': marked}))
    live = notebook_live_cells(nbs, ['09_t.ipynb'], proc)
    assert live == {'09_t.ipynb': [('nbs/09_t.ipynb, cell 2 (`import torch`)', 'import torch\nx = torch.ones(2)')]}
    with pytest.raises(BuildError, match=r'nbs/09_t\.ipynb, cell 2 \(`import torch`\) imports torch.*#\| classes: colab'):
        bundle(live)
