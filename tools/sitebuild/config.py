"""The site configuration: the root `_quarto.yml` plus its `metadata-files`, as Quarto would merge them."""
from __future__ import annotations
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from nbdev.config import get_config
from nbdev.quarto import refresh_quarto_yml

from . import BuildError

def deep_merge(base:dict, over:dict)->dict:
    "`base` updated with `over`, merging nested dicts rather than replacing them."
    res = dict(base)
    for k, v in over.items():
        res[k] = deep_merge(res[k], v) if isinstance(v, dict) and isinstance(res.get(k), dict) else v
    return res

@dataclass
class Site:
    "What the build needs to know about the project, read from settings.ini and the Quarto configuration."
    root: Path                 # the project root (holds settings.ini)
    nbs: Path                  # the notebooks folder
    out: Path                  # the output folder (`_docs`)
    title: str
    description: str
    site_url: str              # the published address, used to turn nbdev's absolute doc links into relative ones
    repo_url: str              # https://github.com/USER/REPO
    branch: str
    readme_nb: str             # the notebook that becomes README.md
    navbar: list = field(default_factory=list)   # `website.navbar.left`
    sidebar: list = field(default_factory=list)  # `website.sidebar.contents`
    html: dict = field(default_factory=dict)     # `format.html` options (toc-depth, ...)

    @property
    def github(self)->str:
        "USER/REPO, from `repo_url`."
        m = re.match(r'https?://github\.com/([^/]+/[^/]+?)/?$', self.repo_url)
        if not m: raise BuildError(f'repo-url {self.repo_url!r} is not a GitHub repository address: check `user`/`repo` in settings.ini')
        return m[1]

    def source_url(self, nb:str)->str: return f'{self.repo_url}/blob/{self.branch}/{self.nbs.relative_to(self.root).as_posix()}/{nb}'
    def colab_url(self, nb:str)->str:
        return f'https://colab.research.google.com/github/{self.github}/blob/{self.branch}/{self.nbs.relative_to(self.root).as_posix()}/{nb}'

def read_yaml(path:Path)->dict:
    try: return yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as e: raise BuildError(f'cannot read {path}: {e}') from e

def load_site(out:str|None=None)->Site:
    "The `Site` of the project in the working directory; regenerates nbs/nbdev.yml from settings.ini first."
    cfg = get_config()
    if not cfg.config_file.exists(): raise BuildError(f'no settings.ini in {Path.cwd()} or above: run the build from the project root')
    refresh_quarto_yml()
    nbs = cfg.nbs_path
    quarto = read_yaml(nbs/'_quarto.yml')
    merged = {}
    for f in quarto.get('metadata-files', []): merged = deep_merge(merged, read_yaml(nbs/f))
    merged = deep_merge(merged, quarto)
    web = merged.get('website', {})
    html = merged.get('format', {}).get('html', {})
    out = Path(out or cfg.config_path/merged.get('project', {}).get('output-dir', '_docs')).absolute()
    return Site(root=cfg.config_path, nbs=nbs, out=out,
                title=web.get('title', cfg.lib_name), description=web.get('description', ''), site_url=web.get('site-url', ''),
                repo_url=web.get('repo-url', ''), branch=web.get('repo-branch', 'main'), readme_nb=cfg.get('readme_nb', 'index.ipynb'),
                navbar=web.get('navbar', {}).get('left', []), sidebar=web.get('sidebar', {}).get('contents', []),
                html=html if isinstance(html, dict) else {})
