"""Grading the submission corpus, as an instructor would: `python -m autograder grade`.

The corpus (tests/submissions/ch02: correct and buggy chapter 02 answers;
tests/submissions/hostile: broken and malicious ones) is graded ONCE per
session, by the real command line with shorter time limits and two jobs, with
a seed that is not a number, given in $AUTOGRADER_SEED; each test reads the
files that run left: grades.csv and submissions/<name>/results.json. Hostile submissions
that attack the isolation boundary (killing siblings and ancestors, a
re-forking daemon, seed hunting, importing the grader, filling memory and
disk) are graded beside correct ones, which must keep full marks. A few more
runs check `check`, `grade`'s exit code, its seed handling and `list --json`.
"""
import csv
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from autograder import exercises, isolation, seed
from autograder.checks import checks_for
from autograder.runner import plan
from autograder.targets import CALL_GRACE
from autograder.sandbox import runs_as_sandbox_user

import corpus

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "submissions"
SEED_TEXT = "s3cret corpus seed"                # any text is a seed; it must show up in no output file
SEED = seed.from_text(SEED_TEXT)                 # what the checks use
MODE = isolation.detect()
ISOLATED = MODE.isolated
NOT_ISOLATED = f"submissions cannot be isolated here: {MODE.reason}"
LIMIT = 8                   # CALL_SECONDS and CELL_SECONDS for the corpus run (the defaults are 20 and 30)
RUNNER = ("import sys\nfrom autograder.__main__ import main\nsys.exit(main(sys.argv[1:]))\n")
CH02 = ["mse", "mae", "huber", "log_cosh"]

# the chapter 02 checks, by key (huber has its delta option on top); a hidden twin has " (hidden)"
V, E, D, R, A, G, F, O = "values", "edges", "float64", "rank3", "rank-alignment", "graph", "fit", "option:delta"
HV, HO, HG = "values (hidden)", "option:delta (hidden)", "graph (hidden)"
CHECKS = {name: {V, E, D, R, A, G, F, HV, HG} | ({O, HO} if name == "huber" else set()) for name in
          ("mse", "mae", "huber", "log_cosh")}
ALL = frozenset({"every check"})            # stands for CHECKS[exercise]


def expected(key):
    """The failing checks the corpus file's own header names (tests/corpus.py `batch`), per exercise
    (ALL: every one of its checks; an exercise not named passes everything), or None: no check runs."""
    found = corpus.batch(CORPUS / key)
    if found is None:
        return None
    fails = {}
    for exercise, checks in found.items():
        fails[exercise] = ALL if checks == corpus.EVERY_CHECK else \
            set(checks) | {f"{c} (hidden)" for c in checks} & CHECKS[exercise]
    return fails


# The batch, in the order it is graded (hostile ones beside correct ones, under two jobs); what each
# must score is in its own header.
BATCH = [
    "hostile/kills_siblings.py",
    "ch02/keras_ops.py",
    "hostile/reforking_daemon.py",
    "ch02/raw_tf.py",
    "hostile/fork_memory.py",
    "ch02/learner_notebook.ipynb",
    "hostile/seed_hunter.py",
    "ch02/released_notebook_answered.ipynb",
    "hostile/grader_modules.py",
    "ch02/keras_used_outside_the_exercises.py",
    "hostile/disk_fill.py",
    "ch02/numpy_only.py",
    "ch02/mse_sum_not_mean.py",
    "ch02/mse_batch_mean.py",
    "ch02/mse_rmse.py",
    "ch02/mae_no_abs.py",
    "ch02/mae_swapped_no_abs.py",
    "ch02/huber_no_half.py",
    "ch02/huber_linear_no_offset.py",
    "ch02/huber_ignores_delta.py",
    "ch02/log_cosh_naive.py",
    "ch02/log_cosh_float32_constant.py",
    "ch02/counterpart_direct.py",
    "ch02/counterpart_alias.py",
    "ch02/counterpart_get.py",
    "ch02/counterpart_class.py",
    "ch02/counterpart_assigned.py",
    "hostile/not_json.ipynb",
    "hostile/json_not_notebook.ipynb",
    "hostile/no_exercises.py",
    "hostile/syntax_error_cell.ipynb",
    "hostile/toplevel_exception.py",
    "hostile/toplevel_exception_single_cell.py",
    "hostile/system_exit.py",
    "hostile/input_call.py",
    "hostile/os_exit_toplevel.py",
    "hostile/os_exit_in_exercise.py",
    "hostile/loop_toplevel.ipynb",
    "hostile/loop_toplevel_stubborn.py",
    "hostile/loop_in_exercise.py",
    "hostile/memory_bomb.py",
    "hostile/big_print.py",
    "hostile/misspelled.py",
    "hostile/returns_odd_types.py",
    "hostile/lying_objects.py",
    "hostile/monkeypatch_numpy.py",
    "hostile/monkeypatch_keras.py",
    "hostile/monkeypatch_builtins.py",
    "hostile/fake_results_writer.py",
    "hostile/kills_the_grader.py",
]
EXPECTED_FAILURES = {key: expected(key) for key in BATCH}
SEPARATE_USER = ISOLATED or runs_as_sandbox_user()
NOT_SEPARATE = ("submissions run as the grader's own user here (no isolation, and the grader is not root or "
                "the sandbox user cannot read this Python), so nothing stops them signalling the grader or "
                "writing into --out")
