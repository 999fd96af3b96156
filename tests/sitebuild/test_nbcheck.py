"The stored-output check (nbdev's test_nb in OutputCheckingShell): what it masks, what it compares, how it reports."
import os, platform, subprocess, sys

import nbformat
import pytest

from tools.nbcheck import X86_64, check_nb, outputs_text, reproducible_env, sanitize, update_nb

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

def _nb(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell('# T\n> d'), nbformat.v4.new_markdown_cell('Some text.')]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path

def test_check_passes_on_fresh_outputs_and_names_a_stale_cell_as_jupyter_numbers_it(tmp_path):
    fn = _nb(tmp_path/'demo.ipynb', "print('hello')", '6*7')
    update_nb(fn)
    assert check_nb(fn) == (True, '')
    nb = nbformat.read(fn, as_version=4)
    nb.cells[3].source = '6*8'                      # the code changed, the stored output did not
    nbformat.write(nb, fn)
    ok, report = check_nb(fn)
    assert not ok and f'{fn}, cell 4 (`6*8`)' in report and '+[text/plain] 48' in report
    assert f'make outputs NB={fn}' in report

def test_slow_cells_keep_their_outputs_and_errors_name_the_cell(tmp_path):
    fn = _nb(tmp_path/'slow.ipynb', "#| slow\nprint('long experiment')", "raise ValueError('boom')")
    nb = nbformat.read(fn, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output('stream', name='stdout', text='stored long result\n')]
    nbformat.write(nb, fn)
    ok, report = check_nb(fn)
    assert not ok and f'{fn}, cell 4 (`raise ValueError(' in report and 'raised ValueError' in report and 'boom' in report
    assert 'cell 3' not in report

def test_cell_ref_names_notebook_number_and_first_line():
    from tools.cellref import cell_ref
    assert cell_ref('nbs/a.ipynb', 3, '#| export\n\ndef f(x): pass\n') == 'nbs/a.ipynb, cell 3 (`def f(x): pass`)'
    assert cell_ref('nbs/a.ipynb', 1, 'x' * 80).endswith('…`)')

def test_cell_ref_lines_end_only_at_a_newline():
    from tools.cellref import cell_ref
    assert cell_ref('nbs/a.ipynb', 3, '#| export\n\ndef f(x): pass\n') == 'nbs/a.ipynb, cell 3 (`def f(x): pass`)'
    assert cell_ref('nbs/a.ipynb', 2, 'r\frac{1}{n}\nmore') == 'nbs/a.ipynb, cell 2 (`r\frac{1}{n}`)'   # a form-feed inside

def test_notebooks_run_on_one_thread_and_on_x86_64_on_avx2_code_paths():
    assert reproducible_env('aarch64') == {'OMP_NUM_THREADS': '1'}
    assert reproducible_env('x86_64') == {'OMP_NUM_THREADS': '1', 'ATEN_CPU_CAPABILITY': 'avx2', 'MKL_CBWR': 'AVX2',
                                          'ONEDNN_MAX_CPU_ISA': 'AVX2'}

@pytest.mark.skipif(platform.machine().lower() not in X86_64, reason='the AVX2 pin applies to x86-64 processors only')
def test_torch_takes_the_avx2_kernels_in_that_environment():
    "On an AVX-512 machine too (the stored outputs of a trained model reproduce only on the same code paths)."
    code = 'import torch; print(torch.backends.cpu.get_cpu_capability(), torch.get_num_threads())'
    out = subprocess.run([sys.executable, '-c', code], env={**os.environ, **reproducible_env()}, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ['AVX2', '1'], out.stdout + out.stderr
