"""The offline site build: a full clean build against an incremental one after editing one notebook, and page weight.

Runs on a copy of the project (notebooks, settings.ini, _quarto.yml) in a temporary folder, so the working tree and
its caches are untouched. Prints the two build times, their ratio, and each page's HTML + CSS + JS in KB.
"""
import os, re, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path

import nbformat

from tools.notebooks import notebooks
from tools.sitetest import pages

ROOT = Path(__file__).resolve().parents[2]

def timed_build(project:Path, *args:str)->tuple[float, float]:
    "Wall time and CPU time (the build and its child processes) of one build."
    t, ru = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([sys.executable, '-m', 'tools.sitebuild', '--quiet', *args], cwd=project, capture_output=True, text=True,
                       env={'PYTHONPATH': str(ROOT), 'PATH': '/usr/bin:/bin'})
    if p.returncode: sys.exit(f'build failed:\n{p.stderr}')
    ru2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - t, ru2.ru_utime + ru2.ru_stime - ru.ru_utime - ru.ru_stime

def page_weight(site:Path, page:Path)->int:
    "Bytes of the page's HTML and of the CSS and JS files it loads, with the search UI (loaded when the reader searches)."
    refs = re.findall(r'<(?:link[^>]+href|script[^>]+src)="([^":]+\.(?:css|js))"', page.read_text())
    refs += ['_pagefind/pagefind-ui.js', '_pagefind/pagefind-ui.css']
    return page.stat().st_size + sum((site/r).stat().st_size for r in refs)

def bench_project(d:Path)->Path:
    "A copy of the project's notebooks and configuration in folder `d`, for builds to be timed in."
    shutil.copytree(ROOT/'nbs', d/'nbs', symlinks=True)
    for f in ('settings.ini', '_quarto.yml'): shutil.copy(ROOT/f, d/f)
    return d

def main():
    with tempfile.TemporaryDirectory() as d:
        project = bench_project(Path(d))
        full = timed_build(project, '--force')
        nbs = notebooks(project/'nbs')
        edited = nbs[0]
        nb = nbformat.read(edited, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell('An edit for the benchmark: one more paragraph.'))
        nbformat.write(nb, edited)
        incremental = timed_build(project)
        site = project/'_docs'
        print(f'full clean build ({len(nbs)} notebooks): {full[0]:.1f} s wall, {full[1]:.1f} s CPU')
        print(f'incremental build after editing {edited.name}: {incremental[0]:.1f} s wall, {incremental[1]:.1f} s CPU')
        print(f'incremental / full: {incremental[0]/full[0]:.2f} wall, {incremental[1]/full[1]:.2f} CPU '
              '(targets: full < 30 s, incremental < 5 s)')
        print(f'load average during the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with it)')
        print('page weights (the gate is 100 KB gzip-compressed as served, tests/sitebuild/test_site.py):')
        for page in pages(site):
            print(f'  {page.relative_to(site).as_posix():28s} {page_weight(site, page)/1000:6.1f} KB HTML+CSS+JS uncompressed')

if __name__ == '__main__': main()
