"""The grader never imports TensorFlow or Keras: the answer key is text it sends to another process."""
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import isolation

ROOT = Path(__file__).resolve().parents[2]
HINTS = ROOT / "tests" / "submissions" / "hints"


def _run(code):
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_building_every_check_imports_neither_keras_nor_tensorflow():
    proc = _run("import sys\nfrom autograder import exercises\nfrom autograder.checks import checks_for\n"
                "for ex in exercises.EXERCISES: checks_for(ex.name, 1)\n"
                "print(sorted(m for m in ('keras', 'tensorflow', 'jax') if m in sys.modules))")
    assert proc.stdout.strip() == "[]", proc.stderr[-2000:]


@pytest.mark.skipif(not isolation.detect().isolated, reason="submissions cannot be isolated here")
def test_grading_every_chapter_in_isolated_mode_never_imports_tensorflow(tmp_path):
    files = sorted(str(p) for p in HINTS.glob("ch*.py"))
    proc = _run("import sys\nfrom autograder import isolation\nfrom autograder.grade import grade_many\n"
                f"reports = grade_many({files!r}, {str(tmp_path)!r}, seed=7, jobs=2, progress=False, "
                "mode=isolation.detect())\n"
                "print([(r.chapter, r.total(), r.max_total()) for r in reports])\n"
                "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))")
    totals, imported = proc.stdout.strip().splitlines()[-2:]
    assert imported == "[]", proc.stderr[-2000:]
    graded = eval(totals)                                  # [(chapter, total, max_total)], printed above
    assert len(graded) == len(files) and all(total == top for _, total, top in graded), graded