if not SEPARATE_USER:
    del EXPECTED_FAILURES["hostile/kills_the_grader.py"]      # it would succeed, and end the run
NEEDS_ISOLATION = ["hostile/kills_siblings.py", "hostile/reforking_daemon.py", "hostile/fork_memory.py",
                   "hostile/seed_hunter.py", "hostile/grader_modules.py", "hostile/disk_fill.py"]
if not ISOLATED:          # without the boundary these succeed (or fill this machine's /tmp): not run
    for key in NEEDS_ISOLATION:
        del EXPECTED_FAILURES[key]
CORRECT = [k for k, v in EXPECTED_FAILURES.items() if k.startswith("ch02/") and v == {}]
needs_isolation = pytest.mark.skipif(not ISOLATED, reason=NOT_ISOLATED)
UNGRADED = [k for k, v in EXPECTED_FAILURES.items() if v is None]


@dataclass
class Run:
    proc: subprocess.CompletedProcess
    out: Path
    seconds: float
    rows: dict          # submission file name -> grades.csv row
    header: list
    results: dict       # corpus key ("ch02/x.py") -> results.json
    pid: int            # the grader's process id


def results_path(out, key):
    """Where a corpus file's results.json is: its name in the batch is its path below tests/submissions."""
    return out / "submissions" / key / "results.json"


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """The corpus graded once, by `python -m autograder grade`, with two jobs."""
    keys = list(EXPECTED_FAILURES)
    out = tmp_path_factory.mktemp("grading") / "out"
    start = time.monotonic()
    popen = subprocess.Popen([sys.executable, "-c", RUNNER, "grade", "--out", str(out), "--jobs", "2",
                              "--chapter", "02", "--call-seconds", str(LIMIT), "--cell-seconds", str(LIMIT),
                              *[str(CORPUS / k) for k in keys]], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(os.environ, AUTOGRADER_SEED=SEED_TEXT))
    stdout, stderr = popen.communicate(timeout=900)
    proc = subprocess.CompletedProcess(popen.args, popen.returncode, stdout, stderr)
    seconds = time.monotonic() - start
    time.sleep(1.0)          # anything a submission left running would have rewritten the files by now
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    rows = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    results = {k: json.loads(results_path(out, k).read_text()) for k in keys}
    yield Run(proc, out, seconds, rows, table[0], results, popen.pid)
    tmp = Path(tempfile.gettempdir())           # the fake writer also plants files in /tmp
    for name in ("grades.csv", "results.json"):
        try:
            if "FAKE-MARKER" in (tmp / name).read_text():
                (tmp / name).unlink()
        except OSError:
            pass


def fails_of(expected, exercise):
    """The failing checks expected of `exercise` (ALL: every one of its checks)."""
    fails = expected.get(exercise, set())
    return set(CHECKS[exercise]) if fails == ALL else set(fails)


def checks_of(result, exercise):
    return [t for t in result["tests"] if t["extra_data"]["exercise"] == exercise]


def check_id(test):
    """The check's key, with " (hidden)" for a hidden twin."""
    return test["extra_data"]["key"] + (" (hidden)" if test["extra_data"]["hidden"] else "")


def failing(result, exercise):
    return {check_id(t) for t in checks_of(result, exercise) if t["status"] == "failed"}


def message(graded, key, exercise, check=V):
    (test,) = [t for t in checks_of(graded.results[key], exercise) if check_id(t) == check]
    return test["output"]


def status(graded, key):
    return graded.rows[key]["status"]


# --------------------------------------------------------------------------- the batch as a whole

def test_every_submission_gets_a_row_in_argument_order(graded):
    assert list(graded.rows) == list(EXPECTED_FAILURES)


def test_grades_csv_has_one_column_per_exercise_then_totals_and_status(graded):
    assert graded.header == ["submission", "learner", *CH02, "total", "max_total", "status"]


def test_grade_exits_1_and_names_the_submissions_it_could_not_read_or_run(graded):
    assert graded.proc.returncode == 1
    total = len(EXPECTED_FAILURES)
    assert f"graded {total - len(UNGRADED)} of {total} submissions" in graded.proc.stdout
    for key in UNGRADED:
        assert f"  {key}: " in graded.proc.stdout


