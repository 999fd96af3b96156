"The offline site build (tools/sitebuild) on small fixture notebooks: cell options, errors, staging, README drift."
import hashlib, json, os, re, shutil, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))   # `tools` is not installed: import it from the checkout

from tools.sitebuild import BuildError, build, pandoc  # noqa: E402
from tools.sitebuild.build import check_notebook, staged  # noqa: E402
from tools.sitebuild.cells import split_options  # noqa: E402
from tools.sitebuild.notebook import to_markdown  # noqa: E402
from tools.sitebuild.process import processed_copy  # noqa: E402
from tools.sitebuild.pandoc import to_gfm, to_html  # noqa: E402
from tools.notebooks import page_name  # noqa: E402
from tools.sitebuild.config import Site  # noqa: E402
from tools.sitebuild.page import inline, local_links  # noqa: E402
FIX = ROOT/'tests'/'fixtures'/'sitebuild'

@pytest.fixture(scope='module')
def options():
    "The options fixture notebook rendered: (page, body html)."
    page = to_markdown(processed_copy(json.loads((FIX/'options.ipynb').read_text()), 'options.ipynb'), 'options.ipynb')
    body, toc = to_html(page.markdown, 'options.ipynb')
    return page, body, toc

def test_cell_options_are_read_and_removed():
    opts, code = split_options('#| echo: false\n#| fig-cap: "A cap"\n#| code-fold: show\n#| exports\nx = 1')
    assert opts == {'echo': False, 'fig-cap': 'A cap', 'code-fold': 'show'}
    assert code == 'x = 1'

def test_front_matter_is_the_page_metadata(options):
    page, _, _ = options
    assert page.meta['title'] == 'Cell options' and page.meta['description'].startswith('Every option')
    assert 'output-file' not in page.markdown

def test_echo_false_hides_the_code_and_keeps_the_output(options):
    _, body, _ = options
    assert 'echo-hidden-source' not in body and 'echo-visible-output' in body

def test_output_false_hides_the_output_and_keeps_the_code(options):
    _, body, _ = options
    assert 'output-hidden-source' in body and 'output-hidden-output' not in body

def test_output_asis_is_page_markdown(options):
    _, body, _ = options
    assert '<strong>asis-bold</strong>' in body

def test_include_false_hides_the_cell(options):
    _, body, _ = options
    assert 'include-source' not in body and 'include-output' not in body

def test_code_fold_becomes_details(options):
    _, body, _ = options
    assert '<details class="code-fold"><summary>Show the fold</summary>' in body
    assert '<details class="code-fold" open><summary>Code</summary>' in body
    assert body.index('Show the fold') < body.index('folded_source')

def test_fig_cap_makes_a_figure_with_its_image_file(options):
    page, body, _ = options
    path = 'options_files/figure-html/cell-9-output-1.png'
    assert page.files[path].startswith(b'\x89PNG')
    assert re.search(f'<figure>\\s*<img src="{path}"', body) and re.search('<figcaption[^>]*>A small figure</figcaption>', body)

def test_error_true_shows_the_error_without_ansi_codes(options):
    _, body, _ = options
    assert 'cell-output-error' in body and 'ZeroDivisionError: division by zero' in body and '\x1b' not in body

def test_html_and_markdown_outputs(options):
    _, body, _ = options
    assert '<b class="html-out">html-out</b>' in body and '<em>markdown-out</em>' in body

def test_math_footnotes_callouts_toc(options):
    _, body, toc = options
    assert '<math' in body and 'a^2 + b' in body                 # MathML with its TeX annotation
    assert 'class="footnotes' in body and 'The footnote text.' in body
    assert '<div class="callout callout-tip">' in body and 'Tip title' in body and 'A tip body.' in body
    assert re.search(r'<a href="#a-section-of-the-page"[^>]*>A\s+section of the page</a>', toc), toc
    assert 'id="a-section-of-the-page"' in body and 'Tip title' not in toc   # a callout's title is no section

def test_gfm_for_the_readme(options):
    page, _, _ = options
    md = to_gfm(page.markdown, 'options.ipynb')
    assert '> [!TIP]' in md and 'echo-visible-output' in md and ':::' not in md

