"The notebook check (tools/nbcheck.py): what it masks, what it compares and how, how it reports, and how it is run."
import json, subprocess, sys

import nbformat
import pytest

from tools.cellref import ROOT, cell_ref
from tools.nbcheck import check_nb, check_nbs, outputs_text, sanitize, update_nb

def test_sanitize_masks_what_varies_between_runs():
    assert sanitize('<Foo object at 0x7f3a2b1c9d90>') == '<Foo object>'
    assert sanitize('epoch 1 took 3.25 s, 120ms per batch') == 'epoch 1 took TIME, TIME per batch'
    assert sanitize('00:03 <00:12') == 'CLOCK <CLOCK'
    assert sanitize('saved /tmp/tmpab12/x.pt') == 'saved /tmp/PATH'
    assert sanitize('variance 47.1875') == 'variance 47.1875'   # numbers that are not timings stay
    link = '[source](https://github.com/{}/lessons_lib/blob/main/lessons_lib/stats.py#L{})'
    assert sanitize(link.format('a', 52)) == sanitize(link.format('fork', 61)) != sanitize(link.replace('stats', 'losses'))

def test_outputs_text_merges_streams_and_skips_images():
    outs = [{'output_type': 'stream', 'name': 'stdout', 'text': 'a\n'},
            {'output_type': 'stream', 'name': 'stdout', 'text': 'b\n'},
            {'output_type': 'display_data', 'data': {'image/png': 'iVBOR...', 'text/plain': '<Figure size 640x480>'}},
            {'output_type': 'error', 'ename': 'ValueError', 'evalue': 'bad'}]
    assert outputs_text(outs) == '[stdout] a\nb\n\n[text/plain] <Figure size 640x480>\n[error] ValueError: bad'

def write_nb(path, *sources, outputs:dict|None=None):
    "A notebook of a title cell, a markdown cell and code cells `sources`; `outputs`: {code cell index: stdout text}."
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell('# T\n> d'), nbformat.v4.new_markdown_cell('Some text.')]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    for i, text in (outputs or {}).items(): nb.cells[2 + i].outputs = [nbformat.v4.new_output('stream', name='stdout', text=text)]
    nbformat.write(nb, path)
    return path

def edit(fn, i:int, source:str):
    "Change the source of cell `i` (0-based, all kinds) of notebook `fn` and leave its stored output."
    nb = nbformat.read(fn, as_version=4)
    nb.cells[i].source = source
    nbformat.write(nb, fn)

def test_fresh_outputs_pass_and_a_stale_cell_is_named_as_jupyter_numbers_it(tmp_path):
    fn = write_nb(tmp_path/'demo.ipynb', "print('hello')", '6*7')
    update_nb(fn)
    res = check_nb(fn)
    assert res.ok and res.cells_run == 2, res.report()
    edit(fn, 3, '6*8')                        # the code changed, the stored output did not
    res = check_nb(fn)
    assert not res.ok and f'{fn}, cell 4 (`6*8`)' in res.report() and '42 → 48' in res.report() and '+[text/plain] 48' in res.report()
    assert f'make outputs NB={fn}' in res.report()

@pytest.mark.parametrize('stored,fresh,ok', [
    ('0.2468', '0.2469', True),         # the last printed digit, from rounding
    ('4.8e-07', '4.9e-07', True),
    ('6.25', '6.3125', False),          # a real change
    ('4.8e-07', '7.2e-07', False),
    ('1.0000', '1.0100', False),        # 1%
    ('3', '4', False),                  # integers are exact
    ('tensor([ 0.1000, -0.0000])', 'tensor([0.1000, 0.0000])', True),   # a sign of zero moves the padding
    ('loss 0.5 after 3 epochs', 'loss 0.5 after 3 epoch', False),       # a changed word
    ('a 1\nb 2', 'a 1', False),                                         # a missing line
])
def test_numbers_compare_within_their_printed_digits(tmp_path, stored, fresh, ok):
    fn = write_nb(tmp_path/'n.ipynb', f'print({fresh!r})', outputs={0: stored + '\n'})
    res = check_nb(fn)
    assert res.ok == ok, res.report()

def test_a_declared_tolerance_widens_that_cell_only(tmp_path):
    why = '#| tolerance 3% a training run drifts apart between machines\n'
    fn = write_nb(tmp_path/'t.ipynb', why + "print('acc 0.9100')", "print('acc 0.9100')",
                  outputs={0: 'acc 0.9170\n', 1: 'acc 0.9170\n'})
    res = check_nb(fn)
    assert 'cell 3' not in res.report() and f'{fn}, cell 4' in res.report() and '0.9170 → 0.9100' in res.report()
    edit(fn, 2, why + "print('acc 0.8500')")   # 7%: beyond what the cell declared
    assert f'{fn}, cell 3' in check_nb(fn).report()

