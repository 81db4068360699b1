"""The GitHub Classroom template: its workflow, and the per-exercise verdict step."""
from pathlib import Path

import pytest
import yaml

from autograder import exercises
from autograder.release import repository_url
from autograder.classroom import Source, exercise_checks, step_id, verdict, workflow, write_template

SOURCE = Source(repository_url(), "0123abcd")
CH05 = exercises.chapter("05")


def _steps(chapter=CH05):
    return yaml.safe_load(workflow(chapter, SOURCE))["jobs"]["run-autograding-tests"]["steps"]


def test_each_exercise_is_one_command_grader_step_worth_its_points():
    graders = [s for s in _steps() if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")]
    assert [(s["with"]["test-name"], s["with"]["max-score"]) for s in graders] == [
        (ex.name, ex.points) for ex in exercises.exercises_for("05")]


def test_the_reporter_reads_every_exercise_step():
    ids = [s["id"] for s in _steps() if "id" in s]
    reporter = _steps()[-1]
    assert reporter["with"]["runners"].split(",") == ids
    assert set(reporter["env"]) == {f"{i.upper()}_RESULTS" for i in ids}


def test_the_grader_is_installed_from_the_course_repository_at_a_fixed_revision_not_the_checkout():
    install = next(s["run"] for s in _steps() if "Install" in s.get("name", ""))
    owner_repo = repository_url().removeprefix("https://github.com/")
    assert f"git+{repository_url()}@0123abcd" in install
    assert f"raw.githubusercontent.com/{owner_repo}/0123abcd/constraints.txt" in install
    assert "-e ." not in install and "install ." not in install


def test_the_notebook_is_graded_once_by_the_route_that_ignores_the_learners_pytest_configuration():
    runs = [s["run"] for s in _steps() if "run" in s]
    grading = [r for r in runs if "autograder pytest" in r]
    assert len(grading) == 1 and "python -I -m autograder pytest" in grading[0]
    assert "--junitxml" in grading[0] and "--chapter 05" in grading[0]


def test_no_seed_is_in_the_workflow():
    text = workflow(CH05, SOURCE).lower()
    assert "seed" not in text and "secrets." not in text


def test_step_ids_are_letters_digits_and_hyphens():
    assert step_id("binary_focal_crossentropy") == "ex-binary-focal-crossentropy"
    assert step_id("F1Score") == "ex-f1score"


def test_the_template_holds_the_notebook_a_readme_and_the_workflow(tmp_path):
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text("{}")
    written = write_template(CH05, SOURCE, tmp_path / "t", notebook)
    assert sorted(p.relative_to(tmp_path / "t").as_posix() for p in written) == [
        ".github/workflows/classroom.yml", "05_imbalanced_data.ipynb", "README.md"]


def _junit(*cases: str) -> bytes:
    return ('<?xml version="1.0"?><testsuites><testsuite>' + "".join(cases) + "</testsuite></testsuites>").encode()


def _case(check, failure=None):
    body = f'<properties><property name="check" value="{check}"/></properties>'
    if failure:
        body += f'<failure message="{failure}">{failure}</failure>'
    return f'<testcase name="{check}">{body}</testcase>'


def test_an_exercise_passes_only_when_every_one_of_its_checks_passed(tmp_path):
    report = tmp_path / "g.xml"
    report.write_bytes(_junit(_case("mse:values"), _case("mse:graph", "graph mode differs"), _case("mae:values")))
    assert verdict(report, "mae")[0] is True
    passed, text = verdict(report, "mse")
    assert passed is False and "graph mode differs" in text


def test_a_submission_that_was_not_graded_fails_every_exercise():
    lines = exercise_checks(_junit('<testcase name="nb.ipynb::submission"><failure message="unreadable"/></testcase>'),
                            "mse")
    assert [(l.check, l.passed) for l in lines] == [("submission", False)]


@pytest.mark.parametrize("content,why", [(None, "did not finish"), (b"<not xml", "not valid XML"),
                                         (_junit(), "No check of mse")])
def test_without_a_usable_report_the_exercise_fails_and_says_why(tmp_path, content, why):
    report = tmp_path / "g.xml"
    if content is not None:
        report.write_bytes(content)
    passed, text = verdict(report, "mse")
    assert passed is False and why in text


def test_a_failure_message_reaches_the_log_neutralised(tmp_path):
    report = tmp_path / "g.xml"
    report.write_bytes(_junit(_case("mse:values", "x&#27;[2J&#10;forged")))
    text = verdict(report, "mse")[1]
    assert "\x1b" not in text
