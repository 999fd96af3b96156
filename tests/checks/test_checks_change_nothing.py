"""`make test` (tools/checks.py) changes nothing it checks: generated-file drift is found on a copy of the project, and
the site it tests is built outside `_docs/`."""
import os, shutil

from tools.checks import ROOT, Site, copy_project, digests, drift

def test_an_edited_module_is_named_with_nbdev_export_and_the_edit_stays(tmp_path):
    project = copy_project(ROOT, tmp_path/'project')
    if (ROOT/'_proc').is_dir(): shutil.copytree(ROOT/'_proc', project/'_proc')   # nbdev's cache, as in a working tree
    module = project/'lessons_lib'/'losses.py'
    edited = module.read_text() + '\n# an edit made by hand, not in the notebook\n'
    module.write_text(edited)
    before = digests(project)
    problems = drift(project)
    assert ('nbdev_export', 'lessons_lib/losses.py: not what `nbdev_export` writes: run `nbdev_export` and commit the result') \
        in problems, problems
    assert module.read_text() == edited
    assert digests(project) == before   # nothing else in the project was touched either

def test_the_tested_site_is_built_outside_the_readers_docs(monkeypatch):
    monkeypatch.delenv('SITE_DIR', raising=False)
    site = Site()
    try: assert not site.dir.is_relative_to(ROOT) and site.dir.parent.is_dir()
    finally: site.remove()
    monkeypatch.setenv('SITE_DIR', os.fspath(ROOT/'_docs'))
    assert Site().dir == (ROOT/'_docs').resolve() and Site().tmp is None   # deploy.yaml: tested as built, not rebuilt
