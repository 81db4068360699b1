"""The grader's verdicts at their edges, and the one renderer: what a public and a hidden check may show."""
import numpy as np
import pytest

from autograder import exercises
from autograder.checks import checks_for, compare, tolerances
from autograder.runner import plan
from autograder.grade import zero_results
from autograder.verdict import Outcome, Problem, neutral, render


def _compare(expected, got, dtype=None):
    return compare(expected, got, *tolerances(np.asarray(expected).dtype), kind="a batch", where="f(x) on (4,)",
                   dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_answer_off_by_ten_times_the_tolerance_fails(dtype):
    rtol, _ = tolerances(dtype)
    expected = np.array([0.5, 1.5, 2.5, 40.0], dtype=dtype)
    assert not _compare(expected, expected * (1 + 10 * rtol)).passed


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_answer_within_a_tenth_of_the_tolerance_passes(dtype):
    rtol, _ = tolerances(dtype)
    expected = np.array([0.5, 1.5, 2.5, 40.0], dtype=dtype)
    assert _compare(expected, expected * (1 + rtol / 10)).passed


def test_float32_arithmetic_fails_a_float64_comparison():
    rng = np.random.default_rng(0)
    e = rng.normal(size=(6, 3))
    exact = (e ** 2).mean(axis=-1)
    in_float32 = (e.astype(np.float32) ** 2).mean(axis=-1).astype(np.float64)
    assert not _compare(exact, in_float32).passed


def test_a_float32_result_fails_where_float64_is_promised():
    expected = np.array([0.5, 1.5], np.float64)
    outcome = _compare(expected, expected.astype(np.float32).astype(np.float64).astype(np.float32), dtype=np.float64)
    assert outcome.problem in (Problem.DTYPE, Problem.VALUES) and not outcome.passed


def test_a_constant_off_by_a_thousandth_fails_in_float32():
    expected = np.full((3,), 0.6931472, np.float32)        # log 2
    assert not _compare(expected, expected * 1.001).passed


def test_a_wrong_shape_fails_even_with_equal_values():
    outcome = _compare(np.ones((4,)), np.ones((4, 1)))
    assert outcome.problem is Problem.SHAPE and "shape" in outcome.message


def test_nan_where_the_reference_is_finite_fails_and_says_so():
    outcome = _compare(np.ones(3), np.array([1.0, np.nan, 1.0]))
    assert outcome.problem is Problem.NONFINITE and "NaN" in outcome.message


# --------------------------------------------------------------------------- the renderer

SECRET = "HIDDEN-INPUT-0.123456"
HOSTILE = [SECRET, SECRET * 10_000, {"a": SECRET}, [SECRET, 1.0], np.array([0.123456, 7.0]),
           "\x1b]52;c;" + SECRET + "\x07", "=cmd|' /C calc'!A0 " + SECRET, "\ud800" + SECRET, 0.123456]


@pytest.mark.parametrize("got", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("problem", list(Problem))
def test_a_hidden_message_never_shows_what_the_submission_returned_or_the_input(got, problem):
    outcome = Outcome(False, problem, kind="scores tied with the threshold", where=f"f({SECRET})",
                      expected=np.array([0.123456]), got=got, differing=1, of=2, largest=0.123456,
                      error=f"ValueError: {SECRET}", slip="a score equal to the threshold counted as 1",
                      detail="" if problem in (Problem.FATAL, Problem.MISSING, Problem.SHORTCUT, Problem.OTHER)
                      else "")
    text = render(outcome, hidden=True)
    assert "HIDDEN-INPUT" not in text and "0.123" not in text and "1 of 2" not in text


def test_a_hidden_message_names_the_kind_of_input_and_the_slip():
    outcome = Outcome(False, Problem.VALUES, kind="scores tied with the threshold", got=np.ones(2),
                      expected=np.zeros(2), slip="a score equal to the threshold counted as positive")
    text = render(outcome, hidden=True)
    assert text.startswith("scores tied with the threshold:") and "Looks like a score equal" in text


def test_a_public_message_shows_the_input_what_was_expected_and_what_came_back():
    outcome = Outcome(False, Problem.VALUES, kind="a batch", where="mse(y_true, y_pred) on shape (2,) float32",
                      expected=np.array([1.0, 2.0]), got=np.array([1.0, 3.0]))
    text = render(outcome, hidden=False)
    assert "mse(y_true, y_pred)" in text and "[1, 2]" in text and "[1, 3]" in text


def test_a_public_message_neutralises_what_the_submission_sent():
    outcome = Outcome(False, Problem.ERROR, where="f(x)", error="Boom\x1b[32m PASSED \x1b]52;c;aGk=\x07" + "x" * 5000)
    text = render(outcome, hidden=False)
    assert "\x1b" not in text and "\x07" not in text and len(text) < 700


def test_neutral_replaces_control_format_and_surrogate_characters():
    assert neutral("a\x1b[31mb\u202ec\ud800d") == "a\ufffd[31mb\ufffdc\ufffdd"


@pytest.mark.parametrize("chapter", [c.id for c in exercises.CHAPTERS if exercises.exercises_for(c.id)])
@pytest.mark.parametrize("seed", [None, 0])
def test_an_unreadable_submissions_row_has_every_check_at_its_real_weight(chapter, seed):
    results = zero_results(chapter, "unreadable", seed)
    for ex in exercises.exercises_for(chapter):
        mine = [r for r in results if r.exercise == ex.name]
        checks = plan(ex.name, seed)
        assert [(r.key, r.hidden) for r in mine] == [(c.key, c.hidden) for c in checks]
        assert sum(r.max_score for r in mine) == pytest.approx(ex.points)
        total_weight = sum(c.weight for c in checks)
        for r, c in zip(mine, checks):
            assert r.max_score == pytest.approx(ex.points * c.weight / total_weight)
            assert r.score == 0 and not r.passed
