"show_doc's source links get the line where the symbol is defined now (tools/sitebuild/srclinks.py)."
from tools.sitebuild.srclinks import current_lines

LINK = '[source](https://github.com/u/r/blob/main/pkg/mod.py#L{}){{target="_blank"}}\n\n### {}\n\ntext'

def test_links_follow_the_definition(tmp_path):
    (tmp_path/'pkg').mkdir()
    (tmp_path/'pkg'/'mod.py').write_text('import x\n\ndef added(): pass\n\n@dec\nclass A:\n    def f(self): pass\n\ndef g(): pass\n')
    assert current_lines(LINK.format(2, 'g'), tmp_path) == LINK.format(9, 'g')
    assert current_lines(LINK.format(2, 'A'), tmp_path) == LINK.format(5, 'A')       # from its decorator, as inspect counts
    assert current_lines(LINK.format(2, 'A.f'), tmp_path) == LINK.format(7, 'A.f')
    gone = current_lines(LINK.format(2, 'h'), tmp_path)
    assert 'mod.py){target' in gone and '#L' not in gone                           # a removed symbol: the module
    other = LINK.format(2, 'g').replace('pkg/mod.py', 'pkg/other.py')
    assert current_lines(other, tmp_path) == other                                 # no such file here: as stored
