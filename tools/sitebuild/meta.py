"""The site among other tools: what search engines, link previews and readers' AI tools read, besides the pages.

  head_tags   canonical link, Open Graph and Twitter card tags for a page's <head>
  write_meta  sitemap.xml, robots.txt, 404.html (absolute links: GitHub Pages serves it at any depth), each page's
              notebook for download, a markdown copy of each page (`page.html.md`) and llms.txt (llmstxt.org) listing them
Addresses come from settings.ini (`doc_host` + `doc_baseurl`, which nbdev writes into `site-url`).
"""
from __future__ import annotations
import copy, json, posixpath, re, shutil
from pathlib import Path
from urllib.parse import urlparse
from xml.sax.saxutils import escape

from . import BuildError
from .config import Site
from .notebook import to_markdown
from .page import PageHTML, esc, link_target, plain, render_page, rooted_links
from .pandoc import to_gfm

def site_base(site:Site)->str:
    "The published address of the site's root, ending in `/`."
    if not re.match(r'https?://', site.site_url):
        raise BuildError(f'site-url {site.site_url!r} is not an address: check `doc_host` and `doc_baseurl` in settings.ini')
    return site.site_url.rstrip('/') + '/'

def page_url(site:Site, href:str)->str:
    "The published address of page `href` (the home page is the site's root)."
    return site_base(site) + ('' if href == 'index.html' else href)

def first_figure(body:str)->tuple[str, str]|None:
    "(src, alt) of the first figure of an HTML `body` that the site holds (not a data: or remote image), or None."
    for img in re.finditer(r'<img\b[^>]*>', body):
        src = re.search(r'\bsrc="([^"]+)"', img[0])
        if src and not re.match(r'[a-z]+:|/', src[1]):
            alt = re.search(r'\balt="([^"]*)"', img[0])
            return src[1], alt[1] if alt else ''
    return None

def head_tags(site:Site, page:PageHTML)->str:
    "The canonical link and the Open Graph and Twitter card tags of `page`; a figure makes the card a large image."
    url = page_url(site, page.href)
    tags = [('og:title', page.title), ('og:description', page.description), ('og:site_name', site.title),
            ('og:url', url), ('og:type', 'website' if page.href == 'index.html' else 'article')]
    fig = first_figure(page.body)
    if fig:   # the figure's address is relative to the page, which may sit in a folder
        tags.append(('og:image', site_base(site) + posixpath.normpath(posixpath.join(posixpath.dirname(page.href), fig[0]))))
        if fig[1]: tags.append(('og:image:alt', fig[1]))
    tags.append(('twitter:card', 'summary_large_image' if fig else 'summary'))
    res = [f'<link rel="canonical" href="{esc(url)}">']
    res += [f'<meta {"name" if k.startswith("twitter:") else "property"}="{k}" content="{plain(v)}">' for k, v in tags]
    return '\n'.join(res)

