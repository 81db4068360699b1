"""Taking a submission in (autograder/intake.py, submission.read_bytes, submission.chapter_for).

Before the sandbox everything is bounded and per submission: only a regular file
is read (never a FIFO, a link, a folder), within a size cap; parsing and static
analysis run in a process of their own with a wall-time and a memory limit, so a
file that is slow to analyse is unreadable after the limit, costs only its own
points and delays no other submission. And the instructor fixes the chapter: a
notebook's metadata and the names it defines never decide what it is graded against.
"""
import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder import exercises, intake, submission
from autograder.__main__ import main
from autograder.grade import grade_one
from autograder.report import Status
from autograder.sandbox import Zygote
from autograder.shortcuts import find_shortcuts
from autograder.submission import UnreadableSubmission
from autograder.targets import answer_key

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "submissions"
CH05 = [ex.name for ex in exercises.exercises_for("05")]


def deeply_nested(depth=190, width=100_000) -> str:
    """200 KB of valid Python that never runs (a list comprehension nested 190 deep over a 100,000-element
    list) beside a correct-looking `mse`; analysing it in the grader's process took 51 s."""
    expr = "[" + "0," * width + "]"
    for _ in range(depth):
        expr = f"[v for v in {expr}]"
    return "def mse(y_true, y_pred):\n    return 0\n\nx = " + expr + "\n"


def finishes_within(seconds, function, *args):
    """function(*args) run in a thread: (True, its result) if it returned in time, else (False, None)."""
    box = []
    thread = threading.Thread(target=lambda: box.append(function(*args)), daemon=True)
    thread.start()
    thread.join(seconds)
    return (True, box[0]) if box else (False, None)


