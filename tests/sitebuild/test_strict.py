"The strict build: a problem in a notebook stops `make site` with a message naming notebook, cell and fix; the cache heals."
import json, os, shutil, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))

from tools.sitebuild.build import cached  # noqa: E402
from tools.sitebuild.strict import notebook_problems, sidebar_problems  # noqa: E402
FIX = ROOT/'tests'/'fixtures'/'sitebuild'

def md(src): return {'cell_type': 'markdown', 'metadata': {}, 'source': src}
def code(src, *outputs): return {'cell_type': 'code', 'metadata': {}, 'source': src, 'outputs': list(outputs), 'execution_count': None}
def html(s): return {'output_type': 'display_data', 'metadata': {}, 'data': {'text/html': s, 'text/plain': 'x'}}
def problems(*cells): return notebook_problems({'cells': [md('# T'), *cells]}, 'nbs/x.ipynb', {'slow'})

def test_a_clean_notebook_has_no_problems():
    assert problems(md('## A\n\n::: {.callout-tip}\nhi\n:::'), code('#| export\n#| slow\n#| fig-alt: a\nx\tand_tab = 1')) == []

@pytest.mark.parametrize('cell, words', [
    (md('r\x0crac'), ['cell 2 (`r␌rac`)', 'U+000C']),
    (md('a\tb'), ['cell 2', 'U+0009']),
    (code('#| colour: red\nx = 1'), ['cell 2 (`x = 1`)', '`#| colour: red`', 'fig-alt']),
    (code('print(1)', {'output_type': 'stream', 'name': 'stdout', 'text': 'a\rb'}), ['cell 2', 'U+000D', 'make outputs NB=nbs/x.ipynb']),
    (code('x', html('<meta http-equiv="refresh" content="0; url=https://example.com">')), ['cell 2', '<meta http-equiv>']),
    (code('x', html('<base href="https://example.com/">')), ['<base>']),
    (code('x', html('<script src="https://cdn.example.com/a.js"></script>')), ['loads from another host']),
    (code('x', html('<img src=//example.com/a.png>')), ['loads from another host']),
    (md('::: {.column-margin}\nhi\n:::'), ['cell 2', '`::: {.column-margin}`', '.callout-note']),
    (md('See @fig-one.'), ['cross-reference']),
    (md('{{< video a.mp4 >}}'), ['shortcode']),
])
def test_problems_name_the_cell_and_the_fix(cell, words):
    ps = problems(cell)
    assert len(ps) == 1, ps
    assert ps[0].startswith('nbs/x.ipynb, cell 2') and all(w in ps[0] for w in words), ps[0]

def test_links_in_outputs_are_not_loads():
    assert problems(code('x', html('<a href="https://example.com">a link</a> <img src="data:image/png;base64,AA">'))) == []

def test_sidebar_both_ways():
    assert sidebar_problems(['a.ipynb', 'b.ipynb'], ['a.ipynb', 'c.ipynb', 'page.html']) == [
        'nbs/b.ipynb is not in the sidebar: add it to `website.sidebar.contents` in _quarto.yml',
        '_quarto.yml lists c.ipynb in the sidebar, but nbs/c.ipynb does not exist: remove the entry or restore the notebook']

# The whole build, on a fresh copy of the fixture project per test: each test breaks it in one way.
@pytest.fixture
def project(tmp_path):
    shutil.copytree(FIX/'nbs', tmp_path/'nbs')
    shutil.copy(FIX/'settings.ini', tmp_path)
    shutil.copy(FIX/'_quarto.yml', tmp_path/'nbs'/'_quarto.yml')
    return tmp_path

def sitebuild(project:Path)->subprocess.CompletedProcess:
    env = {**os.environ, 'PYTHONPATH': str(ROOT)}
    return subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet'], cwd=project, capture_output=True, text=True, env=env)

def edit(project:Path, nb:str, number:int, source:str):
    "Replace the source of cell `number` (1-based) of fixture notebook `nb`."
    p = project/'nbs'/nb
    d = json.loads(p.read_text())
    d['cells'][number-1]['source'] = source
    p.write_text(json.dumps(d))