@pytest.mark.parametrize("key", list(EXPECTED_FAILURES))
def test_each_submission_gets_exactly_its_expected_verdicts(graded, key):
    expected, result = EXPECTED_FAILURES[key], graded.results[key]
    if expected is None:            # every check of the chapter, at 0 with the reason
        assert result["score"] == 0 and all(t["status"] == "failed" for t in result["tests"])
        assert {check_id(t) for t in result["tests"]} == set().union(*CHECKS.values())
        return
    for exercise in CH02:
        assert {check_id(t) for t in checks_of(result, exercise)} == CHECKS[exercise]
        assert failing(result, exercise) == fails_of(expected, exercise), exercise


@pytest.mark.parametrize("key", list(EXPECTED_FAILURES))
def test_points_in_grades_csv_follow_from_the_verdicts(graded, key):
    expected, row = EXPECTED_FAILURES[key], graded.rows[key]
    if expected is None:
        assert [row[e] for e in CH02] == ["0", "0", "0", "0"] and row["total"] == "0"
        return
    total = 0.0
    for exercise in CH02:
        fails = fails_of(expected, exercise)
        shares = {c.key + (" (hidden)" if c.hidden else ""): c.weight for c in plan(exercise, SEED)}
        assert set(shares) == CHECKS[exercise]
        points = 10 * sum(w for check, w in shares.items() if check not in fails)
        assert float(row[exercise]) == pytest.approx(points, abs=1e-4), exercise
        total += points
    assert float(row["total"]) == pytest.approx(total, abs=1e-3)
    assert row["max_total"] == "40"


def test_results_json_follows_the_gradescope_schema(graded):
    for key, result in graded.results.items():
        assert set(result) >= {"score", "output", "tests"}
        assert "execution_time" not in result             # a time the submission controls: never reported
        assert isinstance(result["score"], (int, float))
        for test in result["tests"]:
            assert set(test) == {"name", "score", "max_score", "status", "output", "output_format", "visibility",
                                 "extra_data"}
            assert test["name"].split(": ", 1)[0] in CH02
            assert test["status"] in ("passed", "failed")
            assert test["visibility"] == ("after_published" if test["name"].endswith("(hidden)") else "visible")
            assert test["score"] == (test["max_score"] if test["status"] == "passed" else 0)
        if result["tests"]:
            assert result["score"] == pytest.approx(sum(t["score"] for t in result["tests"]), abs=1e-3)
            assert sum(t["max_score"] for t in result["tests"]) == pytest.approx(40, abs=1e-3)


def test_csv_points_equal_the_results_json_scores(graded):
    for key, result in graded.results.items():
        row = graded.rows[key]
        for exercise in CH02:
            if result["tests"]:
                got = sum(t["score"] for t in checks_of(result, exercise))
                assert float(row[exercise]) == pytest.approx(got, abs=1e-3)


# --------------------------------------------------------------------------- classic mistakes, named

@pytest.mark.parametrize("key, exercise, hint", [
    ("ch02/mse_sum_not_mean.py", "mse", "Looks like you summed over the last axis instead of taking the mean"),
    ("ch02/mse_batch_mean.py", "mse", "expected shape (8,), got (). Looks like you averaged over the whole batch"),
    ("ch02/mse_rmse.py", "mse", "Looks like you took the square root: that is RMSE, not MSE"),
    ("ch02/mae_no_abs.py", "mae", "Looks like the absolute value is missing"),
    ("ch02/huber_no_half.py", "huber", "Looks like the 0.5 is missing from the quadratic part"),
    ("ch02/huber_linear_no_offset.py", "huber", "Looks like the linear part lacks the − 0.5·delta² term"),
])
def test_a_classic_mistake_is_named_in_the_values_check(graded, key, exercise, hint):
    assert hint in message(graded, key, exercise, V)


def test_an_ignored_option_fails_only_its_own_check_and_is_named(graded):
    text = message(graded, "ch02/huber_ignores_delta.py", "huber", O)
    assert "delta=0.5) on NumPy arrays" in text and "Looks like the delta argument is ignored" in text


@pytest.mark.parametrize("key, exercise, check, share", [
    ("ch02/huber_ignores_delta.py", "huber", O, 0.75),
    ("ch02/log_cosh_naive.py", "log_cosh", E, 0.85),
    ("ch02/log_cosh_float32_constant.py", "log_cosh", D, 0.9),
])
def test_one_secondary_flaw_keeps_most_of_the_points(graded, key, exercise, check, share):
    assert float(graded.rows[key][exercise]) >= 10 * share
    assert check in failing(graded.results[key], exercise)


def test_a_naive_log_cosh_is_told_it_overflows_on_large_errors(graded):
    text = message(graded, "ch02/log_cosh_naive.py", "log_cosh", E)
    assert text.startswith("large errors") and "got [inf" in text and "overflows" in text


def test_mixing_a_float32_constant_into_float64_inputs_fails_with_the_line(graded):
    text = message(graded, "ch02/log_cosh_float32_constant.py", "log_cosh", D)
    assert "was expected to be a double tensor but is a float tensor" in text
    assert "mixes float32 and float64" in text
    assert re.search(r"\(at line \d+ of log_cosh\)", text)


