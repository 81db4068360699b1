"""The grader's verdicts at their edges: faults a one-line slip in the grader would let through."""
import numpy as np
import pytest

from autograder import exercises
from autograder.checks import checks_for, compare, tolerances
from autograder.grade import _zero_results


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_answer_off_by_ten_times_the_tolerance_fails(dtype):
    rtol, atol = tolerances(dtype)
    expected = np.array([0.5, 1.5, 2.5, 40.0], dtype=dtype)
    got = expected * (1 + 10 * rtol)                       # e.g. a constant off by a little
    assert not compare(expected, got, rtol, atol, False, "inputs").passed


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_answer_within_a_tenth_of_the_tolerance_passes(dtype):
    rtol, atol = tolerances(dtype)
    expected = np.array([0.5, 1.5, 2.5, 40.0], dtype=dtype)
    assert compare(expected, expected * (1 + rtol / 10), rtol, atol, False, "inputs").passed


def test_a_constant_off_by_a_thousandth_fails_in_float32():
    expected = np.full((3,), 0.6931472, np.float32)        # log 2
    rtol, atol = tolerances(np.float32)
    assert not compare(expected, expected * 1.001, rtol, atol, False, "inputs").passed


def test_a_wrong_shape_fails_even_with_equal_values():
    rtol, atol = tolerances(np.float32)
    outcome = compare(np.ones((4,)), np.ones((4, 1)), rtol, atol, False, "inputs")
    assert not outcome.passed and "shape" in outcome.message


def test_nan_where_keras_is_finite_fails_and_says_so():
    rtol, atol = tolerances(np.float32)
    outcome = compare(np.ones(3), np.array([1.0, np.nan, 1.0]), rtol, atol, False, "inputs")
    assert not outcome.passed and "NaN" in outcome.message


@pytest.mark.parametrize("chapter", [c.id for c in exercises.CHAPTERS if exercises.exercises_for(c.id)])
@pytest.mark.parametrize("with_hidden", [False, True])
def test_an_unreadable_submissions_row_has_every_check_at_its_real_weight(chapter, with_hidden):
    results = _zero_results(chapter, "unreadable", with_hidden)
    for ex in exercises.exercises_for(chapter):
        mine = [r for r in results if r.exercise == ex.name]
        checks = checks_for(ex.name, 0 if with_hidden else None)
        assert [r.title for r in mine] == [c.title for c in checks]
        assert sum(r.max_score for r in mine) == pytest.approx(ex.points)
        total_weight = sum(c.weight for c in checks)
        for r, c in zip(mine, checks):
            assert r.max_score == pytest.approx(ex.points * c.weight / total_weight)
            assert r.score == 0 and not r.passed
