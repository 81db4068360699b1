"""The class report (`python -m autograder report OUT`): what it counts, and what it refuses to read.

Each test writes a synthetic `grade --out` folder with `report.write_outputs` (so grades.csv and every
results.json have the grader's true shape), from Report/Result objects of chapter 05's real checks.
"""
import csv
import functools
import io
import json
import os
from pathlib import Path

import pytest

from autograder import exercises
from autograder.__main__ import main
from autograder.classreport import CheckId, CheckInfo, load, summarise
from autograder.classreport_page import report_csv, report_html, write
from autograder.report import Report, Result, Status, write_outputs
from autograder.runner import plan
from autograder.verdict import PASSED, Outcome, Problem

WEIGHTS = "balanced_class_weight"
FOCAL = "binary_focal_crossentropy"
INVERTED = "the weights are inverted (n_classes·count / n_samples)"


@functools.cache
def _checks():
    """(exercise, check, its points) of chapter 05."""
    found = []
    for ex in exercises.exercises_for("05"):
        checks = plan(ex.name, 0)
        total = sum(c.weight for c in checks)
        found += [(ex, c, ex.points * c.weight / total) for c in checks]
    return found


def learner(name, fails=(), slip="", status=Status.GRADED) -> Report:
    """A chapter 05 submission failing the checks in `fails` ((exercise, key, hidden), or an exercise's
    name for all its checks), each failure with `slip`."""
    results = []
    for ex, c, points in _checks():
        failed = ex.name in fails or (ex.name, c.key, c.hidden) in fails
        outcome = Outcome(False, Problem.VALUES, slip=slip) if failed else PASSED
        results.append(Result(ex.name, c.key, c.title, 0.0 if failed else points, points, c.hidden, outcome))
    return Report(Path(name), "05", results, status=status, name=name)


def graded(tmp_path, reports) -> Path:
    out = tmp_path / "out"
    write_outputs(reports, out)
    return out


def summary_of(out):
    return summarise(load(out))


def check(summary, exercise, key, hidden=False):
    return next(c for c in summary.checks if c.info.id == CheckId(exercise, key, hidden))


def test_the_histogram_counts_each_graded_submission_in_its_score_band(tmp_path):
    out = graded(tmp_path, [learner("a.py"), learner("b.py"), learner("c.py", fails=(WEIGHTS, FOCAL)),
                            learner("d.py", fails=(FOCAL,))])
    counts = {b.label: b.count for b in summary_of(out).bins}
    assert counts == {**{f"{10 * i}–{10 * i + 9} %": 0 for i in range(10)}, "0–9 %": 1, "50–59 %": 1, "100 %": 2}


def test_the_histograms_counts_are_in_the_svg_and_in_a_table(tmp_path):
    page = report_html(summary_of(graded(tmp_path, [learner("a.py"), learner("b.py"), learner("c.py", fails=(FOCAL,))])))
    assert "<svg" in page and '<title id="hist-title">Score distribution of 3 graded submissions</title>' in page
    assert "100 %: 2" in page and "50–59 %: 1" in page
    assert '<th scope="row">100 %</th><td class="num">2</td>' in page


def test_a_checks_pass_rate_is_the_share_of_graded_submissions_that_passed_it(tmp_path):
    out = graded(tmp_path, [learner("a.py"), learner("b.py", fails=((WEIGHTS, "keys", False),)),
                            learner("c.py", fails=((WEIGHTS, "keys", False),)), learner("d.py")])
    keys = check(summary_of(out), WEIGHTS, "keys")
    assert (keys.passed, keys.n, keys.pass_rate) == (2, 4, 0.5)
    assert check(summary_of(out), WEIGHTS, "keys", hidden=True).pass_rate == 1.0


def test_the_hardest_checks_come_first(tmp_path):
    out = graded(tmp_path, [learner("a.py", fails=((WEIGHTS, "list", True),)), learner("b.py")])
    first = summary_of(out).checks[0]
    assert first.info.id == CheckId(WEIGHTS, "list", True) and first.pass_rate == 0.5


def test_public_and_hidden_checks_are_in_separately_labelled_tables(tmp_path):
    page = report_html(summary_of(graded(tmp_path, [learner("a.py")])))
    assert page.index("<caption>Public checks") < page.index("<caption>Hidden checks")


