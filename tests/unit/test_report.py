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
    assert [(t["extra_data"]["exercise"], t["extra_data"]["key"], t["extra_data"]["hidden"]) for t in tests] == [
        ("mse", "values", False), ("mse", "graph", False), ("mse", "values", True)]


def test_results_json_carries_each_checks_problem_and_slip_for_a_class_report():
    slipped = Outcome(False, Problem.VALUES, kind="a batch", slip="the weights inverted", got=np.zeros(2))
    report = Report(Path("a.py"), "05", [Result("w", "values", "values", 0.0, 4.0, True, slipped),
                                         Result("w", "types", "types", 1.0, 1.0, False, PASSED)])
    assert [(t["extra_data"]["problem"], t["extra_data"]["slip"]) for t in gradescope(report)["tests"]] == [
        ("values", "the weights inverted"), ("none", "")]


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


# --------------------------------------------------------------------------- outputs: total and collision-free

def _batch(paths):
    from autograder.report import batch_names
    reports = []
    for path, name in zip(paths, batch_names(paths)):
        report = _report(str(path))
        report.name = name
        reports.append(report)
    return reports


def _rows(out):
    return list(csv.reader((out / "grades.csv").open(newline="", encoding="utf-8")))[1:]


def test_a_submission_named_grades_csv_py_cannot_touch_the_batch_files(tmp_path):
    out = tmp_path / "out"
    write_outputs(_batch([tmp_path / "in" / "grades.csv.py", tmp_path / "in" / "bob.py"]), out)
    assert [row[0] for row in _rows(out)] == ["grades.csv.py", "bob.py"]
    assert (out / "submissions" / "grades.csv.py" / "results.json").is_file()


def test_the_same_file_name_in_two_learners_folders_gives_two_rows_and_two_folders(tmp_path):
    paths = [tmp_path / "alice" / "05_imbalanced_data.ipynb", tmp_path / "bob" / "05_imbalanced_data.ipynb"]
    out = tmp_path / "out"
    write_outputs(_batch(paths), out)
    assert [row[0] for row in _rows(out)] == ["alice/05_imbalanced_data.ipynb", "bob/05_imbalanced_data.ipynb"]
    assert {p.parent.parent.name for p in (out / "submissions").rglob("results.json")} == {"alice", "bob"}


def test_a_name_like_a_deduplicated_folder_is_its_own_row_and_folder(tmp_path):
    paths = [tmp_path / "a" / "x.py", tmp_path / "b" / "x.py", tmp_path / "a" / "x-2.py", tmp_path / "a" / "x.ipynb"]
    out = tmp_path / "out"
    write_outputs(_batch(paths), out)
    names = [row[0] for row in _rows(out)]
    assert len(set(names)) == 4
    assert len(list((out / "submissions").rglob("results.json"))) == 4


def test_names_that_differ_only_in_control_characters_stay_different_rows(tmp_path):
    paths = [tmp_path / "x\x01.py", tmp_path / "x\x02.py", tmp_path / "x\ufffd.py", tmp_path / "x\\x01.py"]
    rows = _rows_of(_batch(paths))
    assert len({row[0] for row in rows}) == 4
    assert all(ch.isprintable() for row in rows for ch in row[0])


def test_a_leading_quote_keeps_formula_looking_names_apart(tmp_path):
    rows = _rows_of(_batch([tmp_path / "=cmd.py", tmp_path / "'=cmd.py", tmp_path / "+1.py"]))
    names = [row[0] for row in rows]
    assert len(set(names)) == 3 and all(n[0] == "'" for n in names)


def test_a_lone_surrogate_in_a_file_name_still_gives_a_complete_grades_csv(tmp_path):
    out = tmp_path / "out"
    write_outputs(_batch([tmp_path / "a\udcff.py", tmp_path / "b.py"]), out)
    assert len(_rows(out)) == 2


def test_a_results_json_that_cannot_be_written_still_leaves_every_row(tmp_path, monkeypatch):
    from autograder import report as report_module
    real = report_module._write_results

    def flaky(out_fd, name, text):
        if name == "a.py":
            raise OSError(28, "No space left on device")
        return real(out_fd, name, text)

    monkeypatch.setattr(report_module, "_write_results", flaky)
    out = tmp_path / "out"
    write_outputs(_batch([tmp_path / "a.py", tmp_path / "b.py"]), out)
    assert [row[0] for row in _rows(out)] == ["a.py", "b.py"]


def test_the_same_file_given_twice_has_one_name(tmp_path):
    from autograder.report import batch_names
    assert batch_names([tmp_path / "a.py", tmp_path / "sub" / ".." / "a.py"]) == ["a.py", "a.py"]


def _rows_of(reports):
    return list(csv.reader(io.StringIO(grades_csv(reports))))[1:]


def test_a_folder_and_a_file_inside_it_never_overwrite_each_others_results(tmp_path):
    out = tmp_path / "out"
    reports = _batch([tmp_path / "in" / "x.py", tmp_path / "in" / "x.py" / "results.json",
                      tmp_path / "in" / "y", tmp_path / "in" / "y" / "results.json" / "z.py"])
    write_outputs(reports, out)
    assert len(_rows(out)) == 4
    found = sorted(str(p.relative_to(out / "submissions")) for p in (out / "submissions").rglob("results.json")
                   if p.is_file())
    assert found == ["x.py/results.json", "y/results.json/z.py/results.json"]