def test_stored_error_is_named_with_notebook_and_cell():
    with pytest.raises(BuildError) as e: check_notebook(FIX/'error.ipynb')
    msg = str(e.value)
    assert 'error.ipynb, cell 3 (`raise ValueError' in msg and 'ValueError: boom' in msg and 'make outputs NB=' in msg

def test_error_true_is_not_a_build_error():
    assert check_notebook(FIX/'options.ipynb')[0]['cells']

@pytest.mark.parametrize('content,problem', [('{"cells": [', 'not a readable notebook'), ('[1, 2]', 'no list of cells'),
                                             ('{"cells": [{"source": "x"}]}', 'cell 1 is malformed')])
def test_malformed_notebook_is_named(tmp_path, content, problem):
    bad = tmp_path/'bad.ipynb'
    bad.write_text(content)
    with pytest.raises(BuildError, match=problem) as e: check_notebook(bad)
    assert 'bad.ipynb' in str(e.value)

def test_staged_output_replaces_only_on_success(tmp_path):
    out = tmp_path/'_docs'
    out.mkdir()
    (out/'index.html').write_text('previous')
    with pytest.raises(RuntimeError), staged(out) as tmp:
        (tmp/'index.html').write_text('half-built')
        raise RuntimeError('the build failed here')
    assert (out/'index.html').read_text() == 'previous'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['_docs'], 'the partial build was not removed'
    with staged(out) as tmp: (tmp/'index.html').write_text('new')
    assert (out/'index.html').read_text() == 'new' and sorted(p.name for p in tmp_path.iterdir()) == ['_docs']

def test_page_names_follow_nbdev():
    assert [page_name(n) for n in ('00_callbacks.ipynb', '05a_data.ipynb', 'index.ipynb')] == ['callbacks.html', 'data.html', 'index.html']
    assert page_name('lesson11/01_callbacks.ipynb') == 'lesson11/callbacks.html'   # nbdev keeps the folder
    assert page_name(ROOT/'nbs'/'lesson11'/'01_callbacks.ipynb', ROOT/'nbs') == 'lesson11/callbacks.html'

def test_links_become_local():
    site = Site(root=ROOT, nbs=ROOT/'nbs', out=ROOT/'_docs', title='t', description='', site_url='https://u.github.io/r',
                repo_url='https://github.com/u/r', branch='main', readme_nb='index.ipynb')
    body = ('<a href="https://u.github.io/r/stats.html#var">a</a> <a href="https://u.github.io/r/stats.html#_helper">b</a> '
            '<a href="03_stats.ipynb#var">c</a> <a href="https://example.com/x.ipynb">d</a>')
    out = local_links(body, site, {'stats.html': {'var'}})
    assert out == ('<a href="stats.html#var">a</a> <a href="stats.html">b</a> '
                   '<a href="stats.html#var">c</a> <a href="https://example.com/x.ipynb">d</a>')

def test_titles_show_code_spans_escaped():
    assert inline('how `+` & `<b>` work') == 'how <code>+</code> &amp; <code>&lt;b&gt;</code> work'

def test_missing_tools_are_named(monkeypatch, tmp_path):
    monkeypatch.setattr(build.importlib.util, 'find_spec', lambda name: None)
    with pytest.raises(BuildError, match=re.escape('install the Python package pagefind[bin]')): build.search_index(tmp_path)
    import pypandoc
    def gone(): raise OSError('No pandoc was found')
    monkeypatch.setattr(pypandoc, 'get_pandoc_path', gone)
    pandoc.pandoc_path.cache_clear()
    try:
        with pytest.raises(BuildError, match='install the Python package pypandoc-binary'): pandoc.pandoc_path()
    finally: pandoc.pandoc_path.cache_clear()

# The whole build, on a copy of the two-page fixture project.
@pytest.fixture(scope='module')
def project(tmp_path_factory):
    d = tmp_path_factory.mktemp('project')
    shutil.copytree(FIX/'nbs', d/'nbs')
    shutil.copy(FIX/'settings.ini', d)
    shutil.copy(FIX/'_quarto.yml', d/'nbs'/'_quarto.yml')
    return d

