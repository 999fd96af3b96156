"tools/requirements.lock pins what settings.ini asks for, and `make install` installed those very versions."
import re
from configparser import ConfigParser
from importlib.metadata import PackageNotFoundError, version

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools.cellref import ROOT

def pins()->dict[str, str]:
    lines = (ROOT/'tools'/'requirements.lock').read_text().splitlines()
    found = [re.fullmatch(r'([A-Za-z0-9_.\-]+)==(\S+)', s) for s in lines if s and not s.startswith('#')]
    assert all(found), [s for s, m in zip(lines, found) if not m]
    return {canonicalize_name(m[1]): m[2] for m in found}

def requirements()->list[Requirement]:
    cfg = ConfigParser(delimiters=['='])
    cfg.read(ROOT/'settings.ini', encoding='utf-8')
    return [Requirement(r) for key in ('requirements', 'dev_requirements') for r in cfg['DEFAULT'][key].split()]

def installed(name:str)->str|None:
    "The version of `name` in this environment, its local label (`+cpu`) dropped; None where this platform needs none."
    try: return version(name).split('+')[0]
    except PackageNotFoundError: return None

def test_every_requirement_is_pinned_within_its_range_and_installed_at_its_pin():
    locked = pins()
    missing = [r.name for r in requirements() if canonicalize_name(r.name) not in locked]
    assert not missing, f'not in tools/requirements.lock: {missing}: run `make lock`'
    outside = [f'{r} (locked {locked[canonicalize_name(r.name)]})' for r in requirements()
               if not r.specifier.contains(locked[canonicalize_name(r.name)], prereleases=True)]
    assert not outside, f'pinned outside the range settings.ini asks for: {outside}: run `make lock`'
    stale = [f'{n} {got} (locked {v})' for n, v in locked.items() if (got := installed(n)) not in (v, None)]
    assert not stale, f'.venv differs from tools/requirements.lock: {stale}: run `make install`'
