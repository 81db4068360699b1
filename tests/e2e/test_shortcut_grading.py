"""Ready-made answers graded in the sandbox, as an instructor's batch would: a shortcut scores 0 and says
which call it made, caught in the source or, when the source hides it, by the sandbox's tripwires; the
exercises answered honestly in the same files keep their points. (Which callables count as shortcuts:
tests/checks/test_shortcut_equivalents.py.)"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "submissions" / "hostile"


def _graded(tmp_path_factory, stem, chapter):
    out = tmp_path_factory.mktemp(stem)
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", "--seed", "1", "--chapter", chapter,
                           "--out", str(out), str(HOSTILE / f"{stem}.py")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (results,) = out.rglob("results.json")
    tests = json.loads(results.read_text())["tests"]
    by_exercise = {}
    for test in tests:
        by_exercise.setdefault(test["extra_data"]["exercise"], []).append(test)
    return by_exercise


@pytest.fixture(scope="module")
def tensorflow_shortcuts(tmp_path_factory):
    return _graded(tmp_path_factory, "shortcut_tensorflow", "03")


@pytest.fixture(scope="module")
def sklearn_shortcuts(tmp_path_factory):
    return _graded(tmp_path_factory, "shortcut_sklearn", "06")


def _scores_0_saying(tests, exercise, called):
    return all(t["score"] == 0 and f"{exercise} calls " in t["output"] and called in t["output"]
               and f"so {exercise} scores 0" in t["output"] for t in tests)


def test_binary_crossentropy_answered_with_tf_nn_and_tf_keras_backend_scores_0_and_says_why(tensorflow_shortcuts):
    assert _scores_0_saying(tensorflow_shortcuts["binary_crossentropy"], "binary_crossentropy",
                            "sigmoid_cross_entropy_with_logits")


def test_categorical_crossentropy_reaching_tf_nn_through_getattr_is_caught_by_the_tripwires(tensorflow_shortcuts):
    """Its source names no forbidden object: only the sandbox's tripwires can see the call."""
    assert _scores_0_saying(tensorflow_shortcuts["categorical_crossentropy"], "categorical_crossentropy",
                            "tensorflow.nn.softmax_cross_entropy_with_logits")


def test_the_exercises_of_the_tensorflow_file_answered_with_keras_ops_keep_their_points(tensorflow_shortcuts):
    for exercise in ("sparse_categorical_crossentropy", "hinge"):
        assert all(t["score"] == t["max_score"] > 0 for t in tensorflow_shortcuts[exercise]), exercise


def test_confusion_counts_answered_with_scikit_learns_confusion_matrix_scores_0_and_says_why(sklearn_shortcuts):
    assert _scores_0_saying(sklearn_shortcuts["confusion_counts"], "confusion_counts", "confusion_matrix")


def test_the_exercises_of_the_scikit_learn_file_answered_with_keras_ops_keep_their_points(sklearn_shortcuts):
    for exercise in ("precision_recall_f1", "threshold_for_recall"):
        assert all(t["score"] == t["max_score"] > 0 for t in sklearn_shortcuts[exercise]), exercise
