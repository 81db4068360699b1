"""A forbidden object of another library than Keras (scikit-learn's compute_class_weight) is caught
however it is imported, and the message names it."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_calling_scikit_learns_compute_class_weight_imported_by_name_scores_0(tmp_path):
    submission = ROOT / "tests" / "submissions" / "ch05" / "calls_sklearn.py"
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "--seed", "1", "--chapter", "05",
                           "--out", str(tmp_path), str(submission)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (results,) = tmp_path.rglob("results.json")
    tests = json.loads(results.read_text())["tests"]
    mine = [t for t in tests if t["name"].startswith("balanced_class_weight: ")]
    assert mine and all(t["score"] == 0 for t in mine)
    assert "calls sklearn.utils.class_weight.compute_class_weight — the library object" in mine[0]["output"]


def test_scikit_learns_compute_class_weight_imported_by_name_is_caught_in_the_source():
    """Not only by the sandbox's tripwires: a name imported from scikit-learn is read like one from Keras."""
    from autograder.shortcuts import find_shortcuts
    source = (ROOT / "tests" / "submissions" / "ch05" / "calls_sklearn.py").read_text()
    assert find_shortcuts([source], "balanced_class_weight") == ["sklearn.utils.class_weight.compute_class_weight"]
