"""The Gradescope zip, end to end: built by `python -m autograder gradescope`, unpacked (with its modes, as
unzip does) into ROOT/source of a simulated Gradescope tree, and run with `ROOT/source/run_autograder`
and `$AUTOGRADER_ROOT=ROOT`, for each kind of upload. Every case must leave a valid results.json.

Not exercised here: setup.sh (it installs Python and packages from the network; `$AUTOGRADER_PYTHON`
points run_autograder at this test's interpreter instead of setup.sh's venv), Gradescope's own harness
(its container, its unzip, its timeout), and Gradescope reading results.json. The grader's code that runs
is the zip's copy (asserted), not this checkout's.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import exercises

REPO = Path(__file__).resolve().parents[2]
SUBMISSIONS = REPO / "tests" / "submissions"
# the virtualenv's own python (this checkout's .venv may be a link, which the sandbox would not see)
PYTHON = str(Path(os.path.realpath(sys.prefix)) / "bin" / Path(sys.executable).name)
SEED = "gradescope-e2e-seed-k7Qx"
FALLBACK = "The autograder failed while grading your submission"


def _build(folder: Path, chapter: str, *extra) -> Path:
    seed_file = folder / "seed.txt"
    seed_file.write_text(SEED)
    out = folder / f"autograder-{chapter}.zip"
    proc = subprocess.run([sys.executable, "-m", "autograder", "gradescope", "--chapter", chapter,
                           "--seed-file", str(seed_file), "-o", str(out), *extra],
                          capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def zips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zips")
    return {"05": _build(folder, "05"), "02": _build(folder, "02")}


@pytest.fixture
def gradescope(zips):
    """A factory of simulated Gradescope trees: ROOT (world-traversable, as /autograder is, so that a
    submission's process can run as "nobody" when not isolated) with the zip in ROOT/source and the upload
    in ROOT/submission; run() runs run_autograder there and returns (results.json, its output)."""
    roots = []

    class Tree:
        def __init__(self, chapter="05", files=()):
            self.root = Path(tempfile.mkdtemp(prefix="gradescope-root-", dir="/tmp"))
            roots.append(self.root)
            self.root.chmod(0o755)
            self.source, self.submission = self.root / "source", self.root / "submission"
            self.submission.mkdir()
            with zipfile.ZipFile(zips[chapter]) as archive:      # as unzip does: with each entry's mode
                for info in archive.infolist():
                    path = Path(archive.extract(info, self.source))
                    path.chmod(stat.S_IMODE(info.external_attr >> 16))
            (self.root / "submission_metadata.json").write_text(json.dumps(
                {"id": 4242, "users": [{"id": 77, "name": "A. Learner\x1b[31m", "email": "a@example.org"}]}))
            for name, content in dict(files).items():
                target = self.submission / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, Path):
                    shutil.copyfile(content, target)
                else:
                    target.write_text(content)

        def run(self, **env):
            proc = subprocess.run([str(self.source / "run_autograder")], capture_output=True, text=True,
                                  env={**os.environ, "AUTOGRADER_ROOT": str(self.root), "AUTOGRADER_PYTHON": PYTHON,
                                       **env}, timeout=600)
            assert proc.returncode == 0, proc.stderr
            results = json.loads((self.root / "results" / "results.json").read_text())
            return results, proc.stdout + proc.stderr

    yield Tree
    for root in roots:
        shutil.rmtree(root, ignore_errors=True)


def _valid(results: dict):
    """Gradescope's shape: a numeric score, a text output, tests with numbers and a known visibility."""
    assert isinstance(results["score"], (int, float)) and isinstance(results["output"], str)
    assert results["stdout_visibility"] == "hidden"       # the log is the instructors'
    for test in results["tests"]:
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0 == test["score"]
        assert test["visibility"] in ("visible", "after_due_date", "after_published", "hidden")


def _checks(results):
    return [t for t in results["tests"] if t["extra_data"].get("grader") != "isolation"]


def _isolation_tests(results):
    return [t for t in results["tests"] if t["extra_data"].get("grader") == "isolation"]


def _notebook(source: str, language="python") -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": language, "display_name": language, "language": language}
    return nbformat.writes(nb)


CH05_POINTS = sum(ex.points for ex in exercises.exercises_for("05"))
REFERENCE = SUBMISSIONS / "reference" / "ch05.py"
LEARNER_NOTEBOOK = REPO / "notebooks" / "05_imbalanced_data.ipynb"


def test_a_full_marks_py_gets_every_point_graded_by_the_zips_own_code(gradescope):
    tree = gradescope(files={"ch05.py": REFERENCE})
    results, log = tree.run()
    _valid(results)
    assert results["score"] == CH05_POINTS
    assert all(t["status"] == "passed" for t in _checks(results))
    assert f"the grader's code is {tree.source / 'course' / 'autograder'}" in log


def test_the_unanswered_learner_notebook_gets_zero_with_a_message_per_check(gradescope):
    results, _ = gradescope(files={LEARNER_NOTEBOOK.name: LEARNER_NOTEBOOK}).run()
    _valid(results)
    assert results["score"] == 0
    checks = _checks(results)
    assert checks and all(t["status"] == "failed" and t["output"].strip() for t in checks)
    assert any("NotImplementedError" in t["output"] for t in checks if t["visibility"] == "visible")


def test_no_notebook_gets_zero_and_says_what_was_uploaded(gradescope):
    results, _ = gradescope(files={"answers.txt": "42"}).run()
    _valid(results)
    assert results["score"] == 0
    assert results["output"].startswith("No notebook (.ipynb) or Python file (.py) was found")
    assert "answers.txt" in results["output"] and "05_imbalanced_data.ipynb" in results["output"]
    assert _checks(results) and all(t["score"] == 0 for t in _checks(results))


def test_an_empty_upload_gets_zero_and_says_it_is_empty(gradescope):
    results, _ = gradescope().run()
    _valid(results)
    assert results["score"] == 0 and "Your upload is empty" in results["output"]


def test_of_several_notebooks_the_one_named_like_the_chapters_is_graded(gradescope):
    files = {"05_imbalanced_data.ipynb": _notebook(REFERENCE.read_text()),
             "scratch.ipynb": _notebook("x = 1"),
             ".ipynb_checkpoints/05_imbalanced_data-checkpoint.ipynb": _notebook("y = 2")}
    results, _ = gradescope(files=files).run()
    _valid(results)
    assert results["score"] == CH05_POINTS
    assert results["output"].startswith("Graded: 05_imbalanced_data.ipynb. Not graded: scratch.ipynb.")
    assert "checkpoint" not in results["output"]


def test_several_notebooks_none_named_like_the_chapters_are_listed_neutralised_and_none_graded(gradescope):
    files = {"mine.ipynb": _notebook(REFERENCE.read_text()), "evil\x1b[2J\u202e.ipynb": _notebook("x = 1")}
    results, _ = gradescope(files=files).run()
    _valid(results)
    assert results["score"] == 0
    assert "holds 2 notebooks" in results["output"] and "none was graded" in results["output"]
    assert "mine.ipynb" in results["output"]
    assert "\x1b" not in results["output"] and "\u202e" not in results["output"]


def test_a_notebook_of_another_chapter_is_graded_and_told_nothing_matched(gradescope):
    answered_ch02 = SUBMISSIONS / "ch02" / "released_notebook_answered.ipynb"
    results, _ = gradescope(files={"02_regression_losses.ipynb": answered_ch02}).run()
    _valid(results)
    assert results["score"] == 0
    assert results["output"].startswith("Your file defines none of this assignment's exercises")
    assert "chapter 05 (Imbalanced data) and nothing matched" in results["output"]
    assert "Its metadata says it is chapter 02's notebook." in results["output"]


def test_a_notebook_of_another_kernel_is_not_run_and_told_it_is_not_python(gradescope):
    results, _ = gradescope(files={"05_imbalanced_data.ipynb": _notebook("x <- c(1, 2)", language="R")}).run()
    _valid(results)
    assert results["score"] == 0
    assert "Your notebook is not a Python notebook (its kernel's language is R)" in results["output"]


def test_without_isolation_it_grades_and_says_so_in_a_hidden_test_only(gradescope):
    results, log = gradescope(files={"ch05.py": REFERENCE}).run(AUTOGRADER_ISOLATION="off")
    _valid(results)
    assert results["score"] == CH05_POINTS
    [note] = _isolation_tests(results)
    assert note["visibility"] == "hidden" and note["score"] == note["max_score"] == 0
    assert "Submissions run as" in note["output"] and "isolat" not in results["output"].lower()
    assert note["output"] in log


def test_isolation_required_and_impossible_writes_that_nothing_was_graded(gradescope):
    tree = gradescope(files={"ch05.py": REFERENCE})
    config = json.loads((tree.source / "autograder.json").read_text())
    (tree.source / "autograder.json").write_text(json.dumps({**config, "isolation": "require"}))
    results, _ = tree.run(AUTOGRADER_ISOLATION="off")
    _valid(results)
    assert results["score"] == 0
    assert results["output"].startswith("Your submission was not graded: this assignment is graded only in an "
                                        "isolated sandbox")
    assert len(_isolation_tests(results)) == 1


def test_a_grader_that_fails_with_a_traceback_leaves_the_fallback_result(gradescope):
    tree = gradescope(files={"ch05.py": REFERENCE})
    (tree.source / "seed.txt").unlink()
    results, log = tree.run()
    _valid(results)
    assert results["score"] == 0 and results["output"].startswith(FALLBACK)
    assert "Traceback" in log and "SeedError" in log


def test_a_grader_killed_with_sigkill_leaves_the_fallback_result(gradescope):
    tree = gradescope(files={"ch05.py": REFERENCE})
    killed = tree.root / "killed-python"
    killed.write_text("#!/bin/sh\nkill -9 $$\n")
    killed.chmod(0o755)
    results, log = tree.run(AUTOGRADER_PYTHON=str(killed))
    _valid(results)
    assert results["score"] == 0 and results["output"].startswith(FALLBACK)
    assert "exit status 137" in log


SEED_READER = '''
# %%
def mse(y_true, y_pred):
    return FOUND


# %%
import os
FOUND = []
for path in {paths!r}:
    try:
        with open(path) as f:
            FOUND.append(f.read())
    except OSError as exc:
        FOUND.append(type(exc).__name__)
for folder, _, names in os.walk({root!r}):
    for name in names:
        try:
            with open(os.path.join(folder, name), errors="replace") as f:
                FOUND.append(f.read(100_000))
        except OSError:
            pass
print("seed file:", FOUND[:2], "uid", os.getuid())
for text in FOUND[2:]:
    if len(text) < 100:
        print("read:", text)
'''


def _read_the_seed(gradescope, **env):
    """Grade a ch02 submission that prints what it can read of the seed file and of ROOT."""
    tree = gradescope(chapter="02")
    reader = SEED_READER.format(paths=[str(tree.source / "seed.txt"), "/autograder/source/seed.txt"],
                                root=str(tree.root))
    (tree.submission / "02_regression_losses.py").write_text(reader)
    results, log = tree.run(**env)
    assert "seed file:" in json.dumps(results)       # it ran, and what it printed is in the result
    return results, log


def test_isolated_the_seed_is_not_readable_by_the_submission(gradescope):
    results, log = _read_the_seed(gradescope)
    if _isolation_tests(results):
        pytest.skip("this machine cannot isolate submissions")
    assert SEED not in json.dumps(results) and SEED not in log


def test_not_isolated_a_submission_run_as_another_user_cannot_read_the_seed(gradescope):
    results, log = _read_the_seed(gradescope, AUTOGRADER_ISOLATION="off")
    [note] = _isolation_tests(results)
    if note["extra_data"]["user"] == "grader":
        pytest.skip("other users cannot read this Python, so submissions run as the grader's user (the next test)")
    assert SEED not in json.dumps(results) and SEED not in log


def test_not_isolated_a_submission_run_as_the_graders_user_is_reported_to_the_instructor_only(gradescope):
    results, _ = _read_the_seed(gradescope, AUTOGRADER_ISOLATION="off")
    [note] = _isolation_tests(results)
    if note["extra_data"]["user"] != "grader":
        pytest.skip("submissions run as a user of their own here (the previous test)")
    assert note["visibility"] == "hidden" and "a submission CAN read the seed file" in note["output"]


def test_the_seed_hunter_finds_no_seed(gradescope):
    results, log = gradescope(chapter="02", files={"seed_hunter.py": SUBMISSIONS / "hostile" / "seed_hunter.py"}).run()
    text = json.dumps(results)
    assert "seed words in /proc: []" in text
    assert SEED not in text and SEED not in log