def test_mae_without_abs_is_named_whichever_way_the_error_is_taken(graded):
    assert "absolute value is missing" in message(graded, "ch02/mae_swapped_no_abs.py", "mae", V)


def test_numpy_only_answers_are_told_to_use_keras_ops(graded):
    for exercise in CH02:
        for check in (G, F, HG):
            assert "use keras.ops instead" in message(graded, "ch02/numpy_only.py", exercise, check)


def test_the_learner_notebook_runs_only_the_cells_its_exercises_need(graded):
    result = graded.results["ch02/learner_notebook.ipynb"]
    assert "HELPER CELL RAN" in result["output"]
    for skipped in ("DATA CELL RAN", "TRAINING CELL RAN", "QUIZ CELL RAN"):
        assert skipped not in result["output"]


# --------------------------------------------------------------------------- the Keras counterpart

@pytest.mark.parametrize("key, exercise, called", [
    ("ch02/counterpart_direct.py", "mse", "keras.losses.mean_squared_error"),
    ("ch02/counterpart_alias.py", "mae", "keras.losses.mean_absolute_error"),
    ("ch02/counterpart_get.py", "log_cosh", "keras.losses.log_cosh"),
    ("ch02/counterpart_class.py", "huber", "keras.losses.Huber"),
    ("ch02/counterpart_class.py", "mse", "keras.losses.MeanSquaredError"),
    ("ch02/counterpart_assigned.py", "mse", "keras.losses.mean_squared_error"),
])
def test_an_exercise_answered_with_its_keras_counterpart_scores_0_and_says_why(graded, key, exercise, called):
    tests = checks_of(graded.results[key], exercise)
    assert all(t["score"] == 0 for t in tests)
    for t in tests:
        assert f"{exercise} calls " in t["output"] and called in t["output"]
        assert "the Keras object" in t["output"] and f"so {exercise} scores 0" in t["output"]


def test_calling_the_counterparts_outside_the_exercises_is_allowed(graded):
    result = graded.results["ch02/keras_used_outside_the_exercises.py"]
    assert result["score"] == 40 and "all four agree with Keras" in result["output"]


# --------------------------------------------------------------------------- unreadable and broken input

def test_not_json_is_reported_and_still_gets_a_row(graded):
    assert status(graded, "hostile/not_json.ipynb").startswith(
        "unreadable: not_json.ipynb is not valid JSON (Expecting value")


def test_json_that_is_not_a_notebook_is_reported_and_still_gets_a_row(graded):
    assert status(graded, "hostile/json_not_notebook.ipynb") == \
        "unreadable: json_not_notebook.ipynb is JSON but not a Jupyter notebook (no 'cells' list)"


def test_a_file_with_no_exercise_says_what_it_did_define(graded):
    assert status(graded, "hostile/no_exercises.py") == "graded"
    assert message(graded, "hostile/no_exercises.py", "mse") == \
        "mse not found. Your code defines: my_model, plot_history."


def test_a_syntax_error_costs_only_the_exercise_in_that_cell(graded):
    key = "hostile/syntax_error_cell.ipynb"
    assert status(graded, key) == "graded; cell 2: SyntaxError: expected ':' (line 1)"
    assert message(graded, key, "mse").startswith("mse not found")
    assert "Your code defines: huber, log_cosh, mae." in message(graded, key, "mse")


def test_a_top_level_exception_is_noted_and_costs_nothing(graded):
    key = "hostile/toplevel_exception.py"
    assert re.fullmatch(r"graded; cell 3: ZeroDivisionError: division by zero \(at line \d+ of <module>\)",
                        status(graded, key))
    assert graded.results[key]["score"] == 40


def test_in_a_one_cell_file_only_what_follows_a_top_level_exception_is_lost(graded):
    key = "hostile/toplevel_exception_single_cell.py"
    assert "cell 1: RuntimeError: a top-level statement blew up" in status(graded, key)
    assert message(graded, key, "huber").startswith("huber not found")


def test_system_exit_at_top_level_is_noted_and_costs_nothing(graded):
    key = "hostile/system_exit.py"
    assert re.fullmatch(r"graded; cell 3: SystemExit: stopping here \(at line \d+ of <module>\); "
                        r"cell 4: SystemExit: 3 \(at line \d+ of <module>\); "
                        r"cell 5: SystemExit: \(at line \d+ of <module>\)", status(graded, key))
    assert graded.results[key]["score"] == 40


def test_input_gets_end_of_file_at_top_level_and_inside_an_exercise(graded):
    key = "hostile/input_call.py"
    assert "cell 3: EOFError: EOF when reading a line" in status(graded, key)
    assert re.search(r": EOFError: EOF when reading a line \(at line \d+ of mae\)$", message(graded, key, "mae"))


