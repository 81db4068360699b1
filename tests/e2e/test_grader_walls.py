"""The walls around a submission that the grader keeps itself (issue 20): time, size and words.

A submission controls everything inside its sandbox, its signal handlers and its
socket included. So the time budget is the grader's clock, not the child's
alarm; a reply it forges is decoded within fixed bounds and described, never
quoted; and results.json stays small whatever it sends. Graded once, in one
batch, with short limits (a 2-s call, a 12-s submission).
"""
import json
from pathlib import Path

import pytest

from autograder import isolation
from autograder.grade import grade_many
from autograder.targets import CALL_GRACE, Limits

WALLS = Path(__file__).resolve().parents[1] / "submissions" / "walls"
LIMITS = Limits(call=2, cell=10, submission=12)
SPAWN_MARGIN = 4            # seconds to start and end a child, beyond the limits themselves
FILES = ["answers_after_the_call_limit.py", "slow_inside_every_limit.py", "forged_replies.py"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("walls")
    reports = grade_many([WALLS / f for f in FILES], out, chapter="02", seed=12345, jobs=1, progress=False,
                         mode=isolation.detect(), limits=LIMITS)
    return {r.submission.name: r for r in reports}, out


def mse_results(report):
    return [r for r in report.results if r.exercise == "mse"]


def test_a_call_that_ignores_its_alarm_is_ended_at_the_call_limit_and_not_credited(batch):
    reports, _ = batch
    report = reports["answers_after_the_call_limit.py"]
    assert not any(r.passed for r in mse_results(report))
    assert report.seconds < LIMITS.call + CALL_GRACE + SPAWN_MARGIN + 6


def test_the_submission_budget_is_a_wall_however_each_call_paces_itself(batch):
    reports, _ = batch
    report = reports["slow_inside_every_limit.py"]
    assert report.seconds < LIMITS.submission + CALL_GRACE + SPAWN_MARGIN
    failed = [r for r in mse_results(report) if not r.passed]
    assert failed and all("time limit" in r.message for r in failed if r.hidden)


def test_checks_before_the_budget_ran_out_keep_their_points(batch):
    reports, _ = batch
    assert any(r.passed for r in mse_results(reports["slow_inside_every_limit.py"]))


def test_a_forged_reply_is_never_quoted_in_a_hidden_message(batch):
    reports, _ = batch
    hidden = [r for r in reports["forged_replies.py"].results if r.hidden]
    assert hidden and not any("LEAK" in r.message for r in hidden)


def test_forged_replies_leave_every_message_and_results_json_small(batch):
    _, out = batch
    (path,) = [p for p in out.rglob("results.json") if "forged" in str(p)]
    assert path.stat().st_size < 64 * 1024
    data = json.loads(path.read_text())
    assert all(len(t["output"]) <= 1501 for t in data["tests"])


@pytest.fixture(scope="module")
def forged_hits(tmp_path_factory):
    """forged_hits.py graded under two seeds."""
    runs = []
    for seed in (1, 2):
        out = tmp_path_factory.mktemp(f"hits{seed}")
        (report,) = grade_many([WALLS / "forged_hits.py"], out, chapter="02", seed=seed, progress=False,
                               mode=isolation.detect(), limits=Limits(call=8, cell=10, submission=120))
        runs.append(report)
    return runs


def test_a_forged_list_of_forbidden_calls_says_the_same_under_every_seed(forged_hits):
    first, second = ([(r.key, r.hidden, r.message) for r in mse_results(report)] for report in forged_hits)
    assert first == second


def test_forbidden_calls_are_named_once_each_and_only_as_seen_before_hidden_inputs(forged_hits):
    for report in forged_hits:
        messages = {r.message for r in mse_results(report)}
        assert all(m.count("keras.losses.mean_squared_error") <= 1 for m in messages)
        assert not any(r.passed for r in mse_results(report))
