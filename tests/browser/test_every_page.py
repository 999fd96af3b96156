"""Every page of the site, readable at 1280, 1024 and 390 px wide, light and dark. Each page is loaded once (`survey`)
and looked at in the views its checks need: it loads cleanly, axe-core finds no serious or critical problem, dark is
light on dark, code shows whole at 1280 px, figures keep their natural size and have alt text, headings have anchors.
The code-width figures go to tests/artifacts/code-width.txt; `make screenshots` saves every page in all six views for
review (tools/screenshots.py). (The layout's particular behaviours: test_readable.py.)"""
import pytest

from tests.browsing import AXE, AXE_URL, visit
from tools.sitetest import ROOT, pages

ARTIFACTS = ROOT/'tests'/'artifacts'
WIDTHS = (1280, 1024, 390)
SCHEMES = ('light', 'dark')

# What axe-core runs in each view. A page's structure (names, roles, landmarks, ARIA) is the same in every view; the
# content's colours change with the scheme alone; with the width, only site.css's narrow-screen rules for the page's
# frame (navbar, sidebar drawer, "On this page" folded) and which boxes scroll (site.js gives those keyboard focus)
# change. So every page gets every rule at 1280 px light, the colour rules at 1280 px dark, and the scrolling rule at
# 390 px, where the most boxes scroll; the template page, which has the longest contents list and the most kinds of
# content, gets every rule at 390 px dark as well, for the narrow frame in the other scheme.
TEMPLATE_PAGE = 'learner.html'
COLOUR_RULES = ['color-contrast', 'link-in-text-block']
LAYOUT_RULES = ['scrollable-region-focusable']

def axe_rules(name:str, width:int, scheme:str)->list[str]|None:
    "The axe-core rules for page `name` in a view: None for all of them, [] for none."
    view = width, scheme
    if view == (1280, 'light') or (name == TEMPLATE_PAGE and view == (390, 'dark')): return None
    if view == (1280, 'dark'): return COLOUR_RULES
    return LAYOUT_RULES if view == (390, 'light') else []

def axe_problems(page, rules:list[str]|None)->list[str]:
    "axe-core's serious and critical violations on `page` (of `rules`, None for all), one line each with up to three elements."
    if rules == []: return []
    if not AXE.exists(): pytest.fail(f'{AXE} is missing: run `npm ci` (`make install`)')
    if not page.evaluate("typeof axe !== 'undefined'"): page.add_script_tag(url=AXE_URL)   # from the page's origin (CSP)
    return page.evaluate("""async rules => (await axe.run(document, {resultTypes: ['violations'],
            ...(rules ? {runOnly: {type: 'rule', values: rules}} : {})})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.impact} ${v.id} (${v.nodes.length}): ${v.help}; e.g. ` +
                  v.nodes.slice(0, 3).map(n => n.target.join(' ') + (n.any[0] ? ' [' + n.any[0].message + ']' : '')).join(' | '))""",
        rules)

# The theme, and the text colour and effective background (the first ancestor's that is not transparent) of the page
# body and of its first code block, read in one go: one task of the page, so all three belong to the same moment.
COLOURS = """() => { const c = s => s.match(/[\\d.]+/g).map(Number);
    const pair = el => { let bg = el; while (bg && c(getComputedStyle(bg).backgroundColor)[3] === 0) bg = bg.parentElement;
      return [c(getComputedStyle(el).color).slice(0, 3), c(bg ? getComputedStyle(bg).backgroundColor : 'rgb(255,255,255)').slice(0, 3)]; };
    const code = document.querySelector('div.sourceCode pre code');
    return {theme: document.documentElement.dataset.theme, body: pair(document.querySelector('main')),
            ...(code ? {code: pair(code)} : {})}; }"""

def luminance(rgb)->float:
    "WCAG relative luminance of an sRGB colour (0–255 channels)."
    lin = [c/255/12.92 if c/255 <= 0.04045 else ((c/255 + 0.055)/1.055) ** 2.4 for c in rgb]
    return 0.2126*lin[0] + 0.7152*lin[1] + 0.0722*lin[2]

def contrast(fg, bg)->float:
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)