def test_os_exit_at_top_level_skips_that_cell_and_says_so(graded):
    key = "hostile/os_exit_toplevel.py"
    assert status(graded, key) == \
        "graded; cell 3: ended the process (os._exit, a crash or the memory limit); skipped"
    assert message(graded, key, "mse").startswith("mse not found")


def test_os_exit_inside_an_exercise_costs_only_that_exercise(graded):
    key = "hostile/os_exit_in_exercise.py"
    assert "process ended" in message(graded, key, "mse", V)
    assert message(graded, key, "mse", E).startswith("not run: ")
    assert graded.results[key]["score"] == 30


def test_a_top_level_endless_loop_is_stopped_and_the_rest_graded(graded):
    key = "hostile/loop_toplevel.ipynb"
    assert status(graded, key) == f"graded; cell 3: stopped after {LIMIT} s"
    assert graded.results[key]["score"] == 40


def test_a_top_level_loop_that_ignores_the_alarm_is_killed_and_its_cell_skipped(graded):
    key = "hostile/loop_toplevel_stubborn.py"
    assert status(graded, key) == f"graded; cell 5: still running after {LIMIT} s; skipped"


def test_an_endless_loop_inside_an_exercise_costs_only_that_exercise(graded):
    key = "hostile/loop_in_exercise.py"
    assert message(graded, key, "huber") == f"huber was stopped after {LIMIT} s (an endless loop?)"
    assert message(graded, key, "log_cosh") == f"log_cosh did not answer: no answer within {LIMIT + CALL_GRACE} s"
    assert all(t["output"].startswith("not run: ") for t in checks_of(graded.results[key], "huber")[1:])
    assert graded.results[key]["score"] == 20


def test_a_memory_bomb_hits_the_memory_limit_and_costs_only_its_exercise(graded):
    key = "hostile/memory_bomb.py"
    assert re.fullmatch(r"graded; cell 3: MemoryError: \(at line \d+ of <module>\); "
                        r"cell 4: MemoryError: Unable to allocate 256\. MiB .*", status(graded, key))
    assert ": MemoryError: Unable to allocate 8.00 TiB" in message(graded, key, "huber")
    assert graded.results[key]["score"] == 30


def test_200_mb_of_printing_is_capped(graded):
    key = "hostile/big_print.py"
    assert graded.results[key]["score"] == 40
    assert "spam spam" in graded.results[key]["output"]
    assert results_path(graded.out, "hostile/big_print.py").stat().st_size < 20_000
    assert (graded.out / "grades.csv").stat().st_size < 20_000


def test_a_misspelled_or_missing_exercise_is_not_found_with_the_names_that_were(graded):
    key = "hostile/misspelled.py"
    defined = " Your code defines: hubber, logcosh_helper, mae, mes."
    assert message(graded, key, "mse") == "mse not found — did you mean mes?" + defined
    assert message(graded, key, "huber") == "huber not found — did you mean hubber?" + defined
    assert message(graded, key, "log_cosh").startswith("log_cosh not found")


# --------------------------------------------------------------------------- odd and lying return values

def test_lists_and_tuples_of_numbers_are_converted(graded):
    key = "hostile/returns_odd_types.py"
    for exercise in ("mse", "mae"):
        assert {V, E, D, R, HV} <= {check_id(t) for t in checks_of(graded.results[key], exercise)
                                  if t["status"] == "passed"}


def test_a_python_float_for_a_batch_is_a_shape_mistake(graded):
    assert message(graded, "hostile/returns_odd_types.py", "huber").endswith(
        "expected shape (8,), got (). Looks like you averaged over the whole batch; "
        "Keras returns one value per sample")


def test_nan_is_reported_as_not_finite(graded):
    assert "your result has inf or NaN where the reference's is finite" in \
        message(graded, "hostile/returns_odd_types.py", "log_cosh")


def test_objects_that_claim_equality_are_refused(graded):
    key = "hostile/lying_objects.py"
    assert message(graded, key, "mse").endswith(": the return value is a AlwaysEqual, not a number, array or tensor")
    assert message(graded, key, "mae").endswith(": the return value has dtype <U6; expected numbers")
    assert "got [123, 123, 123, 123, …]" in message(graded, key, "huber")
    assert message(graded, key, "log_cosh").endswith(": the return value has dtype object; expected numbers")


@pytest.mark.parametrize("key", ["hostile/monkeypatch_numpy.py", "hostile/monkeypatch_keras.py",
                                 "hostile/monkeypatch_builtins.py"])
def test_monkeypatching_the_submissions_own_modules_cannot_pass_a_wrong_answer(graded, key):
    assert "got [0, 0, 0, 0, …]" in message(graded, key, "mse")
    assert graded.results[key]["score"] == pytest.approx(30, abs=1e-3)        # mse: 0, the rest in full


# --------------------------------------------------------------------------- fake results and sabotage

