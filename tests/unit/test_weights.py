"""An instructor can read every check's points and change its weight in a course file, without code."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import exercises, weights
from autograder.runner import plan

ROOT = Path(__file__).resolve().parents[2]


def _course(tmp_path, text):
    path = tmp_path / "course.toml"
    path.write_text(text)
    return path


def test_a_course_file_changes_the_weight_of_a_key_and_its_hidden_twin(tmp_path):
    overrides = weights.load(_course(tmp_path, "[mse]\ngraph = 7\n"))
    weight = {(c.key, c.hidden): c.weight for c in plan("mse", 0, overrides)}
    default = {(c.key, c.hidden): c.weight for c in plan("mse", 0)}
    for hidden in (False, True):       # graph now weighs 7/4 of values, in the public and in the hidden half
        assert weight[("graph", hidden)] / weight[("values", hidden)] == pytest.approx(7 / 4)
        assert default[("graph", hidden)] / default[("values", hidden)] == pytest.approx(1 / 4)


@pytest.mark.parametrize("name", [ex.name for ex in exercises.EXERCISES])
@pytest.mark.parametrize("seed", [0, 7, 2**31 - 1])
def test_hidden_checks_carry_half_of_every_exercises_points_under_every_seed(name, seed):
    checks = plan(name, seed)
    assert sum(c.weight for c in checks if c.hidden) == pytest.approx(0.5)
    assert sum(c.weight for c in checks) == pytest.approx(1.0)


@pytest.mark.parametrize("name", [ex.name for ex in exercises.EXERCISES])
def test_the_shares_of_the_checks_do_not_depend_on_the_seed(name):
    shares = [{(c.key, c.hidden): c.weight for c in plan(name, seed)} for seed in (1, 2, 3)]
    assert shares[0] == shares[1] == shares[2]


def test_a_self_check_shares_all_points_among_the_public_checks_in_the_same_proportions():
    public = {c.key: c.weight for c in plan("mse", None)}
    graded = {c.key: c.weight for c in plan("mse", 0) if not c.hidden}
    assert sum(public.values()) == pytest.approx(1.0)
    assert all(public[k] == pytest.approx(2 * graded[k]) for k in public)


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