def colours(page, scheme:str)->dict[str, tuple]:
    """(text, background) of the page body and, where the page has one, of its first code block, read while the page
    shows `scheme`. With several test processes driving one Chromium, a page has been seen to switch its scheme back
    between the wait and the read: then the read is taken again, at most twice."""
    for _ in range(3):
        page.emulate_media(color_scheme=scheme)
        page.wait_for_function('s => document.documentElement.dataset.theme === s', arg=scheme)
        res = page.evaluate(COLOURS)
        if res.pop('theme') == scheme: return res
    raise AssertionError(f'{page.url}: the page left the {scheme} scheme three times while its colours were read')

def dark_problems(name:str, light:dict, dark:dict)->list[str]:
    "What is wrong with page `name`'s dark colours: not light on dark, below WCAG AA (4.5:1), or the light page's."
    res = []
    for part, (fg, bg) in dark.items():
        if not luminance(bg) < 0.1 < luminance(fg): res.append(f'{name} {part}: text {fg} on {bg} is not light on dark')
        if contrast(fg, bg) < 4.5: res.append(f'{name} {part}: contrast {contrast(fg, bg):.1f} of {fg} on {bg} is below 4.5')
        if [fg, bg] == light[part]: res.append(f'{name} {part}: the same colours as the light page')
    return res

# What a page is made of, read in the browser: its frame, its headings' anchors, its code blocks and its figures.
FRAME_JS = """() => ({titles: document.querySelectorAll('h1.title').length, search: document.querySelectorAll('#search input').length,
    blocks: document.querySelectorAll('div.sourceCode').length,
    copy: document.querySelectorAll('div.sourceCode > .copy-button').length,
    active: document.querySelectorAll('.sidebar a.active').length,
    anchorless: [...document.querySelectorAll('.content h2[id], .content h3[id], .content h4[id]')]
        .filter(h => { const a = h.querySelector('a.anchor'); return !a || a.getAttribute('href') !== '#' + h.id; })
        .map(h => h.id)})"""
CODE_WIDTH_JS = """() => [...document.querySelectorAll('.content div.sourceCode pre')].map(pre => ({
    whole: pre.scrollWidth <= pre.clientWidth + 1,
    focusable: pre.getAttribute('tabindex') === '0' && !!pre.getAttribute('aria-label'),
    first: pre.innerText.split('\\n')[0].slice(0, 70),
    longest: Math.max(...pre.innerText.split('\\n').map(l => l.length)) }))"""
# How many monospace characters fit on a line of the content's first code block
CODE_CHARS_JS = """() => { const pre = document.querySelector('.content div.sourceCode pre'); if (!pre) return null;
    const s = document.createElement('span'); s.textContent = 'x'.repeat(100);
    pre.querySelector('code').append(s); const w = s.getBoundingClientRect().width / 100; s.remove();
    return Math.floor((pre.clientWidth - parseFloat(getComputedStyle(pre).paddingLeft)
                       - parseFloat(getComputedStyle(pre).paddingRight)) / w); }"""
IMAGES_JS = """() => [...document.querySelectorAll('.content img')].map(i => ({
    src: i.getAttribute('src'), alt: i.getAttribute('alt') || '', shown: i.getBoundingClientRect().width,
    natural: +i.getAttribute('width') || i.naturalWidth, column: i.closest('.content').clientWidth }))"""

def needed(name:str, width:int, scheme:str)->bool:
    "Whether a check below looks at page `name` in this view: axe-core's rules for it, or the figures (1280 and 390 px, light)."
    return axe_rules(name, width, scheme) != [] or (scheme == 'light' and width in (1280, 390))

