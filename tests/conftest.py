"""Shared by the tests: a quiet TensorFlow, the tiers, and where the submission corpus lives.

The tiers are the folders: unit/ (no TensorFlow, `make test-fast`), checks/ (the checks against
the answer key and the corpus, in this process), e2e/ (the grader as instructors run it: CLI,
sandbox, pytest route) and notebooks/ (the chapters, the learner notebooks, the book). Each test
gets its folder's marker, so `pytest -m "not notebooks"` works too.

Under pytest-xdist (`make test` runs `-n 2 --dist loadscope`) the work is handed out in units:
a test file, whose tests stay on one worker so its module fixtures run once, or, in the files of
SPLIT_BY_PARAMETER, one parameter of that file (a chapter, a corpus file), so that a long file
spreads over both workers; the website's files share one unit (tests/tiers.py).

Headless Chromium is one browser per process (`chromium`): Playwright's sync API cannot be started
a second time while a first is still open in the same process, and a worker may run the website's
files and the class report's.
"""
from pathlib import Path

import pytest

import autograder  # noqa: F401  (sets TensorFlow's quiet environment for this process and its children)
from tiers import TIERS, tier_of, work_unit

TESTS = Path(__file__).resolve().parent
SUBMISSIONS = TESTS / "submissions"
CHROMIUM = "/usr/bin/chromium"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

    return ByWorkUnit(config, log)


def pytest_configure(config):
    for tier in TIERS:
        config.addinivalue_line("markers", f"{tier}: a test in tests/{tier}/")


def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = tier_of(item.path)
        if tier is not None:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def submissions_dir() -> Path:
    """tests/submissions: ch02/ (correct and buggy answers), hostile/, reference/."""
    return SUBMISSIONS


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by Playwright, shared by every test of this process."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (`apt-get install chromium`; .ci/run does it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()