def sitemap(site:Site, hrefs:list[str])->str:
    urls = ''.join(f'  <url><loc>{escape(page_url(site, h))}</loc></url>\n' for h in hrefs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'

def robots(site:Site)->str: return f'User-agent: *\nAllow: /\n\nSitemap: {site_base(site)}sitemap.xml\n'

def not_found_page(site:Site, titles:dict[str, str])->str:
    "404.html: the site's page with navigation and search, its links absolute so that they work at any depth."
    body = ('<p>There is no page at this address. It may have moved: search for it above, or pick a page from the '
            'list on the left.</p>\n<p><a href="index.html">Go to the home page</a></p>')
    page = PageHTML('404.ipynb', 'Page not found', site.title, body, '')
    html = render_page(site, page, titles, {})
    html = re.sub(r'<div class="repo-actions">.*?</div>', '', html, flags=re.S)   # no notebook behind this page
    html = html.replace('<div data-pagefind-body>', '<div>')   # not a search result
    return rooted_links(html, urlparse(site_base(site)).path)

def text_outputs(nb:dict)->dict:
    "A copy of processed notebook `nb` whose outputs show text where they also hold text (no HTML tables)."
    nb = copy.deepcopy(nb)
    for c in nb.get('cells', []):
        for o in c.get('outputs', []):
            d = o.get('data', {})
            if 'text/plain' in d: d.pop('text/html', None)
    return nb

def without_html(gfm:str)->str:
    "GitHub markdown `gfm` without the HTML that pages use: comments, folds (their content stays), `show_doc` source links."
    gfm = re.sub(r'^<!--.*?-->\n', '', gfm, flags=re.M | re.S)
    gfm = re.sub(r'^(<details\b[^>]*>\s*<summary>.*?</summary>|</details>)\n', '', gfm, flags=re.M)
    return re.sub(r'^<a href="([^"]+)"[^>]*>(.*?)</a>$', r'[\2](\1)', gfm, flags=re.M)

def markdown_copy(proc:Path, page:PageHTML)->str:
    "`page` as GitHub markdown from its notebook as nbdev processed it into `proc`: title, description, prose, code, text outputs."
    md = to_markdown(text_outputs(json.loads((proc/page.nb).read_bytes())), page.nb, as_list=True).markdown   # show_doc: lists
    md = re.sub(r'^::: \{\.callout-tip \.live-note[^\n]*\n.*?\n:::\n', '', md, flags=re.S | re.M)   # "press Run" is for the page
    md = re.sub(r'(!\[[^\]]*\]\([^)]*\))\{[^}]*\}', r'\1', md)   # image attributes would become HTML
    body = without_html(to_gfm(md, f'the markdown copy of nbs/{page.nb}')).strip()
    head = f'# {page.title}\n\n' + (f'> {page.description}\n\n' if page.description else '')
    return head + body + '\n'

def llms_txt(site:Site, pages:list[PageHTML])->str:
    "The site for AI tools (llmstxt.org): title, summary, then the sidebar's sections linking to each page's markdown copy."
    by_href = {p.href: p for p in pages}
    def entry(h):
        p = by_href[h]
        return f'- [{p.title.replace("`", "")}]({site_base(site)}{h}.md): {p.description.replace("`", "")}'.rstrip(': ')
    sections, listed = [], set()
    def walk(items, title):
        own = []
        sections.append((title, own))   # before the sections inside it
        for it in items:
            if isinstance(it, dict) and 'contents' in it: walk(it['contents'], it.get('section', 'Pages'))
            else:
                h = link_target(it if isinstance(it, str) else it.get('href', ''))
                if h in by_href and h not in listed: own.append(entry(h)); listed.add(h)
    walk(site.sidebar, 'Start here')
    rest = [entry(p.href) for p in pages if p.href not in listed]
    if rest: sections.append(('Other pages', rest))
    out = [f'# {site.title}', '', f'> {site.description}', '',
           'Lesson notes written and tested as Jupyter notebooks (nbdev): each page explains one topic of the lesson with '
           'code and its stored output. Each link below is a markdown copy of a page (prose, code and text outputs); the '
           f'HTML page is the same address without `.md`, and its notebook can be downloaded from the page. Source: {site.repo_url}', '']
    for title, lines in sections: out += [f'## {title}', '', *lines, ''] if lines else []
    return '\n'.join(out)

def write_meta(site:Site, pages:list[PageHTML], proc:Path, dest:Path, changed:set[str]|None=None)->None:
    """Everything besides the pages that `dest` publishes for other tools (see the module's docstring); the download and
    markdown copy only of the notebooks in `changed` when given (`make serve` after a save: tools/preview)."""
    hrefs = [p.href for p in pages]
    (dest/'sitemap.xml').write_text(sitemap(site, hrefs), encoding='utf-8')
    (dest/'robots.txt').write_text(robots(site), encoding='utf-8')
    (dest/'404.html').write_text(not_found_page(site, {p.href: p.title for p in pages}), encoding='utf-8')
    for p in pages if changed is None else [p for p in pages if p.nb in changed]:
        shutil.copy2(site.nbs/p.nb, dest/p.nb)   # the notebook with its outputs, for "Download notebook"
        (dest/f'{p.href}.md').write_text(markdown_copy(proc, p), encoding='utf-8')
    (dest/'llms.txt').write_text(llms_txt(site, pages), encoding='utf-8')