def test_fake_results_written_by_a_submission_do_not_replace_the_grader_files(graded):
    assert "FAKE-MARKER" not in (graded.out / "grades.csv").read_text()
    for key in EXPECTED_FAILURES:
        if key != "hostile/fake_results_writer.py":
            assert "FAKE-MARKER" not in results_path(graded.out, key).read_text(), key
    result = graded.results["hostile/fake_results_writer.py"]
    assert all("FAKE" not in t["output"] and "everything" not in t["name"] for t in result["tests"])
    assert graded.rows["hostile/fake_results_writer.py"]["total"] == "40"
    assert graded.results["hostile/fake_results_writer.py"]["score"] == 40


@pytest.mark.skipif(not SEPARATE_USER, reason=NOT_SEPARATE)
def test_the_out_dir_holds_only_what_the_grader_wrote(graded):
    expected = {"grades.csv", "grades.jsonl"} | {f"submissions/{k}/results.json" for k in EXPECTED_FAILURES}
    found = {str(p.relative_to(graded.out)) for p in graded.out.rglob("*") if p.is_file()}
    assert found == expected


def test_the_grader_files_stay_the_truth_after_the_run(graded):
    time.sleep(1.0)
    with open(graded.out / "grades.csv", newline="", encoding="utf-8") as f:
        assert {row[0]: dict(zip(graded.header, row)) for row in list(csv.reader(f))[1:]} == graded.rows
    for key, result in graded.results.items():
        assert json.loads(results_path(graded.out, key).read_text()) == result


def test_printed_fake_results_stay_inside_the_printed_output(graded):
    result = graded.results["hostile/fake_results_writer.py"]
    head, printed = result["output"].split("\n\nWhat your code printed (first lines):\n")
    assert re.fullmatch(r"Chapter 02: ([\d.]+) of \1 points on the checks shown now\. The hidden checks "
                        r"\([\d.]+ points\) are shown when they are published\. Status: graded", head), head
    assert '"score": 400' in printed


@pytest.mark.skipif(not SEPARATE_USER, reason=NOT_SEPARATE)
def test_a_submission_cannot_kill_the_grader_or_the_zygote(graded):
    seen, refused = map(int, re.search(r"ancestors in sight: (\d+); refused: (\d+)",
                                       graded.results["hostile/kills_the_grader.py"]["output"]).groups())
    assert seen == refused                      # it saw them (as "nobody") but could signal none
    if ISOLATED:
        assert seen == 0                        # it is process 1 of its own namespace: nothing above it
    assert graded.rows["hostile/kills_the_grader.py"]["total"] == "40"


# --------------------------------------------------------------------------- the isolation boundary

def output_of(graded, key):
    return graded.results[key]["output"].split("\n\nWhat your code printed (first lines):\n", 1)[1]


@needs_isolation
def test_correct_submissions_keep_full_marks_beside_hostile_ones(graded):
    assert CORRECT and all(graded.rows[k]["total"] == "40" for k in CORRECT)
    assert all(graded.rows[k]["status"] == "graded" for k in CORRECT)


@needs_isolation
def test_a_submission_that_kills_and_stops_its_siblings_reaches_none(graded):
    assert "siblings in sight: 0" in output_of(graded, "hostile/kills_siblings.py")
    assert graded.rows["hostile/kills_siblings.py"]["total"] == "40"


