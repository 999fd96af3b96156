"""The library is built on the page in steps: no exported cell of a lesson notebook runs past `MAX_LINES` lines, so that
each step is short enough to read with the words around it (a class grows by `@patch` in the cells after it)."""
import nbformat

from tools.cellref import cell_ref
from tools.cellref import nb_label
from tools.notebooks import notebooks

MAX_LINES = 35   # "about 30": the few longest steps are a signature with one parameter a line, and their checks
EXPORTS = ('#| export', '#| exporti', '#| exports')

def long_steps(nb)->list[str]:
    "Each exported cell of notebook `nb` longer than `MAX_LINES`, named as the notebook tools name cells."
    cells = nbformat.read(nb, as_version=4).cells
    return [f'{cell_ref(nb_label(nb), i, c.source)}: {n} lines' for i, c in enumerate(cells, 1)
            if c.cell_type == 'code' and c.source.split('\n', 1)[0].strip() in EXPORTS and (n := len(c.source.splitlines())) > MAX_LINES]

def test_every_exported_cell_is_a_short_step():
    found = [s for nb in notebooks() for s in long_steps(nb)]
    assert not found, 'split these cells into steps, with words between them:\n' + '\n'.join(found)

def test_a_long_exported_cell_is_named_with_its_cell_number(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('# T'),
                                         nbformat.v4.new_code_cell('#| export\n' + 'x = 1\n' * MAX_LINES)])
    nbformat.write(nb, tmp_path/'long.ipynb')
    assert long_steps(tmp_path/'long.ipynb') == [f'{tmp_path}/long.ipynb, cell 2 (`x = 1`): {MAX_LINES + 1} lines']