def test_a_diagnosis_is_counted_once_per_learner(tmp_path):
    inverted = ((WEIGHTS, "values", False), (WEIGHTS, "values", True))     # both checks say it
    out = graded(tmp_path, [learner("a.py", fails=inverted, slip=INVERTED), learner("b.py", fails=inverted, slip=INVERTED),
                            learner("c.py")])
    summary = summary_of(out)
    assert [(d.exercise, d.slip, d.learners) for d in summary.diagnoses] == [(WEIGHTS, INVERTED, 2)]
    assert "<strong>2 learners</strong>" in report_html(summary)


def test_problem_categories_count_learners_and_failed_checks(tmp_path):
    out = graded(tmp_path, [learner("a.py", fails=(WEIGHTS,)), learner("b.py")])
    assert [(p.problem, p.learners, p.checks) for p in summary_of(out).problems] == [("values", 1, 6)]


def test_each_exercise_has_its_mean_median_and_full_marks_share(tmp_path):
    out = graded(tmp_path, [learner("a.py"), learner("b.py", fails=(WEIGHTS,)), learner("c.py", fails=(WEIGHTS,))])
    stats = {e.name: e for e in summary_of(out).exercises}
    assert (stats[WEIGHTS].mean, stats[WEIGHTS].median, stats[WEIGHTS].full_marks) == pytest.approx((10 / 3, 0, 1 / 3))
    assert stats[FOCAL].full_marks == 1.0


def test_a_check_only_strong_learners_pass_has_a_positive_discrimination(tmp_path):
    strong = [learner(f"s{i}.py") for i in range(3)]
    weak = [learner(f"w{i}.py", fails=(FOCAL, (WEIGHTS, "keys", False))) for i in range(3)]
    r = check(summary_of(graded(tmp_path, strong + weak)), WEIGHTS, "keys").discrimination
    assert r is not None and r > 0.9


def test_a_check_only_weak_learners_pass_has_a_negative_discrimination(tmp_path):
    strong = [learner(f"s{i}.py", fails=((WEIGHTS, "list", False),)) for i in range(3)]
    weak = [learner(f"w{i}.py", fails=(FOCAL,)) for i in range(3)]
    assert check(summary_of(graded(tmp_path, strong + weak)), WEIGHTS, "list").discrimination < 0


def test_a_check_everyone_passes_has_no_discrimination_and_says_why(tmp_path):
    out = graded(tmp_path, [learner("a.py"), learner("b.py", fails=(FOCAL,)), learner("c.py")])
    keys = check(summary_of(out), WEIGHTS, "keys")
    assert (keys.discrimination, keys.why_none) == (None, "everyone passed")


def test_submissions_not_graded_are_listed_with_their_status_and_left_out(tmp_path):
    broken = learner("broken.ipynb", fails=(FOCAL, WEIGHTS), status=Status.UNREADABLE)
    broken.detail = "not a notebook"
    summary = summary_of(graded(tmp_path, [learner("a.py"), broken]))
    assert [(n.name, n.status) for n in summary.not_graded] == [("broken.ipynb", "unreadable: not a notebook")]
    assert summary.graded == 1 and check(summary, WEIGHTS, "keys").n == 1


def test_a_hostile_submission_name_is_escaped_in_the_page(tmp_path):
    hostile = learner("<script>alert(1)<script>.py", status=Status.NOT_RUN)
    page = report_html(summary_of(graded(tmp_path, [learner("a.py"), hostile])))
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;script&gt;.py" in page


def test_the_page_runs_no_script_and_loads_nothing(tmp_path):
    page = report_html(summary_of(graded(tmp_path, [learner("a.py")])))
    assert "default-src 'none'" in page and "<script" not in page and "src=" not in page and "<link" not in page


@pytest.mark.parametrize("content", [b"{not json", b'{"tests": "none"}', b'{"tests": [{"score": "1"}]}',
                                     b'{"tests": [{"score": 1, "max_score": 1, "status": "passed", "extra_data": '
                                     b'{"exercise": "balanced_class_weight", "key": "keys", "hidden": "no"}}]}',
                                     b"[" * 100_000, b"\xff\xfe"])
def test_a_malformed_results_json_is_skipped_and_counted(tmp_path, content):
    out = graded(tmp_path, [learner("a.py"), learner("b.py", fails=(WEIGHTS,))])
    (out / "submissions" / "b.py" / "results.json").write_bytes(content)
    summary = summary_of(out)
    assert sum(summary.skipped.values()) == 1 and summary.with_results == 1
    assert check(summary, WEIGHTS, "keys").pass_rate == 1.0