@pytest.mark.parametrize('number, source, words', [
    (2, 'Welcome. A form-feed: \x0crac{1}{n}.', ['nbs/index.ipynb, cell 2 (`Welcome. A form-feed: ␌rac{1}{n}.`)', 'U+000C', 'retype']),
    (2, 'Broken math: $\\frac{1}{$ here.', ['nbs/index.ipynb, cell 2 (`Broken math', '\\frac{1}{', 'fix the TeX']),
    (3, "#| colour: red\nprint('home-output')", ["nbs/index.ipynb, cell 3 (`print('home-output')`)", '`#| colour: red`']),
])
def test_a_broken_cell_fails_the_build_naming_notebook_and_cell(project, number, source, words):
    edit(project, 'index.ipynb', number, source)
    p = sitebuild(project)
    assert p.returncode == 1 and all(w in p.stderr for w in words), p.stderr
    assert not (project/'_docs').exists()

def test_an_unlisted_notebook_fails_the_build(project):
    shutil.copy(project/'nbs'/'01_page.ipynb', project/'nbs'/'02_extra.ipynb')
    p = sitebuild(project)
    assert p.returncode == 1 and 'nbs/02_extra.ipynb is not in the sidebar' in p.stderr, p.stderr

def test_a_corrupt_cache_entry_is_rebuilt(project):
    assert sitebuild(project).returncode == 0
    entries = list((project/'_proc'/'.sitebuild-cache').glob('*.json'))
    assert len(entries) == 2
    entries[0].write_text(entries[0].read_text()[:100])   # truncated, as by a killed build
    entries[1].write_text('{"nb": 1}')                      # valid JSON, not an entry
    assert cached(entries[0]) is None and cached(entries[1]) is None
    p = sitebuild(project)
    assert p.returncode == 0 and '2 rendered' in p.stdout, p.stderr
    assert all(cached(e) is not None for e in entries)

def test_nbdev_warning_about_a_mixed_cell_names_the_cell(tmp_path):
    from tools.sitebuild.build import nbdev_warnings
    nb = tmp_path/'02_x.ipynb'
    nb.write_text(json.dumps({'cells': [md('# T'), code('import os\nx = os.sep')]}))
    found = 'Found cells containing imports and other code. See FAQ.'
    log = (f"/v/nbdev/processors.py:233: UserWarning: {found}\n---\nimport os\nx = os.sep\n---\n\n"
           f"  warn(f'{found}\\n---\\n{{cell.source}}\\n---\\n')\n")
    assert nbdev_warnings(log, {'nbs/02_x.ipynb': nb}) == (
        'warning: nbs/02_x.ipynb, cell 2 (`import os`) mixes imports and other code; nbdev runs such cells to render show_doc: '
        'move the imports into a cell of their own')

def test_the_table_of_lessons_follows_the_sidebar():
    from tools.sitebuild.strict import lessons_table_problems
    table = lambda *rows: {'cells': [{'cell_type': 'markdown', 'source': '# Home'},
                                     {'cell_type': 'markdown', 'source': '## The lessons\n\n| Page | What |\n|---|---|\n'
                                      + ''.join(f'| [{t}]({h}) | x |\n' for t, h in rows)}]}
    titles = {'00_a.ipynb': 'A', '01_b.ipynb': 'B'}
    fine = table(('A', '00_a.ipynb'), ('B', '01_b.ipynb'))
    assert lessons_table_problems(fine, 'nbs/index.ipynb', ['00_a.ipynb', '01_b.ipynb'], titles) == []
    assert lessons_table_problems({'cells': []}, 'nbs/index.ipynb', ['00_a.ipynb'], titles) == []   # no table: no rule
    [missing] = lessons_table_problems(table(('A', '00_a.ipynb')), 'nbs/index.ipynb', ['00_a.ipynb', '01_b.ipynb'], titles)
    assert missing.startswith('nbs/index.ipynb, cell 2 (`## The lessons`): the table of lessons has no row for 01_b.ipynb')
    assert missing.endswith('then `.venv/bin/python -m tools.sitebuild readme`')
    [extra] = lessons_table_problems(fine, 'nbs/index.ipynb', ['00_a.ipynb'], titles)
    assert 'links 01_b.ipynb, which the sidebar does not list' in extra
    both = ['00_a.ipynb', '01_b.ipynb']
    [order] = lessons_table_problems(table(('B', '01_b.ipynb'), ('A', '00_a.ipynb')), 'nbs/index.ipynb', both, titles)
    assert 'another order than the sidebar (00_a.ipynb, 01_b.ipynb)' in order
    [title] = lessons_table_problems(table(('A', '00_a.ipynb'), ('Bee', '01_b.ipynb')), 'nbs/index.ipynb', both, titles)
    assert 'calls 01_b.ipynb "Bee", its title is "B"' in title
