"""The pytest route: `python -I -m autograder pytest FILE --chapter NN` grades a submission with one pytest
item per check (GitHub Classroom, CI), in a fresh pytest that nothing of the learner's workspace configures.

It is started here as `python -I -m autograder.ci` (the module behind the subcommand).
"""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder import exercises
from autograder.checks import checks_for

ROOT = Path(__file__).resolve().parents[2]
CH02 = [ex.name for ex in exercises.exercises_for("02")]
PUBLIC_CHECKS = sum(len(checks_for(name)) for name in CH02)


def clean_environment(env):
    environ = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_SEED" and not k.startswith("PYTEST_")}
    environ.update(env or {})
    return environ


def run_safe(cwd, *args, env=None):
    """The safe command for chapter 02, started in `cwd`; (process, JUnit root or None). The JUnit
    report goes beside `cwd`, not into it."""
    junit = cwd.parent / f"{cwd.name}-junit.xml"
    proc = subprocess.run([sys.executable, "-I", "-m", "autograder.ci", "--chapter", "02",
                           f"--junitxml={junit}", *args],
                          cwd=cwd, capture_output=True, text=True, env=clean_environment(env), timeout=600)
    return proc, (ET.parse(junit).getroot() if junit.exists() else None)


def run_pytest(cwd, *args, env=None):
    """Plain `python -m pytest ARGS` in `cwd` (the plugin's own route); (process, JUnit root or None)."""
    junit = cwd.parent / f"{cwd.name}-junit.xml"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf",
                           f"--junitxml={junit}", *args],
                          cwd=cwd, capture_output=True, text=True, env=clean_environment(env), timeout=600)
    return proc, (ET.parse(junit).getroot() if junit.exists() else None)


def cases(junit):
    """{"<classname>::<name>": testcase}: JUnit splits an item's id into the file and the check."""
    return {f"{case.get('classname')}::{case.get('name')}": case for case in junit.iter("testcase")}


def points(case):
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    return float(props["points"]), float(props["max_points"])


@pytest.fixture(scope="module")
def buggy_run(tmp_path_factory, submissions_dir):
    tmp = tmp_path_factory.mktemp("buggy")
    return run_safe(tmp, str(submissions_dir / "ch02" / "mse_sum_not_mean.py"))


def test_each_public_check_is_one_item_with_its_points(buggy_run):
    proc, junit = buggy_run
    found = cases(junit)
    assert len(found) == PUBLIC_CHECKS, proc.stdout[-2000:]
    assert all("mse_sum_not_mean.py::" in name for name in found)
    max_total = sum(points(c)[1] for c in found.values())
    assert max_total == pytest.approx(sum(ex.points for ex in exercises.exercises_for("02")))


def test_a_flaw_fails_only_its_own_checks_with_the_learners_message(buggy_run):
    proc, junit = buggy_run
    assert proc.returncode == 1
    failed = {name: case for name, case in cases(junit).items() if case.find("failure") is not None}
    assert failed and all("::mse: " in name for name in failed)
    message = next(iter(failed.values())).find("failure").get("message", "") + proc.stdout
    assert "sum" in message.lower()                     # the classic-mistake explanation reaches pytest
    assert all(points(c)[0] == 0 for c in failed.values())


def test_a_correct_submission_passes_every_item_and_collects_nothing_else(tmp_path, submissions_dir):
    (tmp_path / "test_unrelated.py").write_text("def test_never_collected():\n    assert False\n")
    proc, junit = run_safe(tmp_path, str(submissions_dir / "ch02" / "keras_ops.py"))
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert len(cases(junit)) == PUBLIC_CHECKS
    assert re.search(rf"\b{PUBLIC_CHECKS} passed\b", proc.stdout)


