"""README.md (GitHub markdown) from the home notebook, through the same notebook → markdown step as the site."""
from __future__ import annotations
import re
from pathlib import Path

from tools.notebooks import page_name

from . import BuildError
from .build import processed
from .config import load_site
from .notebook import to_markdown
from .pandoc import to_gfm

def readme_text()->tuple[str, dict[str, bytes]]:
    "README.md's text and the figures it refers to (paths relative to the project root)."
    site = load_site()
    nb = site.readme_nb
    if not (site.nbs/nb).exists(): raise BuildError(f'{site.nbs/nb} does not exist (settings.ini `readme_nb`)')
    page = to_markdown(processed(site, nb), nb)
    head = f"# {page.meta['title']}\n\n" + (f"> {page.meta['description']}\n\n" if page.meta.get('description') else '')
    md = to_gfm(page.markdown, f'nbs/{nb}')
    # links between notebooks point at the published pages (the notebooks are not next to README.md)
    md = re.sub(r'\]\(([^)\s:#]+\.ipynb)(#[^)\s]*)?\)', lambda m: f']({site.site_url.rstrip("/")}/{page_name(m[1])}{m[2] or ""})', md)
    return head + md, page.files

def readme(check:bool=False)->str:
    "Write README.md (and its figures); with `check`, only compare and raise `BuildError` when it differs."
    text, files = readme_text()
    path = Path('README.md')
    if check:
        stale = [p for p, b in [(str(path), text.encode()), *files.items()] if not Path(p).exists() or Path(p).read_bytes() != b]
        if stale: raise BuildError(f'{", ".join(stale)} out of date with nbs/{load_site().readme_nb}: '
                                   'run `python -m tools.sitebuild readme` and commit the result')
        return 'README.md is up to date'
    path.write_text(text)
    for f, data in files.items():
        Path(f).parent.mkdir(parents=True, exist_ok=True)
        Path(f).write_bytes(data)
    return f'wrote README.md{f" and {len(files)} figures" if files else ""}'
