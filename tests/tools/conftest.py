"Fixtures of the tooling tests: a copy of the project as a git repository of its own."
import subprocess
from pathlib import Path

import pytest

from tools.checks import project_copy
from tools.cellref import ROOT

@pytest.fixture
def clone(tmp_path)->Path:
    "A git repository holding the project as it is now (committed), in which a contributor edits files."
    repo = project_copy(ROOT, tmp_path/'repo')
    for cmd in (['init', '-q'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base']):
        subprocess.run(['git', *cmd], cwd=repo, check=True)
    return repo