def sitebuild(project:Path, *args:str)->subprocess.CompletedProcess:
    env = {**os.environ, 'PYTHONPATH': str(ROOT)}
    return subprocess.run([sys.executable, '-m', 'tools.sitebuild', *args], cwd=project, capture_output=True, text=True, env=env)

def digest(d:Path)->str:
    files = sorted(p for p in d.rglob('*') if p.is_file())
    return hashlib.sha256(b''.join(str(p.relative_to(d)).encode() + p.read_bytes() for p in files)).hexdigest()

def test_build_then_a_stored_error_stops_the_next_build(project):
    p = sitebuild(project, '--quiet')
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1].startswith('site built:') and len(p.stdout.strip().splitlines()) == 1
    docs = project/'_docs'
    home, page = (docs/'index.html').read_text(), (docs/'page.html').read_text()
    assert '<a href="page.html">the page</a>' in home                              # notebook link → page link
    assert 'https://github.com/fixture-user/fixture_repo/blob/trunk/nbs/01_page.ipynb' in page
    assert 'https://colab.research.google.com/github/fixture-user/fixture_repo/blob/trunk/nbs/01_page.ipynb' in page
    assert '<a href="page.html" class="active" aria-current="page">Second page</a>' in page
    assert 'class="prev" href="index.html"' in page and '<math' in home and re.search('<figcaption[^>]*>Blue</figcaption>', page)
    assert (docs/'page_files'/'figure-html'/'cell-3-output-1.png').exists() and (docs/'_pagefind'/'pagefind-ui.js').exists()
    before = digest(docs)
    shutil.copy(FIX/'error.ipynb', project/'nbs'/'02_error.ipynb')
    try:
        p = sitebuild(project, '--quiet')
        assert p.returncode == 1
        assert 'nbs/02_error.ipynb, cell 3' in p.stderr and 'test_fail' in p.stderr and 'ValueError: boom' in p.stderr
        assert digest(docs) == before, 'a failed build changed the previous site'
        assert sorted(x.name for x in project.iterdir() if x.name.startswith('_docs')) == ['_docs']
    finally: (project/'nbs'/'02_error.ipynb').unlink()

def test_what_a_quarto_build_left_in_proc_does_not_stop_the_build(project):
    "After `make quarto` (or nbdev_preview), nbdev's _proc/ holds Quarto's site_libs and pages: the build ignores them."
    assert sitebuild(project, '--quiet').returncode == 0
    proc = project/'_proc'
    (proc/'site_libs'/'quarto-html').mkdir(parents=True)
    (proc/'site_libs'/'quarto-html'/'quarto.js').write_text('// Quarto')
    (proc/'index.html').write_text('<p>a page Quarto rendered</p>')
    p = sitebuild(project, '--quiet')
    assert p.returncode == 0, p.stderr
    assert not (project/'_docs'/'site_libs'/'quarto-html').exists() and 'Quarto rendered' not in (project/'_docs'/'index.html').read_text()

def test_a_cell_nbdev_cannot_run_names_the_notebook(project):
    bad = project/'nbs'/'03_bad_doc.ipynb'
    shutil.copy(FIX/'bad_doc.ipynb', bad)
    try:
        p = sitebuild(project, '--quiet')
        assert p.returncode == 1
        assert 'nbdev could not process nbs/03_bad_doc.ipynb' in p.stderr and 'undefined_name' in p.stderr
    finally: bad.unlink()

def test_readme_check_detects_drift(project):
    assert sitebuild(project, 'readme').returncode == 0
    readme = (project/'README.md').read_text()
    assert readme.startswith('# Home page\n\n> The fixture project') and 'home-output' in readme
    assert '[the page](https://fixture-user.github.io/fixture_repo/page.html)' in readme   # links go to the published pages
    assert sitebuild(project, 'readme', '--check').returncode == 0
    (project/'README.md').write_text(readme + '\nan edit by hand\n')
    p = sitebuild(project, 'readme', '--check')
    assert p.returncode == 1 and 'README.md out of date with nbs/index.ipynb' in p.stderr
