"""An instructor can read every check's points and change its weight in a course file, without code."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import weights
from autograder.runner import plan

ROOT = Path(__file__).resolve().parent.parent


def _course(tmp_path, text):
    path = tmp_path / "course.toml"
    path.write_text(text)
    return path


def test_a_course_file_changes_the_weight_of_a_key_and_its_hidden_twin(tmp_path):
    overrides = weights.load(_course(tmp_path, "[mse]\ngraph = 7\n"))
    checks = plan("mse", 0, overrides)
    assert {c.weight for c in checks if c.key == "graph"} == {7.0}
    assert {c.weight for c in checks if c.key == "values"} == {c.weight for c in plan("mse", 0) if c.key == "values"}


@pytest.mark.parametrize("text,words", [("[nope]\nvalues = 1\n", "no exercise"),
                                        ("[mse]\nnope = 1\n", "has no check"),
                                        ("[mse]\nvalues = -1\n", ">= 0"),
                                        ("[mse]\nvalues = true\n", ">= 0"),
                                        ("[mse\n", "course.toml")])
def test_a_course_file_with_a_mistake_is_refused_with_its_reason(tmp_path, text, words):
    with pytest.raises(weights.WeightsError, match=words):
        weights.load(_course(tmp_path, text))


def test_list_prints_each_check_key_with_its_points(tmp_path):
    course = _course(tmp_path, "[mse]\ngraph = 0\n")
    out = subprocess.run([sys.executable, "-m", "autograder", "list", "--json", "--weights", str(course)],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    (mse,) = [e for ch in json.loads(out) for e in ch["exercises"] if e["name"] == "mse"]
    points = {(c["key"], c["hidden"]): c["points"] for c in mse["checks"]}
    assert points[("graph", False)] == 0 and sum(points.values()) == pytest.approx(10, abs=1e-2)