def sandbox_processes(grader_pid):
    """Processes on this machine running as the user id of a submission of that grader."""
    uids, found = isolation.uid_range(grader_pid), []
    for entry in os.listdir("/proc"):
        try:
            uid = int(Path(f"/proc/{entry}/status").read_text().split("Uid:")[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if uid in uids:
            found.append(int(entry))
    return found


@needs_isolation
def test_no_process_of_any_submission_outlives_the_grading_run(graded):
    assert sandbox_processes(graded.pid) == []
    assert not any(Path(f"/tmp/{n}").exists() or Path(f"/dev/shm/{n}").exists() for n in ["reforking-daemon-alive"])


@needs_isolation
def test_the_run_leaves_no_cgroup_behind(graded):
    for controller in ("memory", "pids"):
        assert not list((isolation.CGROUP_ROOT / controller).glob(f"autograder-{graded.pid}-*"))


@needs_isolation
def test_memory_is_limited_for_all_of_a_submissions_processes_together(graded):
    printed = output_of(graded, "hostile/fork_memory.py")
    assert "grandchildren started: 4" in printed
    found = re.search(r"holding 1.5 GB at the same time: (\d+)", printed)
    assert found, (printed, graded.rows["hostile/fork_memory.py"])
    held = int(found.group(1))
    assert held * 1.5 * 1024 ** 3 <= isolation.SUBMISSION_MEMORY
    assert graded.rows["hostile/fork_memory.py"]["total"] == "40"


@needs_isolation
def test_disk_is_limited_for_the_submission_and_nothing_it_wrote_survives(graded):
    printed = output_of(graded, "hostile/disk_fill.py")
    written, files = map(int, re.search(r"bytes written: (\d+); files: (\d+)", printed).groups())
    assert 0 < written <= isolation.TMP_BYTES + isolation.SHM_BYTES
    assert 0 < files <= isolation.TMP_INODES * 5 // 4
    for folder in (Path("/tmp"), Path("/dev/shm"), graded.out):
        assert not list(folder.glob("disk-fill-marker-*"))


@needs_isolation
def test_a_submission_finds_no_seed_no_grader_code_no_other_work_and_no_network(graded):
    printed = output_of(graded, "hostile/seed_hunter.py")
    for line in ("env: {}", "seed words in /proc: []", "processes in sight: [1]", "grader modules importable: []",
                 "other submissions readable: 0", "grader files readable: 0"):
        assert line in printed.splitlines(), line
    assert "loopback: none" in printed and "internet: none" in printed


def test_the_seed_is_in_no_output_file(graded):
    for path in graded.out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert SEED_TEXT not in text and str(SEED) not in text, path
    assert SEED_TEXT not in graded.proc.stdout + graded.proc.stderr


@needs_isolation
def test_the_answer_key_cannot_be_imported_or_found_by_a_submission(graded):
    printed = output_of(graded, "hostile/grader_modules.py")
    assert printed.startswith("answer key: not found")
    assert graded.rows["hostile/grader_modules.py"]["total"] == "0"


@needs_isolation
def test_hidden_checks_do_not_echo_the_submissions_error_text(graded):
    result = graded.results["hostile/seed_hunter.py"]
    for test in checks_of(result, "mae"):
        if test["extra_data"]["hidden"]:
            assert "your code raised an error (for hidden checks its text is not shown" in test["output"]
            assert "inputs" not in test["output"] and "[[" not in test["output"]
        elif check_id(test) == V:
            assert "ValueError: inputs: [[" in test["output"]     # public checks show everything


# --------------------------------------------------------------------------- hidden checks

def _arrays_in(obj, seen):
    """The NumPy arrays a check closes over (its inputs)."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _arrays_in(item, seen)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _arrays_in(item, seen)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for item in vars(obj).values():
            yield from _arrays_in(item, seen)
    elif callable(obj) and getattr(obj, "__closure__", None):
        for cell in obj.__closure__:
            yield from _arrays_in(cell.cell_contents, seen)


def hidden_inputs(seed, exercise):
    return [a for c in checks_for(exercise, seed) if c.hidden for a in _arrays_in(c.run, set())]


def public_inputs(seed, exercise):
    return [a for c in checks_for(exercise, seed) if not c.hidden for a in _arrays_in(c.run, set())]


def telltale_strings(arrays, digits=4):
    """How hidden values would look if a message or file showed them (the grader prints with .4g)."""
    out = set()
    for a in arrays:
        for v in np.asarray(a, np.float64).ravel():
            for text in (f"{v:.4g}", f"{v:.5f}", repr(float(v))):
                significant = re.sub(r"\D", "", text.split("e")[0]).strip("0")
                if len(significant) >= digits:     # "0.125" could be anything; "-1.237" is telling
                    out.add(text)
    return out


def test_hidden_inputs_come_from_the_seed(graded):
    for exercise in CH02:
        a, b, c = hidden_inputs(SEED, exercise), hidden_inputs(SEED, exercise), hidden_inputs(SEED + 1, exercise)
        assert a and len(a) == len(b)
        assert all(np.array_equal(x, y) for x, y in zip(a, b))
        assert not all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, c))
        assert all(np.array_equal(x, y) for x, y in zip(public_inputs(SEED, exercise), public_inputs(SEED + 1, exercise)))


def test_self_check_and_check_build_no_hidden_checks():
    for exercise in exercises.EXERCISES:
        if exercise.chapter == "02":
            assert not any(c.hidden for c in checks_for(exercise.name, None))


def test_check_never_runs_hidden_checks(cli_runs):
    assert "hidden" not in cli_runs["check_good"].stdout and "hidden" not in cli_runs["check_buggy"].stdout


def test_hidden_check_messages_show_no_values(graded):
    telltales = set().union(*(telltale_strings(hidden_inputs(SEED, e)) for e in CH02))
    checked = 0
    for result in graded.results.values():
        for test in result["tests"]:
            if not test["name"].endswith("(hidden)") or test["status"] == "passed":
                continue
            text = test["output"]
            assert "expected [" not in text and "got [" not in text and "values differ" not in text
            assert not any(t in text for t in telltales), text
            bare = text.split(". Looks like")[0]      # the slip is the grader's words ("the 0.5 is missing")
            assert not re.search(r"\d\.\d|\de[+-]?\d|shape \(", bare), text
            checked += 1
    assert checked >= 20


def test_nothing_shipped_to_learners_contains_hidden_values():
    # five significant digits: a notebook holds thousands of printed numbers, and NumPy prints eight
    telltales = set().union(*(telltale_strings(hidden_inputs(SEED, e), digits=5) for e in CH02))
    shipped = [p for p in (ROOT / "notebooks").rglob("*") if p.is_file()]
    for path in shipped:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not any(t in text for t in telltales), path


# --------------------------------------------------------------------------- the command line

@pytest.fixture(scope="session")
def cli_runs(tmp_path_factory):
    """`check` on a correct and a buggy submission and `grade` on correct ones, side by side."""
    out = tmp_path_factory.mktemp("cli") / "out"
    commands = {
        "check_good": ["check", str(CORPUS / "ch02" / "keras_ops.py")],
        "check_buggy": ["check", str(CORPUS / "ch02" / "huber_no_half.py")],
        "grade_all_good": ["grade", "--chapter", "2", "--seed-file", str(out.parent / "seed.txt"), "--out", str(out),
                           str(CORPUS / "ch02" / "raw_tf.py"), str(CORPUS / "ch02" / "learner_notebook.ipynb")],
        "grade_no_seed": ["grade", "--out", str(out.parent / "no-seed"), str(CORPUS / "ch02" / "raw_tf.py")],
        "grade_required_isolation_off": ["grade", "--seed", "x", "--isolation", "require", "--out",
                                         str(out.parent / "refused"), str(CORPUS / "ch02" / "raw_tf.py")],
    }
    (out.parent / "seed.txt").write_text("a seed in a file\n")
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_SEED"}

    def run(args):
        extra = {"AUTOGRADER_ISOLATION": "off"} if "require" in args else {}
        return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=600, env={**env, **extra})
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        runs = dict(zip(commands, pool.map(run, commands.values())))
    runs["out"] = out
    return runs


def test_check_exits_0_when_every_public_check_passes(cli_runs):
    run = cli_runs["check_good"]
    assert run.returncode == 0, run.stdout + run.stderr
    public = sum(len(CHECKS[name] - {HV, HO, HG}) for name in CH02)
    assert f"Chapter 02 (Regression losses): {public} of {public} checks pass. Well done!" in run.stdout
    assert run.stdout.count("✓") == public and "✗" not in run.stdout


def test_check_exits_1_and_prints_a_cross_with_the_hint_for_a_failing_check(cli_runs):
    run = cli_runs["check_buggy"]
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    i = next(n for n, line in enumerate(lines) if n > lines.index("huber") and line.startswith("  ✗ values match"))
    assert "Looks like the 0.5 is missing from the quadratic part" in lines[i + 1]
    public = sum(len(CHECKS[name] - {HV, HO, HG}) for name in CH02)
    failed = len(CHECKS["huber"] - {HV, HO, HG})          # every public check of huber
    assert f"{public - failed} of {public} checks pass" in run.stdout


def test_grade_exits_0_when_every_submission_was_graded(cli_runs):
    run = cli_runs["grade_all_good"]
    assert run.returncode == 0, run.stdout + run.stderr
    with open(cli_runs["out"] / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["submission"], r["total"], r["status"]) for r in rows] == \
        [("raw_tf.py", "40", "graded"), ("learner_notebook.ipynb", "40", "graded")]


def test_grading_without_a_seed_is_an_error_that_says_how_to_give_one(cli_runs):
    run = cli_runs["grade_no_seed"]
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert all(way in run.stderr for way in ("--seed", "$AUTOGRADER_SEED", "--seed-file"))
    assert not (cli_runs["out"].parent / "no-seed").exists()


def test_grade_refuses_when_isolation_is_required_and_impossible_and_says_so_in_every_row(cli_runs):
    run = cli_runs["grade_required_isolation_off"]
    assert run.returncode == 2
    assert "cannot be isolated here: AUTOGRADER_ISOLATION=off" in run.stderr
    with open(cli_runs["out"].parent / "refused" / "grades.csv", newline="") as f:
        assert [r["status"] for r in csv.DictReader(f)] == ["not run: isolation required: AUTOGRADER_ISOLATION=off"]


@pytest.mark.skipif(ISOLATED, reason="isolation is available: no warning is due")
def test_grade_warns_loudly_when_it_cannot_isolate(cli_runs):
    assert "WARNING: submissions are NOT isolated" in cli_runs["grade_all_good"].stderr


@needs_isolation
def test_grade_does_not_warn_when_it_isolates(cli_runs):
    assert "NOT isolated" not in cli_runs["grade_all_good"].stderr


def test_list_json_parses_and_names_every_exercise_with_its_points():
    run = subprocess.run([sys.executable, "-m", "autograder", "list", "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    chapters = json.loads(run.stdout)
    assert [c["chapter"] for c in chapters] == [c.id for c in exercises.CHAPTERS]
    (ch02,) = [c for c in chapters if c["chapter"] == "02"]
    assert [(e["name"], e["points"]) for e in ch02["exercises"]] == [(n, 10) for n in CH02]
