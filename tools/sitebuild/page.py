"""A rendered page body wrapped in the site's page: navbar, sidebar, table of contents, previous/next, repo actions."""
from __future__ import annotations
import html, posixpath, re
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from tools.notebooks import page_name

from . import BuildError
from .config import Site

TEMPLATE = Template((Path(__file__).parent/'assets'/'page.html').read_text())
# Scripts only from the site itself, plus WebAssembly compilation (pagefind's search, Pyodide's live cells); workers
# from the site; no plug-ins, no <base>, no forms. Inline styles stay allowed: pandoc writes some (table widths).
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
       "img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'none'")

@dataclass
class PageHTML:
    "A page's HTML from pandoc: everything about it that does not depend on the other pages."
    nb: str                      # notebook path below nbs/ (`00_callbacks.ipynb`, `lesson11/00_intro.ipynb`)
    title: str
    description: str
    body: str                    # HTML
    toc: str                     # HTML (nested <ul>), may be empty
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def href(self)->str: return page_name(self.nb)

def esc(s:str)->str: return html.escape(str(s), quote=True)
def plain(s:str)->str: return esc(str(s).replace('`', ''))
def inline(s:str)->str:
    "Title or description text, escaped, with its `code` spans as Quarto shows them."
    return re.sub(r'`([^`]+)`', r'<code>\1</code>', esc(s))

def link_target(href:str)->str:
    "Where a link to `href` (a notebook, a page or an address) points in the built site."
    if re.match(r'[a-z]+:', href) or href.startswith('#'): return href
    path, _, frag = href.partition('#')
    if path.endswith('.ipynb'): path = page_name(path)
    return path + (f'#{frag}' if frag else '')

def relative(href:str, current:str)->str:
    """Link `href` (a page or file below the site's root, e.g. `lesson11/intro.html#x`) as written in page `current`
    (also below the root): `../callbacks.html` from `lesson11/intro.html`; addresses and `#fragments` as given."""
    if re.match(r'[a-z]+:', href) or href.startswith(('#', '/')): return href
    path, sep, frag = href.partition('#')
    return posixpath.relpath(path, posixpath.dirname(current) or '.') + sep + frag

def root_of(current:str)->str:
    "The site's root as a link prefix from page `current`: `` at the root, `../` one folder down."
    return '../' * current.count('/')

def rooted_links(html_text:str, prefix:str)->str:
    "`html_text` with its relative `href`/`src` addresses prefixed by `prefix` (`../`, or an absolute `/lessons_lib/`)."
    return re.sub(r'\b(href|src)="(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)"', lambda m: f'{m[1]}="{prefix}{m[2]}"', html_text)

def sidebar_hrefs(items:list)->list[str]:
    "The hrefs of the sidebar entries in order, sections flattened."
    res = []
    for it in items:
        if isinstance(it, str): res.append(it)
        elif 'contents' in it: res += sidebar_hrefs(it['contents'])
        elif 'href' in it: res.append(it['href'])
    return res

def _item(href:str, text:str, current:str)->str:
    cur = ' class="active" aria-current="page"' if href == current else ''
    return f'<li><a href="{esc(relative(href, current))}"{cur}>{esc(text)}</a></li>'

def sidebar_html(items:list, titles:dict[str, str], current:str)->str:
    "The sidebar as nested lists; entries show page titles, the current page is highlighted."
    out = []
    for it in items:
        if isinstance(it, str): out.append(_item(link_target(it), titles.get(link_target(it), it), current))
        elif 'contents' in it:
            out.append(f'<li class="sidebar-section"><span class="sidebar-section-title">{esc(it.get("section", ""))}</span>'
                       f'{sidebar_html(it["contents"], titles, current)}</li>')
        elif 'href' in it:
            h = link_target(it['href'])
            out.append(_item(h, it.get('text', titles.get(h, h)), current))
    return '<ul>' + ''.join(out) + '</ul>'

def navbar_html(items:list, titles:dict[str, str], current:str)->str:
    res = []
    for it in items:
        h = link_target(it if isinstance(it, str) else it.get('href', '#'))
        t = titles.get(h, h) if isinstance(it, str) else it.get('text', titles.get(h, h))
        res.append(f'<a class="nav-link{" active" if h == current else ""}" href="{esc(relative(h, current))}">{esc(t)}</a>')
    return ''.join(res)

def prevnext_html(order:list[str], titles:dict[str, str], current:str)->str:
    if current not in order: return ''
    i = order.index(current)
    def link(h, cls, label):
        return f'<a class="{cls}" href="{esc(relative(h, current))}"><span>{label}</span>{esc(titles.get(h, h))}</a>'
    return (link(order[i-1], 'prev', 'Previous') if i > 0 else '') + (link(order[i+1], 'next', 'Next') if i+1 < len(order) else '')

