"""The class report of a really graded class: `grade --out OUT`, then `report OUT`, then the page in Chromium.

A small chapter 05 class is graded ONCE: two full-marks submissions, two with the weights inverted, one
with float keys, two with a focal-loss flaw, the unanswered learner notebook and a file that is not a
notebook. The report must name the inverted weights with their count, list what was not graded, and
read well in headless Chromium at laptop (1280 px) and phone (390 px) width: nothing wider than the
screen, no request for anything, and no critical or serious axe-core violation (Chromium is the
session's shared browser: tests/conftest.py). Screenshots of both
widths go to $CLASSREPORT_SHOTS when it is set (to look at them), else to a temporary folder.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ROOT / "tests" / "submissions"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

CLASS = {
    "ann/ch05.py": SUBMISSIONS / "reference" / "ch05.py",
    "bob/ch05.py": SUBMISSIONS / "reference" / "ch05.py",
    "cat/ch05.py": SUBMISSIONS / "one_flaw" / "balanced_class_weight__inverted.py",
    "dan/ch05.py": SUBMISSIONS / "one_flaw" / "balanced_class_weight__inverted.py",
    "eve/ch05.py": SUBMISSIONS / "one_flaw" / "balanced_class_weight__float_keys.py",
    "fay/ch05.py": SUBMISSIONS / "one_flaw" / "binary_focal_crossentropy__gamma_ignored.py",
    "gus/ch05.py": SUBMISSIONS / "one_flaw" / "binary_focal_crossentropy__alpha_swapped.py",
    "hal/05_imbalanced_data.ipynb": ROOT / "notebooks" / "05_imbalanced_data.ipynb",
}


def _run(*args):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=900)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """The graded class's folder, its report written."""
    base = tmp_path_factory.mktemp("class")
    files = []
    for name, source in CLASS.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        files.append(shutil.copy(source, base / name))
    (base / "ivy").mkdir()
    (base / "ivy" / "05.ipynb").write_text("this is not a notebook {")
    files.append(base / "ivy" / "05.ipynb")
    (base / "seed").write_text("class report seed")
    graded = _run("grade", "--chapter", "05", "--seed-file", str(base / "seed"), "--out", str(base / "out"),
                  "--jobs", "2", *map(str, files))
    assert (base / "out" / "grades.csv").exists(), graded.stderr
    report = _run("report", str(base / "out"))
    assert report.returncode == 0, report.stderr
    assert report.stderr == ""
    return base / "out"


def test_the_inverted_weights_are_named_with_their_count(out):
    page = (out / "report.html").read_text()
    items = re.findall(r"<li>(.*?)</li>", page)
    inverted = [i for i in items if "looks like the weights are inverted" in i]
    assert len(inverted) == 1 and inverted[0].startswith("<strong>2 learners</strong>")


def test_the_submission_that_is_not_a_notebook_is_listed_as_not_graded(out):
    page = (out / "report.html").read_text()
    assert re.search(r"<li><code>ivy/05\.ipynb</code>: unreadable", page)
    assert "8 graded, 1 not graded" in page


def test_report_csv_has_a_row_for_each_check_of_the_chapter(out):
    chapter = next(ch for ch in json.loads(_run("list", "--json").stdout) if ch["chapter"] == "05")
    expected = {(ex["name"], c["key"], str(c["hidden"]).lower()) for ex in chapter["exercises"] for c in ex["checks"]}
    rows = list(csv.DictReader((out / "report.csv").open()))
    assert [(r["exercise"], r["key"], r["hidden"]) for r in rows if (r["exercise"], r["key"], r["hidden"]) in expected] \
        == [(r["exercise"], r["key"], r["hidden"]) for r in rows] and len(rows) == len(expected)
    assert {r["n"] for r in rows} == {"8"}


@pytest.fixture(scope="module", params=list(WIDTHS))
def shown(request, chromium, out, tmp_path_factory):
    """(page, requests it made) of report.html at one width, its screenshot saved."""
    context = chromium.new_context(viewport=WIDTHS[request.param], bypass_csp=True)   # (to inject axe)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / "report.html").as_uri())
    page.wait_for_load_state("load")
    shots = Path(os.environ.get("CLASSREPORT_SHOTS") or tmp_path_factory.mktemp("shots"))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"report-{WIDTHS[request.param]['width']}.png"), full_page=True)
    yield page, requests
    context.close()


def test_nothing_is_wider_than_the_screen(shown):
    page, _ = shown
    wider = page.evaluate("""() => {
        const edge = window.innerWidth + 1, bad = [];
        if (document.scrollingElement.scrollWidth > window.innerWidth)
            bad.push('the page is ' + document.scrollingElement.scrollWidth + ' px wide');
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > edge) bad.push(el.tagName + ' ends at ' + Math.round(box.right));
        }
        return bad;
    }""")
    assert wider == []


def test_the_page_requests_nothing_but_itself(shown):
    page, requests = shown
    assert [u for u in requests if not u.startswith("file:")] == []


def test_the_page_has_no_critical_or_serious_axe_violation(shown):
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE} is missing): run `npm ci`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    page, _ = shown
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact,
                                            where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    assert [v for v in violations if v["impact"] in ("critical", "serious")] == []
