"""The offline site build: the nbdev notebooks and the root `_quarto.yml` rendered into `_docs/` without Quarto.

`python -m tools.sitebuild` builds the site; `python -m tools.sitebuild readme [--check]` writes README.md.
The steps, one module each:
  config    `_quarto.yml` + nbdev.yml (generated from settings.ini) → `Site`
  cells     each cell parsed once into a view carried in its metadata; process: nbdev's processing with the build's processors
  notebook  a processed notebook → Pandoc markdown, honouring the Quarto cell options of each cell's view
  live      the live cells: marking, imports, backends (pyodide)
  pandoc    Pandoc markdown → HTML body and table of contents (or GitHub markdown), with the bundled pandoc 3
  page      navbar, sidebar, TOC and page links around the body (templates and assets in `assets/`)
  build     the whole build: checks, nbdev's processing, cached rendering, search index, swap into place
  readme    README.md from the home notebook
"""

class BuildError(Exception):
    "A build problem with a message that names what to fix (notebook, cell, tool)."
