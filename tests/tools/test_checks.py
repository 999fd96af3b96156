"`make test` changes nothing it checks: generators run on a copy, so an uncommitted edit survives a failing check."
import subprocess

from tools.checks import GENERATORS, hygiene

def test_drift_is_reported_and_the_edit_is_kept(clone):
    "nbdev_clean and nbdev_export (the README generator is checked the same way, and takes longer)."
    lib, nb = clone/'lessons_lib'/'losses.py', clone/'nbs'/'04_softmax.ipynb'
    edited_lib = lib.read_text() + '\n# an edit by hand\n'
    edited_nb = nb.read_text().replace('"cells": [', '"cells": [{"cell_type": "code", "execution_count": 3, '
                                       '"id": "abc", "metadata": {}, "outputs": [], "source": ["1"]},', 1)
    lib.write_text(edited_lib)
    nb.write_text(edited_nb)
    n, failed, report = hygiene(clone, GENERATORS[:2])
    assert (n, failed) == (2, 2), report
    assert 'lessons_lib/losses.py: not what `.venv/bin/nbdev_export` makes' in report and 'run `.venv/bin/nbdev_export`' in report
    assert 'nbs/04_softmax.ipynb: not what `.venv/bin/nbdev_clean` makes' in report and 'run `.venv/bin/nbdev_clean`' in report
    assert lib.read_text() == edited_lib and nb.read_text() == edited_nb
    assert subprocess.run(['git', 'status', '--porcelain'], cwd=clone, capture_output=True, text=True).stdout.split() == \
        ['M', 'lessons_lib/losses.py', 'M', 'nbs/04_softmax.ipynb']

def test_steps_that_need_a_failed_step_are_skipped_with_one_line(capsys):
    "A broken site build is one failure: the steps that need the site say so in a line each, and the others run."
    from tools.checks import SITE, Tally, run_steps
    ran = []
    def step(name, n, bad):
        def fn(): ran.append(name); return n, bad, f'{name} ran'
        return fn
    tally = Tally()
    run_steps(tally, [(SITE, step(SITE, 1, 1), (), set()), ('browser', step('browser', 9, 0), (), {SITE}),
                      ('after browser', step('after browser', 1, 0), (), {'browser'}), ('library', step('library', 3, 0), (), set())])
    out = capsys.readouterr().out
    assert sorted(ran) == sorted([SITE, 'library']) and (tally.passed, tally.failed) == (3, 1)
    assert '--- skipped: browser: the site did not build' in out and '--- skipped: after browser: browser failed' in out
    assert 'browser ran' not in out