def analysis_processes(name):
    """Processes still running an analysis of a file called `name`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"from autograder.intake import main" in b" ".join(argv) and name.encode() in argv:
            found.append(pid)
    return found


@pytest.fixture(scope="module")
def grader():
    zygote = Zygote()
    reference = answer_key(zygote)
    zygote.wait_ready()
    yield zygote, reference
    reference.close()
    zygote.close()


# --------------------------------------------------------------------------- only regular files, within a cap

def test_a_fifo_handed_in_as_a_py_is_refused_at_once(tmp_path):
    fifo = tmp_path / "submission.py"
    os.mkfifo(fifo)
    done, report = finishes_within(5, grade_one, fifo, None, None, "02", 1)
    if not done:                      # release the grader's read, or the thread waits for ever
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert done, "grading waited for the FIFO's writer"
    assert report.status is Status.UNREADABLE
    assert report.detail == "submission.py is a FIFO; a submission is a regular file"


def test_a_symbolic_link_is_refused_and_what_it_points_to_is_not_read(tmp_path):
    secret = tmp_path / "seed.txt"
    secret.write_text("THE-SECRET-SEED = 1\n")
    link = tmp_path / "submission.py"
    link.symlink_to(secret)
    done, report = finishes_within(30, grade_one, link, None, None, "02", 1)
    assert done and report.status is Status.UNREADABLE
    assert report.detail == "submission.py is a symbolic link; a submission is a regular file"
    assert all("SECRET" not in r.message for r in report.results)


def test_a_folder_named_like_a_submission_is_refused(tmp_path):
    (tmp_path / "submission.ipynb").mkdir()
    with pytest.raises(UnreadableSubmission, match="submission.ipynb is a folder; a submission is a regular file"):
        intake.take(tmp_path / "submission.ipynb", CH05)


def test_a_file_over_the_size_cap_is_refused_without_being_read(tmp_path):
    big = tmp_path / "submission.py"
    with open(big, "wb") as f:
        f.truncate(submission.MAX_BYTES + 1)        # sparse: reading it would take 20 MB
    report = grade_one(big, None, None, "02", 1)
    assert report.status is Status.UNREADABLE
    assert report.detail == f"submission.py is over the size limit ({submission.MAX_BYTES:,} bytes)"
    assert report.total() == 0 and report.results


# --------------------------------------------------------------------------- analysis: bounded, out of process

def test_analysis_in_its_own_process_gives_what_reading_here_gives():
    path = ROOT / "solutions" / "02_regression_losses.ipynb"
    names = [ex.name for ex in exercises.exercises_for("02")]
    taken = intake.take(path, names)
    here = submission.read(path)
    assert taken.submission == here
    assert taken.shortcuts == {name: find_shortcuts(here.sources, name) for name in names}


def test_a_file_too_slow_to_analyse_is_unreadable_after_the_limit_and_its_process_is_gone(tmp_path):
    slow = tmp_path / "deeply_nested.py"
    slow.write_text(deeply_nested())
    start = time.monotonic()
    with pytest.raises(UnreadableSubmission, match=r"^deeply_nested.py: the file took too long to analyse "
                                                   r"\(over 1 s\)$"):
        intake.take(slow, ["mse"], seconds=1)
    assert time.monotonic() - start < 3
    assert analysis_processes("deeply_nested.py") == []


def test_a_cell_too_big_to_analyse_in_the_memory_limit_is_a_cell_error_not_grader_memory(tmp_path):
    big = tmp_path / "big.py"
    big.write_text("def mse(a, b):\n    return 0\n# %%\n" + "".join(f"x{i} = [{i}, {i}]\n" for i in range(100_000)))
    taken = intake.take(big, ["mse"], memory=64 << 20)
    assert [c.syntax_error for c in taken.submission.cells] == [None, "cannot parse: MemoryError"]
    assert taken.submission.defined_names() == {"mse"}


def test_a_file_too_slow_to_analyse_costs_its_points_and_delays_no_other_submission(grader, tmp_path):
    zygote, reference = grader
    normal = CORPUS / "ch02" / "raw_tf.py"
    alone = grade_one(normal, zygote, reference, "02", 1)
    slow = tmp_path / "deeply_nested.py"
    slow.write_text(deeply_nested())

    def timed(path):
        start = time.monotonic()
        return grade_one(path, zygote, reference, "02", 1), time.monotonic() - start
    with ThreadPoolExecutor(max_workers=2) as pool:            # as `grade --jobs 2` does
        hostile = pool.submit(timed, slow)
        time.sleep(0.5)                                       # the slow one starts first
        beside = pool.submit(timed, normal)
        (hostile, hostile_seconds), (beside, beside_seconds) = hostile.result(), beside.result()
    print(f"alone {alone.seconds:.2f} s; beside the slow file {beside_seconds:.2f} s; "
          f"the slow file {hostile_seconds:.2f} s")
    assert hostile.status is Status.UNREADABLE
    assert hostile.detail == f"deeply_nested.py: the file took too long to analyse (over {intake.SECONDS} s)"
    assert hostile.total() == 0 and {r.exercise for r in hostile.results} == {"mse", "mae", "huber", "log_cosh"}
    assert hostile_seconds < intake.SECONDS + 3
    assert beside.ok and beside.total() == alone.total() == beside.max_total()
    assert beside_seconds < alone.seconds + 5, "the normal submission waited for the slow one"


# --------------------------------------------------------------------------- the instructor fixes the chapter

def chapter_06_notebook(path):
    """The chapter-06 solution notebook, its metadata naming chapter 06, saved as `path`."""
    data = json.loads((ROOT / "solutions" / "06_metrics.ipynb").read_text(encoding="utf-8"))
    data["metadata"]["course"] = {"chapter": "06"}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_notebook_naming_chapter_06_graded_with_chapter_05_is_graded_as_05_and_scores_0(grader, tmp_path):
    zygote, reference = grader
    report = grade_one(chapter_06_notebook(tmp_path / "06_metrics.ipynb"), zygote, reference, "05", 1)
    assert report.chapter == "05" and report.max_total() == 10 * len(CH05)
    assert {r.exercise for r in report.results} == set(CH05) and report.total() == 0
    public = [r for r in report.results if not r.hidden]
    assert all(r.message.startswith(f"{r.exercise} not found") for r in public)


def test_without_chapter_a_notebook_naming_chapter_06_is_graded_as_its_folder_says(grader, tmp_path):
    zygote, reference = grader
    report = grade_one(chapter_06_notebook(tmp_path / "ch05" / "alice.ipynb"), zygote, reference, None, 1)
    assert report.chapter == "05" and report.total() == 0
    assert {r.exercise for r in report.results} == set(CH05)


def test_without_chapter_or_a_chapter_folder_a_submission_is_not_run_whatever_its_metadata(tmp_path):
    report = grade_one(chapter_06_notebook(tmp_path / "submission.ipynb"), None, None, None, 1)
    assert report.status is Status.NOT_RUN and report.chapter is None and report.results == []
    assert report.detail.startswith("no chapter: pass --chapter")


@pytest.mark.parametrize("doc", ["README.md", "book/instructors.md", "book/grading.md", "book/platforms.md",
                                 "book/security.md"])
def test_the_documented_grade_commands_pin_the_chapter(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    commands = re.findall(r"[^\n`]*autograder grade [^\n`]*", text)
    assert commands
    assert [c for c in commands if "--chapter" not in c] == []


def test_grade_refuses_an_unknown_chapter_before_grading_anything(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["grade", "--chapter", "42", "--seed", "x", "submission.py"])
    assert stop.value.code == 2 and "no chapter '42'" in capsys.readouterr().err
