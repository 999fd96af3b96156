"""The offline site build: the nbdev notebooks and the root `_quarto.yml` rendered into `_docs/` without Quarto.

`python -m tools.sitebuild` builds the site; `python -m tools.sitebuild readme [--check]` writes README.md.
The steps, one module each:
  config    `_quarto.yml` + nbdev.yml (generated from settings.ini) → `Site`
  notebook  a processed notebook (nbdev's `_proc/`) → Pandoc markdown, honouring the Quarto cell options
  pandoc    Pandoc markdown → HTML body and table of contents (or GitHub markdown), with the bundled pandoc 3
  page      navbar, sidebar, TOC and page links around the body (templates and assets in `assets/`)
  build     the whole build: checks, nbdev's processing, cached rendering, search index, swap into place
  readme    README.md from the home notebook
"""

class BuildError(Exception):
    "A build problem with a message that names what to fix (notebook, cell, tool)."
