"""The cell view (tools/sitebuild/cells.py) through the build's processing, the processed notebooks' dependence on the
processors' code, and the live backends' interface."""
import json
from pathlib import Path

import pytest

from tools.sitebuild.cells import source_views, text, view_of
from tools.sitebuild.live import install_live, notebook_live_cells
from tools.sitebuild.live.backends import Backend, backend
from tools.sitebuild.process import PROCESSORS, fresh, processed_copy, processors_digest

code = lambda src: {'cell_type': 'code', 'metadata': {}, 'outputs': [], 'source': src}  # noqa: E731
md = lambda src: {'cell_type': 'markdown', 'metadata': {}, 'source': src}  # noqa: E731
LIVE_PAGE = {'cells': [{'cell_type': 'raw', 'metadata': {}, 'source': '---\nlive: true\n---'}, md('# T\n> d'),
                       code('#| hide\nimport os'), code('x = 1'), code('#| exports\ndef f(): return 2'),
                       code('#| classes: colab\n#| fig-alt: "a: b"\ny = 2'), code('#| echo: false\nz = 3')]}

def test_the_view_survives_processing_with_source_numbers():
    nb = processed_copy(LIVE_PAGE, 'p.ipynb')
    views = {text(c['source']): view_of(c) for c in nb['cells'] if c['cell_type'] == 'code'}
    assert 'import os' not in views   # nbdev dropped the hidden cell; the numbers still count it
    assert views['x = 1'].number == 4 and views['x = 1'].classes == ['live'] and views['x = 1'].shown
    f = views['def f(): return 2']
    assert f.number == 5 and f.exported and 'exports' in f.directives and f.classes == []
    assert views['y = 2'].options == {'classes': 'colab', 'fig-alt': 'a: b'} and views['y = 2'].classes == ['colab']
    assert not views['z = 3'].shown and views['z = 3'].number == 7

def test_a_source_notebook_is_read_through_the_same_view():
    views = source_views(LIVE_PAGE)
    assert [v.number for v in views] == list(range(1, 8))
    assert views[2].directives == {'hide': []} and views[4].exported and views[5].options['fig-alt'] == 'a: b'

def test_live_cells_are_named_by_their_source_number(tmp_path):
    nbs, proc = tmp_path/'nbs', tmp_path/'proc'
    nbs.mkdir(); proc.mkdir()
    (nbs/'p.ipynb').write_text(json.dumps(LIVE_PAGE))
    (proc/'p.ipynb').write_text(json.dumps(processed_copy(LIVE_PAGE, 'p.ipynb')))
    assert notebook_live_cells(nbs, ['p.ipynb'], proc) == {'p.ipynb': [
        ('nbs/p.ipynb, cell 4 (`x = 1`)', 'x = 1'), ('nbs/p.ipynb, cell 5 (`def f(): return 2`)', 'def f(): return 2')]}

def test_a_change_to_the_processors_code_makes_processed_notebooks_stale(tmp_path, monkeypatch):
    import tools.sitebuild.process as process
    src, dest = tmp_path/'a.ipynb', tmp_path/'out.ipynb'
    src.write_text('{}')
    dest.write_text(json.dumps({'metadata': {'sitebuild': processors_digest()}}))
    assert fresh(src, dest, processors_digest())
    here = tmp_path/'code'
    for f in PROCESSORS: (here/f).parent.mkdir(parents=True, exist_ok=True); (here/f).write_bytes((process.HERE/f).read_bytes())
    monkeypatch.setattr(process, 'HERE', here)
    assert processors_digest() == json.loads(dest.read_text())['metadata']['sitebuild']
    (here/'live'/'marking.py').write_text((here/'live'/'marking.py').read_text() + '\n# changed\n')
    assert not fresh(src, dest, processors_digest())

class Recording:
    "A backend that records what it was asked to install."
    name = 'recording'
    def __init__(self): self.calls = []
    def install(self, site_dir:Path, cells)->int:
        self.calls.append((site_dir, cells))
        return len(cells)

def test_backends_share_one_interface(tmp_path, monkeypatch):
    assert isinstance(backend('pyodide'), Backend) and backend('pyodide').name == 'pyodide'
    assert isinstance(backend('kernel'), Backend) and backend('kernel').name == 'kernel'   # make live's (tools/live)
    with pytest.raises(KeyError): backend('elsewhere')
    rec = Recording()
    assert isinstance(rec, Backend)
    monkeypatch.setattr('tools.sitebuild.live.backend', lambda name: rec)
    assert install_live(tmp_path, {}) == 0 and rec.calls == []   # a site without live cells gets nothing
    assert install_live(tmp_path, {'p.ipynb': [('ref', 'x = 1')]}, 'recording') == 1 and rec.calls[0][0] == tmp_path
