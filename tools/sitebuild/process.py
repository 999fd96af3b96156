"""nbdev's processing of the notebooks, with the build's own processors around nbdev's, into the build's folder.

`SiteProcessors` is nbdev's `FilterDefaults` with three processors added: `SourceNumbers` first (each cell's number in
the source notebook, before nbdev drops any), then nbdev's own, then `CellViews` (each cell's `CellView`, cells.py,
into its metadata; its Quarto options move there from the source) and `LiveCells` (live/marking.py). The build passes
them to nbdev's `NBProcessor` itself, so settings.ini `procs` names none, and `make quarto` (nbdev_docs) processes with
nbdev's defaults into `_proc/` as nbdev does. The build writes into `_proc/.sitebuild/`: a processed notebook there is
reused while its source is older and its metadata holds the digest of the processors' code, nbdev's version and
settings.ini, so a change to any of them re-processes every notebook.
"""
from __future__ import annotations
import contextlib, copy, hashlib, json, os, shutil
from pathlib import Path

import nbdev
from execnb.nbio import dict2nb, nb2dict, read_nb, write_nb
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.process import Processor
from nbdev.processors import FilterDefaults

from .cells import CellView, KEY, read_view, store, view_of
from .live.marking import LiveCells

HERE = Path(__file__).parent
PROCESSORS = ('cells.py', 'process.py', 'live/marking.py')   # the code of the processors below
FOLDER = '.sitebuild'   # below nbdev's `_proc/`: removed with it, never rendered by Quarto (a dot folder)

class SourceNumbers(Processor):
    "First of all: each cell's number in the source notebook, as Jupyter shows it."
    def begin(self):
        for i, c in enumerate(self.nb.cells, 1): store(c, CellView(i))

class CellViews(Processor):
    "After nbdev's processors: each code cell's view into its metadata, its source left as the code alone."
    def cell(self, cell):
        if cell.cell_type != 'code': return
        v, cell.source = read_view(cell, view_of(cell).number)
        store(cell, v)

class SiteProcessors(FilterDefaults):
    "nbdev's processors for docs, with the build's before and after them."
    def procs(self): return [SourceNumbers, *super().procs(), CellViews, LiveCells]

def processors_digest()->str:
    "What processed notebooks depend on besides their source: the build's processors, nbdev's version, settings.ini."
    h = hashlib.sha256(nbdev.__version__.encode() + get_config().config_file.read_bytes())
    for f in PROCESSORS: h.update((HERE/f).read_bytes())
    return h.hexdigest()

def process_nb(nb)->None:
    "Notebook `nb` (as `execnb.nbio.read_nb` reads it) processed in place."
    with in_test(): SiteProcessors()(nb)

def processed_copy(nb:dict, path:str)->dict:
    "A copy of notebook `nb` (as JSON reads it, named `path` in messages) processed as the build processes it, in memory."
    res = dict2nb({'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5, **copy.deepcopy(nb)})
    res.path_ = path
    process_nb(res)
    return nb2dict(res)

@contextlib.contextmanager
def in_test():
    "`IN_TEST` set, as nbdev's `proc_nbs` sets it while processing (show_doc cells run)."
    old = os.environ.get('IN_TEST')
    os.environ['IN_TEST'] = '1'
    try: yield
    finally:
        if old is None: del os.environ['IN_TEST']
        else: os.environ['IN_TEST'] = old

def fresh(src:Path, dest:Path, digest:str)->bool:
    "Whether `dest` is `src` processed by these processors and not older than it."
    if not dest.exists() or src.stat().st_mtime > dest.stat().st_mtime: return False
    if src.suffix != '.ipynb': return True
    try: return json.loads(dest.read_text(encoding='utf-8')).get('metadata', {}).get(KEY) == digest
    except (OSError, ValueError): return False

def proc_nbs(nbs:Path, force:bool=False)->Path:
    """Every file of notebooks folder `nbs` (listed by nbdev's `nbglob`) into the build's folder: notebooks processed
    by `SiteProcessors`, other files copied; only what changed since, unless `force`. Returns the folder."""
    dest, digest = get_config().config_path/'_proc'/FOLDER, processors_digest()
    if force: shutil.rmtree(dest, ignore_errors=True)
    for src in nbglob(nbs, func=Path, file_glob='', file_re=''):
        d = dest/src.relative_to(nbs)
        if fresh(src, d, digest): continue
        d.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix != '.ipynb':
            shutil.copy2(src, d)
            continue
        nb = read_nb(src)
        process_nb(nb)
        nb.metadata[KEY] = digest
        write_nb(nb, d)
    return dest
