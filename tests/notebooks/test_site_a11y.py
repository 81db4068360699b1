"""Accessibility of the website: axe-core finds no critical and no serious violation on any page.

Every page of the book, the theme's own header, sidebars and buttons included, at laptop width
(1280 px) and phone width (390 px); and its colours in dark mode (the reader's system asks for it,
the theme follows) at laptop width. axe-core comes from npm, pinned in package.json / package-lock.json and
installed into node_modules/ by `make setup` (.ci/run installs npm first). Without it the test is
skipped locally, and fails in CI (the CI environment variable is set), so it never silently passes there.
"""
from __future__ import annotations

import os

import pytest

from website import LAPTOP, ROOT, site_pages

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")

EXCLUDED = []        # nothing: the quizzes are checked like the rest of the page


@pytest.fixture(scope="session")
def axe_script() -> str:
    if not AXE.exists():
        message = (f"axe-core is not installed ({AXE.relative_to(ROOT)} is missing): "
                   "run `npm ci` (or `make setup`, which does it when npm is installed)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return str(AXE)


@pytest.fixture(scope="module")
def dark_laptop(chromium, site_url):
    """A laptop-sized page of a reader whose system is in dark mode (the theme's default "auto" follows it)."""
    page = chromium.new_page(viewport=LAPTOP, color_scheme="dark")
    yield page, site_url, []
    page.close()


def _violations(screen, axe_script, theme="light", options=None):
    page, base, _ = screen
    found = {}
    for path in site_pages():
        page.goto(f"{base}/{path}")
        page.wait_for_load_state("load")
        page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
        assert page.evaluate("document.documentElement.dataset.theme") == theme, path
        page.add_script_tag(path=axe_script)
        violations = page.evaluate("""async ([exclude, options]) => {
            const result = await axe.run({exclude}, {resultTypes: ['violations'], ...options});
            return result.violations.map(v => ({id: v.id, impact: v.impact,
                                                where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""", [EXCLUDED, options or {}])
        blocking = [f"{v['impact']} {v['id']}: {v['where']}" for v in violations if v["impact"] in BLOCKING]
        if blocking:
            found[path] = blocking
    return found


def test_no_page_has_a_critical_or_serious_axe_violation_on_a_laptop(axe_script, browser):
    assert _violations(browser, axe_script) == {}


def test_no_page_has_a_critical_or_serious_axe_violation_on_a_phone(axe_script, phone):
    assert _violations(phone, axe_script) == {}


def test_no_page_has_a_critical_or_serious_colour_contrast_violation_in_dark_mode(axe_script, dark_laptop):
    # Only colours differ from the light pages, so only axe's colour rule runs (it is half of axe's time).
    assert _violations(dark_laptop, axe_script, theme="dark", options={"runOnly": ["color-contrast"]}) == {}
