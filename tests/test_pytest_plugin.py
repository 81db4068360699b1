"""`pytest --submission FILE` grades a submission with one pytest item per check (GitHub Classroom, CI)."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder import exercises
from autograder.checks import checks_for

ROOT = Path(__file__).resolve().parent.parent
CH02 = [ex.name for ex in exercises.exercises_for("02")]
PUBLIC_CHECKS = sum(len(checks_for(name)) for name in CH02)


def run_pytest(tmp_path, *args, env=None):
    junit = tmp_path / "junit.xml"
    environ = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_SEED"}
    environ.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf",
                           f"--junitxml={junit}", *args],
                          cwd=tmp_path, capture_output=True, text=True, env=environ, timeout=600)
    return proc, ET.parse(junit).getroot()


def cases(junit):
    """{"<classname>::<name>": testcase}: JUnit splits an item's id into the file and the check."""
    return {f"{case.get('classname')}::{case.get('name')}": case for case in junit.iter("testcase")}


def points(case):
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    return float(props["points"]), float(props["max_points"])


@pytest.fixture(scope="module")
def buggy_run(tmp_path_factory, submissions_dir):
    tmp = tmp_path_factory.mktemp("buggy")
    return run_pytest(tmp, "--submission", str(submissions_dir / "ch02" / "mse_sum_not_mean.py"))


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
    proc, junit = run_pytest(tmp_path, "--submission", str(submissions_dir / "ch02" / "keras_ops.py"))
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert len(cases(junit)) == PUBLIC_CHECKS
    assert re.search(rf"\b{PUBLIC_CHECKS} passed\b", proc.stdout)


def test_with_a_seed_the_hidden_checks_are_items_too(tmp_path, submissions_dir):
    seed = tmp_path / "seed.txt"
    seed.write_text("a secret for the plugin test")
    proc, junit = run_pytest(tmp_path, "--submission", str(submissions_dir / "ch02" / "keras_ops.py"),
                             "--seed-file", str(seed))
    names = list(cases(junit))
    assert proc.returncode == 0
    assert len(names) > PUBLIC_CHECKS and any(name.endswith("(hidden)") for name in names)
    assert "a secret for the plugin test" not in proc.stdout + proc.stderr


def test_an_unreadable_submission_is_one_failing_item(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{ not json")
    proc, junit = run_pytest(tmp_path, "--submission", str(bad), "--chapter", "02")
    assert proc.returncode == 1
    (case,) = cases(junit).values()
    assert "unreadable" in case.find("failure").get("message", "")


def test_a_py_submissions_main_block_does_not_run_while_graded(tmp_path, submissions_dir):
    source = (submissions_dir / "ch02" / "keras_ops.py").read_text()
    demo = tmp_path / "with_demo.py"
    demo.write_text(source + "\n\nif __name__ == '__main__':     # a script's demo, shadowing the answer\n"
                    "    def mse(y_true, y_pred):\n        raise RuntimeError('the demo ran')\n")
    proc, _ = run_pytest(tmp_path, "--submission", str(demo))
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_hidden_items_show_only_the_graders_words(tmp_path, submissions_dir):
    seed = tmp_path / "seed.txt"
    seed.write_text("another secret")
    proc, junit = run_pytest(tmp_path, "--submission", str(submissions_dir / "ch02" / "mse_sum_not_mean.py"),
                             "--seed-file", str(seed))
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
    proc, junit = run_pytest(tmp_path, "--submission", str(evil), "--chapter", "02")
    assert proc.returncode == 1
    assert "\x1b]52" not in proc.stdout and "\x07" not in proc.stdout and "\x1b[32m 999" not in proc.stdout
