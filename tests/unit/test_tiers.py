"""The tiers: tests/unit runs without TensorFlow (and `make` runs it so), the others by folder."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


def run_fast_tier(tmp_path, body):
    test = tmp_path / "test_probe.py"
    test.write_text(body)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.no_tensorflow", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), "-c", "/dev/null", str(test)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_fast_test_that_imports_keras_fails(tmp_path):
    proc = run_fast_tier(tmp_path, "def test_uses_keras():\n    import keras\n")
    assert proc.returncode == 1 and "the fast tier imports no keras" in proc.stdout, proc.stdout[-2000:]


def test_a_fast_test_that_imports_nothing_heavy_passes(tmp_path):
    proc = run_fast_tier(tmp_path, "def test_plain():\n    import json, numpy\n")
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_make_runs_the_unit_tier_with_the_blocker_in_test_fast_and_test():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("test-fast", "test"):
        recipe = re.search(rf"^{target}: .*\n((?:\t.*\n)+)", makefile, re.M).group(1)
        assert "-p tests.no_tensorflow tests/unit" in recipe, target


def test_make_test_runs_every_tier():
    recipe = re.search(r"^test: .*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    for tier in ("unit", "checks", "e2e", "notebooks"):
        assert f"tests/{tier}" in recipe


def test_every_test_file_is_in_a_tier():
    loose = sorted(p.name for p in TESTS.glob("test_*.py"))
    assert loose == []
    for path in TESTS.rglob("test_*.py"):
        if "submissions" not in path.parts:
            assert path.relative_to(TESTS).parts[0] in ("unit", "checks", "e2e", "notebooks"), path


def test_under_xdist_a_file_is_one_unit_of_work():
    from tiers import work_unit
    assert work_unit("tests/e2e/test_grading.py::test_x[ch02/mse_rmse.py]") == "tests/e2e/test_grading.py"


def test_under_xdist_a_chapters_tests_are_one_unit_of_work():
    from tiers import work_unit
    cell = work_unit("tests/notebooks/test_chapters.py::test_cell_runs[05_imbalanced_data-cell3]")
    whole = work_unit("tests/notebooks/test_chapters.py::test_the_chapter_ran_to_its_end[05_imbalanced_data]")
    other = work_unit("tests/notebooks/test_chapters.py::test_the_chapter_ran_to_its_end[06_metrics]")
    assert cell == whole != other


def test_under_xdist_a_corpus_files_tests_are_one_unit_of_work():
    from tiers import work_unit
    a = work_unit("tests/checks/test_corpus_across_seeds.py::test_exactly[one_flaw/mse__x.py]")
    b = work_unit("tests/checks/test_corpus_across_seeds.py::test_the_same_score[one_flaw/mse__x.py]")
    assert a == b != work_unit("tests/checks/test_corpus_across_seeds.py::test_exactly[ch02/mse_rmse.py]")


def test_the_website_test_files_are_one_work_unit():
    from tiers import SITE, work_unit
    assert work_unit("tests/notebooks/test_book.py::test_x") == SITE
    assert work_unit("tests/notebooks/test_site_layout.py::test_y[a]") == SITE
    assert work_unit("tests/notebooks/test_chapters.py::test_z[02_x-cell1]") != SITE


def test_chromium_is_started_in_one_place_so_a_worker_can_run_every_browser_test():
    """Playwright's sync API cannot start twice in one process while the first is open: a worker
    that ran the website's files and then the class report's errored (CI, 2026-12-03)."""
    starts = sorted(str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py")
                    if "sync_playwright()" in p.read_text() and p.name != "test_tiers.py")
    assert starts == ["conftest.py"]
