"""What an instructor's files say: results.json for Gradescope and grades.csv."""
import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from autograder.report import Report, Result, Status, Visibility, grades_csv, gradescope, write_outputs
from autograder.verdict import PASSED, Outcome, Problem


def _report(name="alice.ipynb", hidden_failed=True):
    failed = Outcome(False, Problem.VALUES, kind="a batch", where="mse(a, b)", expected=np.ones(2), got=np.zeros(2))
    results = [Result("mse", "values", "values match Keras", 4.0, 4.0, False, PASSED),
               Result("mse", "graph", "graph mode", 0.0, 2.0, False, failed),
               Result("mse", "values", "values on hidden batches", 0.0 if hidden_failed else 4.0, 4.0, True,
                      failed if hidden_failed else PASSED)]
    return Report(Path(name), "02", results)


def test_with_hidden_checks_the_top_level_output_states_only_visible_points():
    out = gradescope(_report())
    assert out["output"].startswith("Chapter 02: 4 of 6 points on the checks shown now")
    assert "40" not in out["output"] and out["score"] == 4.0


def test_when_hidden_checks_are_visible_the_output_states_the_total():
    out = gradescope(_report(), Visibility(hidden="visible"))
    assert out["output"].startswith("Chapter 02: 4 of 40 points.")


@pytest.mark.parametrize("public,hidden", [("visible", "after_published"), ("after_due_date", "hidden")])
def test_the_visibility_of_public_and_hidden_checks_is_an_option(public, hidden):
    tests = gradescope(_report(), Visibility(public, hidden))["tests"]
    assert [t["visibility"] for t in tests] == [public, public, hidden]


def test_an_unknown_visibility_is_refused():
    with pytest.raises(ValueError):
        Visibility("sometimes")


def test_every_text_is_plain_text_for_gradescope():
    out = gradescope(_report())
    assert out["output_format"] == "text" and all(t["output_format"] == "text" for t in out["tests"])


def test_a_hidden_tests_output_is_rendered_without_values():
    hidden = gradescope(_report())["tests"][2]
    assert hidden["output"] == "a batch: your result differs from the reference"


def test_results_json_carries_each_checks_key():
    tests = gradescope(_report())["tests"]
    assert [t["extra_data"] for t in tests] == [{"exercise": "mse", "key": "values", "hidden": False},
                                               {"exercise": "mse", "key": "graph", "hidden": False},
                                               {"exercise": "mse", "key": "values", "hidden": True}]


def test_a_file_name_like_a_formula_is_text_in_grades_csv():
    rows = list(csv.reader(io.StringIO(grades_csv([_report("=HYPERLINK(1).py")]))))
    assert rows[1][0] == "'=HYPERLINK(1).py"


def test_a_lone_surrogate_in_a_status_does_not_stop_grades_csv(tmp_path):
    report = _report()
    report.detail = "cell 3: ValueError: \ud800"
    write_outputs([report, _report("bob.py")], tmp_path)
    text = (tmp_path / "grades.csv").read_text(encoding="utf-8")
    assert "bob.py" in text and "\ud800" not in text


def test_the_status_is_an_enum_with_the_graders_words():
    report = Report(Path("x.py"), "02", status=Status.NOT_RUN, detail="no exercise of any chapter is defined")
    assert not report.ok and report.status_text == "not run: no exercise of any chapter is defined"
    assert json.loads(json.dumps(gradescope(report)))["score"] == 0