def test_a_results_json_larger_than_the_cap_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr("autograder.classreport.MAX_RESULTS_BYTES", 1000)
    summary = summary_of(graded(tmp_path, [learner("a.py")]))
    assert summary.with_results == 0 and summary.skipped == {"results.json larger than 1,000 bytes": 1}


def test_a_check_this_grader_does_not_know_is_left_out(tmp_path):
    out = graded(tmp_path, [learner("a.py")])
    path = out / "submissions" / "a.py" / "results.json"
    doc = json.loads(path.read_text())
    doc["tests"][0]["extra_data"]["key"] = "forged"
    path.write_text(json.dumps(doc))
    summary = summary_of(out)
    assert "forged" not in {c.info.id.key for c in summary.checks}
    assert summary.skipped == {"checks this grader does not know (left out of their files)": 1}


def test_a_symlinked_results_json_is_not_followed(tmp_path):
    out = graded(tmp_path, [learner("a.py"), learner("b.py", fails=(WEIGHTS,))])
    elsewhere = tmp_path / "elsewhere.json"
    target = out / "submissions" / "b.py" / "results.json"
    target.replace(elsewhere)
    target.symlink_to(elsewhere)
    summary = summary_of(out)
    assert summary.with_results == 1 and summary.skipped == {"links (not followed)": 1}


def test_a_symlinked_folder_is_not_followed(tmp_path):
    out = graded(tmp_path, [learner("a.py"), learner("b.py", fails=(WEIGHTS,))])
    folder = out / "submissions" / "b.py"
    folder.replace(tmp_path / "outside")
    folder.symlink_to(tmp_path / "outside", target_is_directory=True)
    summary = summary_of(out)
    assert summary.with_results == 1 and summary.skipped == {"links (not followed)": 1}


def test_a_fifo_named_results_json_is_skipped_without_waiting(tmp_path):
    out = graded(tmp_path, [learner("a.py"), learner("b.py")])
    path = out / "submissions" / "b.py" / "results.json"
    path.unlink()
    os.mkfifo(path)
    assert summary_of(out).skipped == {"results.json not a regular file": 1}


def test_csv_cells_are_never_formulas(tmp_path):
    out = graded(tmp_path, [learner("a.py")])
    path = out / "submissions" / "a.py" / "results.json"
    doc = json.loads(path.read_text())
    doc["tests"] = [{"score": 1, "max_score": 1, "status": "passed", "extra_data": {
        "exercise": "=HYPERLINK(1)", "key": "+1", "hidden": False, "problem": "none", "slip": ""}}]
    path.write_text(json.dumps(doc))
    known = {CheckId("=HYPERLINK(1)", "+1", False): CheckInfo(CheckId("=HYPERLINK(1)", "+1", False), "@SUM(A1)")}
    rows = list(csv.reader(io.StringIO(report_csv(summarise(load(out, known))))))
    assert rows[1][:3] == ["'=HYPERLINK(1)", "'+1", "'@SUM(A1)"]


def test_report_csv_has_one_row_per_check_hardest_first(tmp_path):
    out = graded(tmp_path, [learner("a.py", fails=((WEIGHTS, "keys", True),)), learner("b.py")])
    rows = list(csv.DictReader(io.StringIO(report_csv(summary_of(out)))))
    assert len(rows) == len(_checks())
    assert rows[0] == {"exercise": WEIGHTS, "key": "keys", "title": rows[0]["title"], "hidden": "true",
                       "pass_rate": "0.5000", "n": "2", "discrimination": rows[0]["discrimination"]}


def test_the_command_writes_report_html_and_csv(tmp_path, capsys):
    out = graded(tmp_path, [learner("a.py")])
    assert main(["report", str(out)]) == 0
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>") and (out / "report.csv").exists()


def test_a_folder_without_grades_csv_is_refused_with_a_message(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "no grades.csv" in capsys.readouterr().err


def test_a_planted_link_named_report_html_is_replaced_not_written_through(tmp_path):
    out = graded(tmp_path, [learner("a.py")])
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / "report.html").symlink_to(victim)
    write(out)
    assert victim.read_text() == "keep" and not (out / "report.html").is_symlink()