def test_with_a_seed_the_hidden_checks_are_items_too(tmp_path, submissions_dir):
    seed = tmp_path / "seed.txt"
    seed.write_text("a secret for the plugin test")
    proc, junit = run_safe(tmp_path, str(submissions_dir / "ch02" / "keras_ops.py"), "--seed-file", str(seed))
    names = list(cases(junit))
    assert proc.returncode == 0
    assert len(names) > PUBLIC_CHECKS and any(name.endswith("(hidden)") for name in names)
    assert "a secret for the plugin test" not in proc.stdout + proc.stderr


def test_an_unreadable_submission_is_one_failing_item(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{ not json")
    proc, junit = run_safe(tmp_path, str(bad))
    assert proc.returncode == 1
    (case,) = cases(junit).values()
    assert "unreadable" in case.find("failure").get("message", "")


def test_a_py_submissions_main_block_does_not_run_while_graded(tmp_path, submissions_dir):
    source = (submissions_dir / "ch02" / "keras_ops.py").read_text()
    demo = tmp_path / "with_demo.py"
    demo.write_text(source + "\n\nif __name__ == '__main__':     # a script's demo, shadowing the answer\n"
                    "    def mse(y_true, y_pred):\n        raise RuntimeError('the demo ran')\n")
    proc, _ = run_safe(tmp_path, str(demo))
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_hidden_items_show_only_the_graders_words(tmp_path, submissions_dir):
    seed = tmp_path / "seed.txt"
    seed.write_text("another secret")
    proc, junit = run_safe(tmp_path, str(submissions_dir / "ch02" / "mse_sum_not_mean.py"), "--seed-file", str(seed))
    hidden = [c for name, c in cases(junit).items() if name.endswith("(hidden)") and c.find("failure") is not None]
    assert hidden
    for case in hidden:
        message = case.find("failure").get("message", "")
        assert "got [" not in message and "expected [" not in message and "values differ" not in message
        assert "Looks like you summed over the last axis" in message


def test_escape_sequences_from_a_submission_never_reach_the_terminal(tmp_path):
    evil = tmp_path / "evil.py"
    evil.write_text("def mse(y_true, y_pred):\n"
                    "    raise ValueError('\\x1b]52;c;aGk=\\x07\\x1b[32m 999 passed \\x1b[0m\\r')\n")
    proc, junit = run_safe(tmp_path, str(evil))
    assert proc.returncode == 1
    assert "\x1b]52" not in proc.stdout and "\x07" not in proc.stdout and "\x1b[32m 999" not in proc.stdout


# --------------------------------------------------------------------------- the learner's repository is hostile
#
# `python -I -m autograder pytest FILE --chapter NN` (autograder.ci; run here as `-m autograder.ci`) grades
# in a fresh pytest away from the learner's workspace. Each test below puts one attack in the workspace
# that the documented `pytest --submission FILE` run there let into the grader's process.

ROUTE = Path(__file__).resolve().parents[1] / "submissions" / "pytest_route"
ALL_WRONG = Path(__file__).resolve().parents[1] / "submissions" / "hostile" / "zeros_everywhere.py"
CORRECT = Path(__file__).resolve().parents[1] / "submissions" / "ch02" / "keras_ops.py"
FORGE = ROUTE / "forging_plugin.py"
UNREADABLE = ROUTE / "unreadable.ipynb"          # fails at once, without starting the sandbox: a cheap target


def learner_repo(tmp_path, submission, files=()):
    """A learner's repository: their submission as submission.py (or .ipynb), and `files` ((name, source path))."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(submission, repo / f"submission{submission.suffix}")
    for name, source in files:
        shutil.copy(source, repo / name)
    return repo


def canaries(repo):
    return sorted(p.name for p in repo.glob("CANARY-*"))


def assert_graded_as_all_wrong(proc, junit):
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    found = cases(junit)
    failed = [c for c in found.values() if c.find("failure") is not None]
    assert len(found) >= PUBLIC_CHECKS and len(failed) >= PUBLIC_CHECKS - 2
    assert all(points(c)[0] == 0 for c in failed)


def assert_failed_unforged(proc, junit):
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    (case,) = cases(junit).values()
    assert case.find("failure") is not None


def test_a_conftest_beside_the_submission_cannot_forge_the_grades(tmp_path):
    repo = learner_repo(tmp_path, ALL_WRONG, [("conftest.py", FORGE)])
    proc, junit = run_safe(repo, "submission.py")
    assert_graded_as_all_wrong(proc, junit)
    assert canaries(repo) == []


def test_a_conftest_cannot_read_the_seed(tmp_path):
    seed = tmp_path / "seed.txt"                  # the instructor's, outside the learner's repository
    seed.write_text("the-hidden-checks-secret")
    repo = learner_repo(tmp_path, ALL_WRONG, [("conftest.py", ROUTE / "seed_reading_conftest.py")])
    proc, junit = run_safe(repo, "submission.py", "--seed-file", str(seed))
    assert canaries(repo) == []
    assert "the-hidden-checks-secret" not in proc.stdout + proc.stderr
    assert any(name.endswith("(hidden)") for name in cases(junit))      # the seed did reach the grader


@pytest.mark.parametrize("name, text", [
    ("pytest.ini", "[pytest]\naddopts = -p forge\npythonpath = .\n"),
    ("tox.ini", "[pytest]\naddopts = -p forge\npythonpath = .\n"),
    ("setup.cfg", "[tool:pytest]\naddopts = -p forge\npythonpath = .\n"),
    ("pyproject.toml", '[tool.pytest.ini_options]\naddopts = "-p forge"\npythonpath = ["."]\n'),
])
def test_the_workspaces_pytest_configuration_is_ignored(tmp_path, name, text):
    repo = learner_repo(tmp_path, UNREADABLE, [("forge.py", FORGE)])
    (repo / name).write_text(text)
    proc, junit = run_safe(repo, "submission.ipynb")
    assert_failed_unforged(proc, junit)
    assert canaries(repo) == []


@pytest.mark.parametrize("variable, value", [("PYTEST_ADDOPTS", "-p forge"), ("PYTEST_PLUGINS", "forge")])
def test_pytest_environment_variables_load_no_plugin(tmp_path, variable, value):
    repo = learner_repo(tmp_path, UNREADABLE, [("forge.py", FORGE)])
    proc, junit = run_safe(repo, "submission.ipynb", env={variable: value, "PYTHONPATH": str(repo)})
    assert_failed_unforged(proc, junit)
    assert canaries(repo) == []


def test_modules_in_the_workspace_do_not_shadow_the_graders(tmp_path):
    repo = learner_repo(tmp_path, UNREADABLE, [("numpy.py", ROUTE / "shadowing_numpy.py")])
    proc, junit = run_safe(repo, "submission.ipynb")
    assert_failed_unforged(proc, junit)
    assert canaries(repo) == []


def test_a_pythonpath_into_the_workspace_runs_none_of_its_modules(tmp_path):
    repo = learner_repo(tmp_path, UNREADABLE, [("sitecustomize.py", ROUTE / "sitecustomize_canary.py")])
    proc, junit = run_safe(repo, "submission.ipynb", env={"PYTHONPATH": str(repo)})
    assert_failed_unforged(proc, junit)
    assert canaries(repo) == []


def test_a_seed_from_the_environment_reaches_the_hidden_checks_and_nothing_lands_in_the_workspace(tmp_path):
    repo = learner_repo(tmp_path, CORRECT)
    before = sorted(p.name for p in repo.iterdir())
    proc, junit = run_safe(repo, "submission.py", env={"AUTOGRADER_SEED": "a secret in the environment"})
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert any(name.endswith("(hidden)") for name in cases(junit))
    assert sorted(p.name for p in repo.iterdir()) == before          # nothing written into the workspace
    assert "a secret in the environment" not in proc.stdout + proc.stderr + ET.tostring(junit, "unicode")


def test_the_graders_environment_has_no_pytest_variables_and_no_seed():
    from autograder import ci
    environ = {"AUTOGRADER_SEED": "s", "PYTEST_ADDOPTS": "-p forge", "PYTEST_PLUGINS": "forge", "HOME": "/h"}
    assert ci.environment(environ) == {"HOME": "/h", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def test_a_submission_that_links_elsewhere_is_not_graded(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "submission.py").symlink_to(CORRECT)     # e.g. to a file only the grader's user can read
    proc, junit = run_safe(repo, "submission.py")
    assert proc.returncode == 1
    assert "symbolic link" in proc.stderr
    assert all(c.find("failure") is not None for c in cases(junit).values())


def test_a_fifo_as_submission_does_not_stall_grading(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    os.mkfifo(repo / "submission.py")                # nobody ever writes to it
    proc, junit = run_safe(repo, "submission.py")
    assert proc.returncode == 1
    assert "a FIFO" in proc.stderr and "a submission is a regular file" in proc.stderr


def test_the_junit_report_is_not_written_through_a_link_in_the_workspace(tmp_path):
    victim = tmp_path / "instructors_file.txt"
    victim.write_text("precious")
    repo = learner_repo(tmp_path, UNREADABLE)
    (repo / "grades.xml").symlink_to(victim)
    proc = subprocess.run([sys.executable, "-I", "-m", "autograder.ci", "submission.ipynb", "--chapter", "02",
                           "--junitxml", "grades.xml"],
                          cwd=repo, capture_output=True, text=True, env=clean_environment(None), timeout=600)
    assert victim.read_text() == "precious"
    assert proc.returncode != 0 and "cannot write the JUnit report" in proc.stderr


def test_escape_sequences_in_a_file_name_never_reach_the_terminal(tmp_path):
    evil = tmp_path / "\x1b]52;c;aGk=\x07\x1b[32m all passed \x1b[0m.ipynb"
    shutil.copy(UNREADABLE, evil)
    proc, junit = run_safe(tmp_path, evil.name)
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout + proc.stderr
    assert all("\x1b" not in name for name in cases(junit))


def test_the_safe_command_refuses_to_start_with_the_workspace_on_sys_path(tmp_path):
    repo = learner_repo(tmp_path, CORRECT)
    proc = subprocess.run([sys.executable, "-m", "autograder.ci", "submission.py", "--chapter", "02"],
                          cwd=repo, capture_output=True, text=True, env=clean_environment(None), timeout=120)
    assert proc.returncode == 2 and "python -I -m autograder pytest" in proc.stderr


# --------------------------------------------------------------------------- the plugin's tripwire
#
# `pytest --submission` refuses to grade when the workspace configured its pytest. A tripwire, not a
# boundary: code that ran before it can disable it; the safe command is the boundary.

def test_the_plugin_refuses_to_grade_beside_a_conftest(tmp_path):
    repo = learner_repo(tmp_path, ALL_WRONG, [("conftest.py", FORGE)])
    proc, _ = run_pytest(repo, "--submission", "submission.py", "--chapter", "02")
    assert proc.returncode == 4, proc.stdout[-2000:]
    assert "conftest.py" in proc.stderr and "python -I -m autograder pytest" in proc.stderr


def test_the_plugin_refuses_a_configuration_file_it_found_in_the_workspace(tmp_path):
    repo = learner_repo(tmp_path, ALL_WRONG)
    (repo / "pytest.ini").write_text("[pytest]\naddopts = --tb=no\n")
    proc, _ = run_pytest(repo, "--submission", "submission.py", "--chapter", "02")
    assert proc.returncode == 4, proc.stdout[-2000:]
    assert "pytest.ini" in proc.stderr and "python -I -m autograder pytest" in proc.stderr


def test_the_plugin_refuses_pytest_addopts(tmp_path):
    repo = learner_repo(tmp_path, ALL_WRONG)
    proc, _ = run_pytest(repo, "--submission", "submission.py", "--chapter", "02", env={"PYTEST_ADDOPTS": "-v"})
    assert proc.returncode == 4, proc.stdout[-2000:]
    assert "$PYTEST_ADDOPTS" in proc.stderr
