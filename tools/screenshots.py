"""Every page of the site in the six views a reviewer looks at, 1280, 1024 and 390 px wide, light and dark, saved as
PNG files in tests/artifacts/ (`make screenshots`). Builds the site into a temporary folder unless `SITE_DIR` names one;
the live cells' Python is not started, so the pages look as a reader first sees them."""
import sys

from tools.sitetest import ROOT, built_site, chromium, pages, served

WIDTHS, SCHEMES = (1280, 1024, 390), ('light', 'dark')
OUT = ROOT/'tests'/'artifacts'

def main()->int:
    site = built_site()
    OUT.mkdir(parents=True, exist_ok=True)
    with served(site) as base, chromium() as browser:
        ctx = browser.new_context()
        ctx.route('**/site_libs/live/live-worker.js', lambda r: r.fulfill(body='', content_type='text/javascript'))
        page = ctx.new_page()
        for path in pages(site):
            name = path.relative_to(site).as_posix()
            page.set_viewport_size({'width': WIDTHS[0], 'height': 900})
            page.goto(f'{base}/{name}', wait_until='load')
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                page.wait_for_function('s => document.documentElement.dataset.theme === s', arg=scheme)
                for width in WIDTHS:
                    page.set_viewport_size({'width': width, 'height': 900})
                    page.evaluate('() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))')
                    page.screenshot(path=str(OUT/f"{name.removesuffix('.html').replace('/', '-')}-{width}-{scheme}.png"))
        ctx.close()
    print(f'{len(pages(site)) * len(WIDTHS) * len(SCHEMES)} screenshots in {OUT.relative_to(ROOT)}/')
    return 0

if __name__ == '__main__': sys.exit(main())
