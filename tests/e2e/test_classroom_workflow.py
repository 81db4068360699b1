"""The GitHub Classroom workflow's own commands, run in a learner's workspace as the runner would:
grade once, then each exercise's verdict step; a forging conftest.py and pytest.ini in the
workspace change nothing."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder import exercises
from autograder.release import repository_url
from autograder.classroom import Source, write_template

HERE = Path(__file__).resolve().parent
SUBMISSIONS = HERE.parent / "submissions"
ROOT = HERE.parent.parent
CH02 = exercises.chapter("02")


def _run_workflow(workspace: Path) -> dict[str, int]:
    """The exit code of each exercise's step, after the grading step (the install step is skipped:
    this interpreter already has the grader)."""
    steps = yaml.safe_load((workspace / ".github/workflows/classroom.yml").read_text())[
        "jobs"]["run-autograding-tests"]["steps"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    grade = next(s["run"] for s in steps if "autograder pytest" in s.get("run", ""))
    subprocess.run(["bash", "-c", grade], cwd=workspace, env=env, capture_output=True, timeout=600)
    codes = {}
    for step in steps:
        if "command-grader" in step.get("uses", ""):
            proc = subprocess.run(["bash", "-c", step["with"]["command"]], cwd=workspace, env=env,
                                  capture_output=True, text=True, timeout=120)
            codes[step["with"]["test-name"]] = proc.returncode
    return codes


def _workspace(tmp_path: Path, notebook: Path) -> Path:
    workspace = tmp_path / "repo"
    write_template(CH02, Source(repository_url(), "abc"), workspace, notebook)
    return workspace


@pytest.mark.skipif(shutil.which("bash") is None, reason="the workflow's commands are bash")
def test_a_correct_notebook_earns_every_exercises_points(tmp_path):
    workspace = _workspace(tmp_path, SUBMISSIONS / "ch02" / "released_notebook_answered.ipynb")
    assert _run_workflow(workspace) == {ex.name: 0 for ex in exercises.exercises_for("02")}


@pytest.mark.skipif(shutil.which("bash") is None, reason="the workflow's commands are bash")
def test_a_forging_conftest_and_pytest_ini_in_the_workspace_do_not_pass_an_unanswered_notebook(tmp_path):
    workspace = _workspace(tmp_path, ROOT / "notebooks" / f"{CH02.slug}.ipynb")
    shutil.copy(SUBMISSIONS / "pytest_route" / "forging_plugin.py", workspace / "conftest.py")
    (workspace / "pytest.ini").write_text("[pytest]\naddopts = -p conftest\n")
    codes = _run_workflow(workspace)
    assert codes == {ex.name: 1 for ex in exercises.exercises_for("02")}
    assert not (workspace / "CANARY-forging-plugin-ran").exists()
