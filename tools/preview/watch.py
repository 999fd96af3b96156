"""What the preview watches, through `watchfiles` (inotify on Linux, FSEvents on a Mac; no polling loop of our own).

The notebooks folder and the build's assets are watched recursively, the project root alone (not its `.venv`,
`node_modules` or the served `_docs/`) for `_quarto.yml`. `watchfiles` hands over the changes of a burst together once
no new one has come for `STEP_MS`: a save as Jupyter and VS Code make it (a temporary file written, then renamed over
the notebook) is one batch, and the temporary file itself is never a change of the site.
"""
from __future__ import annotations
import queue, sys, threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

STEP_MS = 25   # a batch ends once no new change has come for this long (one or two steps)
GENERATED = {'nbdev.yml', 'sidebar.yml'}   # what nbdev writes into the notebooks folder
TEMPORARY = ('~', '.tmp', '.swp')           # editors' temporary and backup files

def kept(path:Path, folder:Path)->bool:
    "Whether `path` below `folder` is a file of its own: not hidden, not in a hidden folder, not an editor's temporary file."
    rel = path.relative_to(folder)
    return not rel.name.endswith(TEMPORARY) and not any(s.startswith('.') for s in rel.parts)

def site_file(path:Path, nbs:Path)->bool:
    """Whether a change to `path` (below notebooks folder `nbs`) can change the site: a notebook, a file the pages refer
    to, `styles.css`, `_quarto.yml`; not a hidden or temporary file (Jupyter's `.~x.ipynb`, `.ipynb_checkpoints/`,
    an editor's `x~`), nor what nbdev generates there (`nbdev.yml`, which every build rewrites from settings.ini)."""
    rel = path.relative_to(nbs)
    if rel.as_posix() == '_quarto.yml': return True
    return kept(path, nbs) and rel.as_posix() not in GENERATED and not any(s.startswith('_') for s in rel.parts)

def watched(root:Path, nbs:Path, assets:Path)->list[tuple[list[Path], bool, Callable]]:
    "(paths, recursive, filter) of each watcher: the notebooks folder and the assets, then the project root."
    def in_tree(change, p):
        p = Path(p)
        return site_file(p, nbs) if p.is_relative_to(nbs) else p.is_relative_to(assets) and kept(p, assets)
    return [([nbs, assets], True, in_tree), ([root], False, lambda change, p: Path(p).name == '_quarto.yml')]

def start_watching(root:Path, nbs:Path, assets:Path, changes:queue.Queue, stop:threading.Event)->list[threading.Thread]:
    "Threads that put each batch of changes (a set of paths) into `changes` until `stop` is set."
    def run(paths, recursive, keep):
        while not stop.is_set():
            try:
                for batch in watchfiles.watch(*paths, watch_filter=keep, recursive=recursive, step=STEP_MS, stop_event=stop,
                                              raise_interrupt=False):
                    changes.put({Path(p) for _, p in batch})
            except Exception as e:   # a watched folder removed and made again, say: watch it again
                print(f'make serve: watching {", ".join(map(str, paths))} stopped ({e}); watching again', file=sys.stderr, flush=True)
                stop.wait(1)
    res = [threading.Thread(target=run, args=w, daemon=True, name='preview-watch') for w in watched(root, nbs, assets)]
    for t in res: t.start()
    return res