@pytest.fixture(scope='module')
def survey(shared_page, server)->dict[str, dict]:
    """Each page loaded once at 1280 px, then shown in each view a check needs (the width and the system's colour scheme
    switched under it, as a reader's can be): what the tests below check, by page name. (`make screenshots` saves every
    page in all six views for review.)"""
    base, site = server
    page, holder = shared_page
    seen = {}
    for path in pages(site):
        name = path.relative_to(site).as_posix()
        holder[0] = problems = []
        visit(page, f'{base}/{name}', width=WIDTHS[0])
        v = seen[name] = {'problems': problems, 'axe': {}, 'images': {}, 'colours': {},
                          'frame': page.evaluate(FRAME_JS), 'code': page.evaluate(CODE_WIDTH_JS), 'chars': page.evaluate(CODE_CHARS_JS)}
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            page.wait_for_function('s => document.documentElement.dataset.theme === s', arg=scheme)
            for width in (w for w in WIDTHS if needed(name, w, scheme)):   # 1280 px first: the colours are read there
                page.set_viewport_size({'width': width, 'height': 900})
                page.evaluate('() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))')
                if width == WIDTHS[0]: v['colours'][scheme] = colours(page, scheme)
                v['axe'][width, scheme] = axe_problems(page, axe_rules(name, width, scheme))
                if scheme == 'light' and width in (1280, 390): v['images'][width] = page.evaluate(IMAGES_JS)
    return seen

def test_every_page_loads_cleanly(survey):
    "One title, a search box, a copy button on every code block, at most one current page in the sidebar; no error."
    bad = []
    for name, v in survey.items():
        f = v['frame']
        if f['titles'] != 1: bad.append(f'{name}: {f["titles"]} titles')
        if f['search'] != 1: bad.append(f'{name}: no search box')
        if f['copy'] != f['blocks']: bad.append(f'{name}: {f["blocks"] - f["copy"]} code blocks without a copy button')
        if f['active'] > 1: bad.append(f'{name}: {f["active"]} current pages in the sidebar')
        bad += [f'{name}: {p}' for p in v['problems']]
    assert not bad, '\n'.join(bad)

def test_axe_finds_no_serious_or_critical_problem(survey):
    found = [f'{name} at {w} px, {s}: {p}' for name, v in survey.items() for (w, s), ps in v['axe'].items() for p in ps]
    assert not found, '\n'.join(found)

def test_dark_pages_are_light_on_dark_with_contrast(survey):
    "In dark, prose and code are light on dark with 4.5:1 contrast, unlike light."
    found = [p for name, v in survey.items() for p in dark_problems(name, v['colours']['light'], v['colours']['dark'])]
    assert not found, '\n'.join(found)

def test_code_shows_whole_at_1280(survey):
    "At least 95% of code blocks show every line whole at 1280 px; any other one scrolls and takes keyboard focus."
    chars = min(v['chars'] for v in survey.values() if v['chars'] is not None)
    lines, total, whole = [f'code column at 1280 px: {chars} monospace characters'], 0, 0
    for name, v in survey.items():
        n = sum(b['whole'] for b in v['code'])
        total, whole = total + len(v['code']), whole + n
        lines.append(f'{name}: {n}/{len(v["code"])} code blocks whole')
        lines += [f'  cut: {name}: {b["longest"]} chars, first line `{b["first"]}`' for b in v['code'] if not b['whole']]
    unfocusable = [f'{name}: `{b["first"]}`' for name, v in survey.items() for b in v['code'] if not b['whole'] and not b['focusable']]
    share = whole / total
    lines.append(f'all pages: {whole}/{total} = {share:.1%} of code blocks whole at 1280 px')
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS/'code-width.txt').write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    assert chars >= 92, lines[0]
    assert not unfocusable, 'code blocks that scroll but cannot be reached by keyboard:\n' + '\n'.join(unfocusable)
    assert share >= .95, '\n'.join(lines)

def test_figures_keep_their_natural_size_and_have_alt_text(survey):
    bad = []
    for name, v in survey.items():
        for width, imgs in v['images'].items():
            for i in imgs:
                if not i['alt'].strip(): bad.append(f'{name}: {i["src"]} has no alt text')
                if i['shown'] > i['natural'] + .5:
                    bad.append(f'{name} at {width}: {i["src"]} upscaled {i["natural"]} → {i["shown"]:.0f} px')
                if i['shown'] > i['column'] + .5: bad.append(f'{name} at {width}: {i["src"]} wider than the column')
    assert sum(len(v['images'][1280]) for v in survey.values()) > 0, 'no figures found: the check would prove nothing'
    assert not bad, '\n'.join(sorted(set(bad)))

def test_headings_have_anchor_links(survey):
    missing = {name: v['frame']['anchorless'] for name, v in survey.items() if v['frame']['anchorless']}
    assert not missing, f'headings without an anchor: {missing}'