@pytest.mark.parametrize('directive,problem', [('#| tolerance 3%', 'needs its reason'), ('#| tolerance a lot', 'needs a percentage'),
                                               ('#| tolerance 80% the numbers vary', 'at most 50%')])
def test_a_malformed_tolerance_is_named(tmp_path, directive, problem):
    fn = write_nb(tmp_path/'m.ipynb', directive + "\nprint('x')", outputs={0: 'x\n'})
    assert problem in check_nb(fn).report() and f'{fn}, cell 3' in check_nb(fn).report()

def test_a_stale_output_and_a_later_failing_test_are_both_reported(tmp_path):
    "Each with its cell: the diff does not hide the assertion (nor the assertion the diff)."
    fn = write_nb(tmp_path/'both.ipynb', 'x = 7.36\nprint(x)', 'assert x == 5.875, x', outputs={0: '5.875\n'})
    report = check_nb(fn).report()
    assert f'{fn}, cell 3 (`x = 7.36`)' in report and '5.875 → 7.36' in report
    assert f'{fn}, cell 4 (`assert x == 5.875, x`) raised AssertionError' in report and 'AssertionError: 7.36' in report

def test_slow_cells_keep_their_outputs_and_errors_name_the_cell(tmp_path):
    fn = write_nb(tmp_path/'slow.ipynb', "#| slow\nprint('long experiment')", "raise ValueError('boom')",
                  outputs={0: 'stored long result\n'})
    res = check_nb(fn)
    assert f'{fn}, cell 4 (`raise ValueError(' in res.report() and 'raised ValueError' in res.report() and 'boom' in res.report()
    assert 'cell 3' not in res.report() and res.cells_run == 1
    assert check_nb(fn, force_flags=('slow',)).report().count('cell 3') == 1   # --flags slow runs it

def test_update_names_the_cell_that_raised_and_stores_nothing(tmp_path):
    fn = write_nb(tmp_path/'u.ipynb', "print('a')", "raise ValueError('boom')")
    before = fn.read_bytes()
    with pytest.raises(RuntimeError) as e: update_nb(fn)
    assert f'{fn}, cell 4 (`raise ValueError(' in str(e.value) and 'ValueError: boom' in str(e.value)
    assert fn.read_bytes() == before

@pytest.mark.parametrize('method', ['fork', 'spawn', 'forkserver'])
def test_a_changed_stored_number_fails_under_every_start_method(tmp_path, method):
    good = write_nb(tmp_path/'good.ipynb', "print('6.25')", outputs={0: '6.25\n'})
    bad = write_nb(tmp_path/'bad.ipynb', "print('6.3125')", outputs={0: '6.25\n'})
    res = check_nbs([good, bad], n_workers=2, method=method)
    assert [r.ok for r in res] == [True, False] and '6.25 → 6.3125' in res[1].report()

def nbcheck(*args, cwd=ROOT):
    return subprocess.run([sys.executable, '-m', 'tools.nbcheck', *args], cwd=cwd, capture_output=True, text=True)

def test_the_command_line_honours_its_options(tmp_path):
    out = tmp_path/'results.json'
    p = nbcheck('--path', 'nbs/01_data_model.ipynb', '--n_workers', '2', '--timing', '--json', str(out))
    assert p.returncode == 0, p.stdout + p.stderr
    results = json.loads(out.read_text())
    assert [r['nb'] for r in results] == ['nbs/01_data_model.ipynb'] and results[0]['cells_run'] > 0
    assert 'nbs/01_data_model.ipynb:' in p.stdout and ' s, ' in p.stdout          # --timing
    p = nbcheck('--help')
    assert p.returncode == 0 and p.stdout.startswith('usage: python -m tools.nbcheck') and '--path' in p.stdout
    p = nbcheck('--path', 'nbs/no_such.ipynb')
    assert p.returncode == 2 and 'no notebook matches --path nbs/no_such.ipynb' in p.stderr

def test_cell_ref_names_notebook_number_and_first_line():
    assert cell_ref('nbs/a.ipynb', 3, '#| export\n\ndef f(x): pass\n') == 'nbs/a.ipynb, cell 3 (`def f(x): pass`)'
    assert cell_ref('nbs/a.ipynb', 1, 'x' * 80).endswith('…`)')
    assert cell_ref('nbs/a.ipynb', 2, 'r\frac{1}{n}\nmore') == 'nbs/a.ipynb, cell 2 (`r\frac{1}{n}`)'   # a form-feed inside
