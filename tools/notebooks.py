"""Which notebooks the project has and what each is called on the site, by nbdev's own rules; every tool and test
asks here instead of globbing `nbs/` or stripping number prefixes itself."""
from __future__ import annotations
from pathlib import Path

from nbdev.config import get_config
from nbdev.doclinks import _nbpath2html, nbglob

def notebooks(path:str|Path|None=None)->list[Path]:
    "The project's notebooks as nbdev lists them (`nbglob`: settings.ini `nbs_path` and `recursive`, no `_`/`.` names)."
    return sorted(Path(p).absolute() for p in nbglob(path, as_path=True))

def nb_rel(nb:str|Path, nbs:str|Path|None=None)->Path:
    "`nb` relative to the notebooks folder `nbs` (default: settings.ini `nbs_path`); a relative `nb` is taken as given."
    nb = Path(nb)
    return nb.absolute().relative_to(Path(nbs or get_config().nbs_path).absolute()) if nb.is_absolute() else nb

def page_name(nb:str|Path, nbs:str|Path|None=None)->str:
    """The page of notebook `nb`, as nbdev (and so Quarto) names it: the path below `nbs/` kept, the number prefix
    dropped: `00_callbacks.ipynb` → `callbacks.html`, `lesson11/01_callbacks.ipynb` → `lesson11/callbacks.html`."""
    return _nbpath2html(nb_rel(nb, nbs)).as_posix()
