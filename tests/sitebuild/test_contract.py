"The page contract (tools/sitebuild/contract.py): every file that names its entries literally holds them, and built pages carry them."
import re

from tools.sitebuild.contract import CALLOUT, CALLOUT_TITLE, CELL, CODE_FOLD, EXPORTED, LUA, USES
from tools.sitebuild.notebook import to_markdown
from tools.sitebuild.process import processed_copy
from tools.sitebuild.pandoc import HERE, to_html

def test_each_asset_holds_the_names_it_relies_on():
    for f, names in USES.items():
        src = (HERE/'assets'/f).read_text()
        missing = [n for n in names if not re.search(rf'(?<![\w-]){re.escape(n)}(?![\w-])', src)]
        assert not missing, f'tools/sitebuild/assets/{f} lacks {missing}: rename it there too (contract.py)'

def test_no_script_finds_an_element_by_its_visible_text():
    for f in USES:
        if f.endswith('.js'): assert not re.search(r'textContent(\.trim\(\))?\s*===', (HERE/'assets'/f).read_text()), f

def test_the_lua_filter_takes_its_names_from_the_contract(monkeypatch):
    monkeypatch.setitem(LUA, 'callout', 'renamed-callout')
    body, _ = to_html('::: {.callout-tip}\nA tip.\n:::', 'test')
    assert '<div class="renamed-callout callout-tip">' in body and f'class="{CALLOUT_TITLE}"' in body

def test_exported_cells_carry_their_class():
    "nbdev folds `#| exports` cells; the build marks them for live.js from the cell's view, not from nbdev's fold text."
    cell = lambda src: {'cell_type': 'code', 'metadata': {}, 'outputs': [], 'source': src}  # noqa: E731
    nb = {'cells': [cell('#| exports\nx = 1'), cell('#| code-fold: show\n#| code-summary: "Exported source"\ny = 2')]}
    body, _ = to_html(to_markdown(processed_copy(nb, 'p.ipynb'), 'p.ipynb').markdown, 'p.ipynb')
    assert body.count(f'class="{CELL} {EXPORTED}"') == 1 and body.count(f'<details class="{CODE_FOLD}"') == 2 and CALLOUT not in body
