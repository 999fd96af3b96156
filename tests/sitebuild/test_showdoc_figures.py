"""show_doc output rendered at build time (signature, parameter table, links) and the figure rules (alt text required,
natural size) of the offline build."""
import html, re
from pathlib import Path

import pytest

from tools.sitebuild import BuildError
from tools.sitebuild.cells import source_views
from tools.sitebuild.figures import check_alt, missing_alt, size_attrs
from tools.sitebuild.pandoc import to_html
from tools.sitebuild.showdoc import WIDTH, is_show_doc, render_show_doc, signature

def eq(a, b): assert a == b, f'{a!r} != {b!r}'
def fails(f, contains:str):
    with pytest.raises(BuildError, match=re.escape(contains)): f()

LEARNER = 'https://lessons-lib.github.io/lessons_lib/learner.html#learner'
HANDLERS = f"""---

[source](https://github.com/lessons-lib/lessons_lib/blob/main/lessons_lib/learner.py#L35){{target="_blank" style="float:right"}}

### handlers

```python
def handlers(
    cbs:Iterable[[`Callback`](https://x.test/learner.html#callback)], # callbacks, in any order
    event:str='before_fit', # the name of an event, e.g. `'#'` or $|a| \\le 1$
)->list[Callable]: # bound methods, to be called with the [`Learner`]({LEARNER})
```

*The `event` methods of the callbacks in `cbs` that have one.*
"""

def test_show_doc_becomes_heading_signature_and_table():
    assert is_show_doc(HANDLERS) and not is_show_doc('### A heading\n\nText with ```python\nx\n```')
    md = render_show_doc(HANDLERS, 'test')
    body, toc = to_html(md, 'test')
    assert 'href="#handlers"' in toc
    sig = re.search(r'<pre[^>]*signature[^>]*><code[^>]*>(.*?)</code></pre>', body, re.S)
    plain = html.unescape(re.sub(r'<[^>]+>', '', sig[1]))
    eq(plain, "handlers(cbs:Iterable[Callback], event:str='before_fit')->list[Callable]")
    assert '#' not in plain and '[`' not in body, 'comments or markdown syntax left in the signature'
    rows = re.findall(r'<tr>(.*?)</tr>', re.search(r'<table class="docments">.*?</table>', body, re.S)[0].replace('\n', ' '), re.S)
    eq(len(rows), 4)   # header, cbs, event, Returns
    assert '<code>Iterable[</code><a href="https://x.test/learner.html#callback"><code>Callback</code></a>' in rows[1]
    event = html.unescape(rows[2])
    assert "<code>'before_fit'</code>" in event and '<math' in event and "<code>'#'</code>" in event
    assert 'Returns' in rows[3] and f'<a href="{LEARNER}"><code>Learner</code></a>' in rows[3]
    assert '<em>The <code>event</code> methods' in body

def test_long_signatures_wrap_to_the_code_width():
    ps = [(f'parameter_{i}', 'int|None', 'None', '') for i in range(8)]
    sig = signature('a_function', ps, 'dict[str, int]')
    assert max(len(line) for line in sig.splitlines()) <= WIDTH, sig
    eq(sig.splitlines()[0], 'a_function(')
    eq(''.join(sig.split()), 'a_function(' + ','.join(f'parameter_{i}:int|None=None' for i in range(8)) + ')->dict[str,int]')

def test_a_signature_that_is_not_python_is_an_error_naming_where():
    bad = HANDLERS.replace('def handlers(', 'def handlers((')
    fails(lambda: render_show_doc(bad, 'nbs/05_learner.ipynb, processed cell 7'), contains='nbs/05_learner.ipynb, processed cell 7')

def figure_cell(*options:str, image:bool=True)->dict:
    out = {'output_type': 'display_data', 'metadata': {'image/png': {'width': 640, 'height': 240}},
           'data': {'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>'}} if image else {'output_type': 'stream', 'text': 'x'}
    return {'cell_type': 'code', 'source': '\n'.join([*options, 'plt.plot([1, 2])']), 'outputs': [out], 'metadata': {}}

def test_a_figure_without_alt_text_is_an_error_naming_notebook_and_cell():
    nb = {'cells': [{'cell_type': 'markdown', 'source': '# T'}, figure_cell('#| fig-alt: a rising line'), figure_cell(),
                    figure_cell('#| fig-cap: A line'), figure_cell('#| include: false'), figure_cell(image=False)]}
    eq(missing_alt(Path('nbs/03_stats.ipynb'), nb, source_views(nb)), ['nbs/03_stats.ipynb, cell 3 (`plt.plot([1, 2])`)'])
    fails(lambda: check_alt(Path('nbs/03_stats.ipynb'), nb), contains='nbs/03_stats.ipynb, cell 3')
    fails(lambda: check_alt(Path('nbs/03_stats.ipynb'), nb), contains='#| fig-alt:')

def test_alt_text_that_yaml_reads_as_a_mapping_is_an_error():
    nb = {'cells': [figure_cell('#| fig-alt: two plots: a and b'), figure_cell('#| fig-alt: "two plots: a and b"')]}
    fails(lambda: check_alt(Path('nbs/03_stats.ipynb'), nb), contains='nbs/03_stats.ipynb, cell 1 (`plt.plot([1, 2])`): `fig-alt`')
    check_alt(Path('nbs/03_stats.ipynb'), {'cells': nb['cells'][1:]})

def test_figures_get_their_natural_size():
    eq(size_attrs(figure_cell()['outputs'][0], 'image/png'), ' width=640 height=240')
    eq(size_attrs({'metadata': {}}, 'image/png'), '')

def test_markdown_copies_get_the_parameters_as_a_list():
    md = render_show_doc(HANDLERS, 'test', as_list=True)
    assert '<t' not in md, md
    assert "- `event` (`str`, default `'before_fit'`): the name of an event" in md
    assert f'- **Returns** (`list[Callable]`): bound methods, to be called with the [`Learner`]({LEARNER})' in md