def actions_html(site:Site, nb:str)->str:
    "Links to the page's notebook on GitHub, in Colab, to report an issue (`repo-actions`), and the notebook to download."
    links = [(site.source_url(nb), 'View source notebook'), (site.colab_url(nb), 'Open in Colab'),
             (f'{site.repo_url}/issues/new', 'Report an issue')]
    download = f'<a href="{esc(nb.rpartition("/")[2])}" download>Download notebook</a>'   # copied next to the page
    return '<div class="repo-actions">' + ''.join(f'<a href="{esc(u)}" rel="noopener">{t}</a>' for u, t in links) + download + '</div>'

def local_links(body:str, site:Site, ids:dict[str, set[str]], current:str='index.html')->str:
    """Links to notebooks become links to their pages; nbdev's absolute doc links to this site become relative to page
    `current`, and point at the page's top when the symbol has no heading there (nbdev links private helpers that show
    no docs)."""
    def doclink(m):
        page, _, frag = m[1].partition('#')
        return f'href="{relative(page, current)}' + (f'#{frag}"' if frag in ids.get(page, ()) else '"')
    if site.site_url: body = re.sub(f'href="{re.escape(site.site_url.rstrip("/"))}/([^"]*)"', doclink, body)
    return re.sub(r'href="([^":#]+\.ipynb)(#[^"]*)?"', lambda m: f'href="{page_name(m[1])}{m[2] or ""}"', body)

def includes(site:Site, key:str, current:str='index.html')->str:
    """A Quarto include option of `format.html` (`include-after-body`: file paths or `{text: ...}`/`{file: ...}`) as HTML
    in page `current`: its relative links (`site_libs/...`) are written from the site's root, as on a top-level page."""
    items = site.html.get(key) or []
    res = []
    for it in items if isinstance(items, list) else [items]:
        if isinstance(it, dict) and 'text' in it: res.append(str(it['text']))
        else:
            f = site.nbs/(it['file'] if isinstance(it, dict) else str(it))
            try: res.append(f.read_text(encoding='utf-8'))
            except OSError as e: raise BuildError(f'_quarto.yml {key}: cannot read {f} ({e})') from e
    return rooted_links('\n'.join(res), root_of(current))

def heading_anchors(body:str)->str:
    "A `§` link to itself after each h2–h4 that has an id, named by the heading (search leaves `.anchor` out: build.py)."
    def anchor(m):
        return f'<h{m[1]} id="{m[2]}"{m[3]}>{m[4]}<a class="anchor" href="#{m[2]}" aria-labelledby="{m[2]}">§</a></h{m[1]}>'
    return re.sub(r'<h([234])\s+id="([^"]+)"([^>]*)>(.*?)</h\1>', anchor, body, flags=re.S)

def display_math(body:str)->str:
    """Display equations in a box that scrolls sideways when wider than the column; their TeX source (MathML's
    `annotation`, kept for copying and assistive tools) is left out of the search index by build.py."""
    return re.sub(r'(<math display="block".*?</math>)', r'<span class="display-math">\1</span>', body, flags=re.S)

def tight_tables(body:str)->str:
    "Tables without the line breaks pandoc puts around their row and cell tags (insignificant there; pages are lighter)."
    return re.sub(r'\s*(</?(?:table|thead|tbody|tr|th|td)\b[^>]*>)\s*', r'\1', body)

# In the text of a TOC entry, a place to break a long name between its parts: after `.` or `_`, and inside camel case
# (`RunningStats.<wbr>moments`, `Cancel<wbr>Epoch<wbr>Exception`), so that a narrow column never cuts a word mid-way.
_name_joint = re.compile(r'(?<=[a-z0-9])(?=[A-Z])|(?<=\w[._])(?=\w)')

def breakable_names(toc:str)->str:
    "`toc` (HTML) with `<wbr>` at the joints of long names in its text, tags and entities untouched."
    return re.sub(r'(?<=>)[^<&]+(?=<)', lambda m: _name_joint.sub('<wbr>', m[0]), toc)

def render_page(site:Site, page:PageHTML, titles:dict[str, str], ids:dict[str, set[str]], head:str='')->str:
    """The complete HTML of `page`; `titles` and `ids` map every page's href to its title and its element ids; `head`:
    more tags for its <head> (link previews, see meta.py)."""
    cur, order = page.href, [link_target(h) for h in sidebar_hrefs(site.sidebar)]
    return TEMPLATE.substitute(
        page_title=plain(page.title if page.title == site.title else f'{page.title} – {site.title}'),
        root=root_of(cur), site_title=esc(site.title), description=plain(page.description), title=inline(page.title),
        subtitle=f'<p class="description">{inline(page.description)}</p>' if page.description else '',
        navbar=navbar_html(site.navbar, titles, cur), sidebar=sidebar_html(site.sidebar, titles, cur),
        body=tight_tables(display_math(heading_anchors(local_links(page.body, site, ids, cur)))),
        toc=breakable_names(re.sub(r' id="toc-[^"]*"', '', page.toc)), actions=actions_html(site, page.nb),   # the TOC's ids: unused
        prevnext=prevnext_html(order, titles, cur), csp=CSP, head=head, after_body=includes(site, 'include-after-body', cur),
        footer=f'<a href="{esc(site.repo_url)}">{esc(site.github)}</a> · built offline with pandoc and pagefind')
