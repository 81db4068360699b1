"""threshold_for_recall (chapter 06): the operating point behind keras.metrics.PrecisionAtRecall.

The contract: candidate thresholds i / (num_thresholds - 1); a score is positive when strictly
above; among the thresholds whose recall is >= the target, the best precision (what
PrecisionAtRecall reports) and the highest threshold reaching it; (0.0, 0.0) when none qualifies.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.checks import PUBLIC_SEED
from autograder.checks import thresholds as T
from autograder.references import namespace
from autograder.runner import InProcess, run_exercise

NAME = "threshold_for_recall"
SEED = 12345

THRESHOLD, PRECISION, TIES, EXACT, EDGES = "values", "precision", "ties", "exact-target", "zero-division"


def reference(*args, **kwargs):
    """The answer key's threshold_for_recall."""
    return namespace()[NAME](*args, **kwargs)


def grade(fn, seed=SEED):
    return run_exercise(NAME, InProcess({NAME: fn}), seed=seed)


def failed(results, hidden=False):
    return {r.key for r in results if not r.passed and r.hidden == hidden}


def learner_solution(y_true, scores, target_recall, num_thresholds=200):
    """The notebook's solution: float64 NumPy, `scores > t` on the grid."""
    y = np.asarray(y_true).reshape(-1) != 0
    s = np.asarray(scores, dtype="float64").reshape(-1)
    thresholds = np.arange(num_thresholds) / (num_thresholds - 1)
    predicted = s[None, :] > thresholds[:, None]
    tp = np.sum(predicted & y, axis=1)
    fp = np.sum(predicted & ~y, axis=1)
    recall = tp / max(int(np.sum(y)), 1)
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    qualifies = recall >= target_recall
    if not qualifies.any():
        return 0.0, 0.0
    best = precision[qualifies].max()
    i = np.flatnonzero(qualifies & (precision == best)).max()
    return float(thresholds[i]), float(best)


def with_mistake(**slip):
    def answer(y_true, scores, target_recall, num_thresholds=200):
        return T.np_operating_point(y_true, scores, target_recall, num_thresholds, **slip)
    return answer


# --------------------------------------------------------------------------- full marks

@pytest.mark.parametrize("fn", [reference, learner_solution], ids=["reference", "notebook"])
def test_a_correct_answer_scores_full_marks_public_and_hidden(fn):
    results = grade(fn)
    assert [r for r in results if not r.passed] == []
    assert any(r.hidden for r in results) and sum(r.score for r in results) == pytest.approx(10)


def test_the_answer_key_and_the_numpy_model_agree():
    y, s = np.array([0, 0, 0, 1, 1]), np.array([0, 0.3, 0.8, 0.3, 0.8])
    assert reference(y, s, 0.5) == T.np_operating_point(y, s, 0.5) == (0.7989949748743719, 0.5)


# --------------------------------------------------------------------------- each slip costs its own check

@pytest.mark.parametrize("slip, check, words", [
    (dict(ge=True), TIES, "strictly above the threshold (>, not >=)"),
    (dict(pick="lowest"), THRESHOLD, "lowest threshold among those with the best precision"),
    (dict(strict=True), EXACT, ">= target_recall, not >"),
    (dict(rule="at_highest"), PRECISION, "precision at the highest threshold whose recall reaches the target"),
])
def test_each_classic_slip_fails_one_public_check_and_is_named(slip, check, words):
    results = grade(with_mistake(**slip))
    assert failed(results) == {check}
    message = next(r.message for r in results if r.key == check)
    assert "Looks like" in message and words in message


@pytest.mark.parametrize("slip, check, words", [
    (dict(pick="lowest_qualifying"), THRESHOLD, "lowest threshold whose recall reaches the target"),
    (dict(give="recall"), PRECISION, "precision and recall are swapped: you returned the recall"),
    (dict(roles="swapped"), THRESHOLD, "precision and recall are swapped: that is RecallAtPrecision's rule"),
    (dict(grid="n"), THRESHOLD, "the grid is off by one"),
    (dict(grid="linspace"), THRESHOLD, "the grid is off by one"),
    (dict(recall_is_precision=True), THRESHOLD, "recall was computed as tp / (tp + fp)"),
    (dict(index_out=True), THRESHOLD, "the index of the threshold"),
])
def test_other_slips_are_caught_and_named(slip, check, words):
    results = grade(with_mistake(**slip))
    assert check in failed(results)
    message = next(r.message for r in results if r.key == check)
    assert words in message


def test_hidden_checks_catch_the_slips_without_showing_the_answer():
    results = grade(with_mistake(pick="lowest"))
    hidden = [r for r in results if r.hidden and not r.passed]
    assert [r.key for r in hidden] == [THRESHOLD]
    assert "expected" not in hidden[0].message and "lowest threshold" in hidden[0].message


def test_a_single_number_is_not_an_answer():
    results = grade(lambda y_true, scores, target_recall, num_thresholds=200: 0.5)
    message = next(r.message for r in results if r.key == THRESHOLD and not r.hidden)
    assert "a pair (threshold, precision)" in message and "float" in message


# --------------------------------------------------------------------------- the reference is Keras' PrecisionAtRecall

def _keras_counts(y, s, target, n):
    import keras
    metric = keras.metrics.PrecisionAtRecall(target, num_thresholds=n)
    metric.update_state(np.asarray(y, np.float32), np.asarray(s, np.float32))
    counts = [v.numpy() for v in (metric.true_positives, metric.false_positives, metric.false_negatives)]
    return float(metric.result()), counts


def _agrees_with_keras(y, s, target, n):
    threshold, precision = reference(y, s, target, n)
    keras_precision, (tp, fp, fn) = _keras_counts(y, s, target, n)
    assert precision == keras_precision
    # the threshold, read off Keras' own counts: it qualifies, reaches the best precision,
    # and no higher threshold does both
    with np.errstate(all="ignore"):
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0).astype(np.float32)
        prec = np.where(tp + fp > 0, tp / (tp + fp), 0).astype(np.float32)
    good = (recall >= np.float32(target)) & (prec == np.float32(keras_precision))
    if not (recall >= np.float32(target)).any():
        assert (threshold, precision) == (0.0, 0.0)
    else:
        assert threshold == np.flatnonzero(good).max() / (n - 1)


@pytest.mark.parametrize("kind", ["random_monotone", "random_any", "grid_ties", "exact_target"])
def test_the_reference_equals_precision_at_recall_on_the_generated_sets(kind):
    rng = np.random.default_rng([PUBLIC_SEED, 99])
    make = {"random_monotone": lambda: T.random_sets(rng, 15, monotone=True),
            "random_any": lambda: T.random_sets(rng, 15, monotone=False),
            "grid_ties": lambda: T.grid_tie_sets(rng, 15),
            "exact_target": lambda: T.exact_target_sets(rng, 15)}[kind]
    for case in make() + T.edge_sets():
        _agrees_with_keras(case["y"], case["scores"], case["target"], case["num_thresholds"])


# Subnormal floats are left out: TensorFlow flushes them to zero on the CPU, so Keras never counts a
# score of 1e-43 as positive, while NumPy (and any learner) compares it with 0 exactly.
scores_01 = st.one_of(st.floats(0, 1, width=32, allow_subnormal=False),
                      st.integers(0, 16).map(lambda k: k / 16))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(st.tuples(st.integers(0, 1), scores_01), min_size=1, max_size=40),
       target=st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])),
       n=st.one_of(st.integers(2, 300), st.sampled_from([5, 9, 17, 200])))
def test_the_reference_equals_precision_at_recall_on_any_input(data, target, n):
    y = np.array([d[0] for d in data], np.float32)
    s = np.array([d[1] for d in data], np.float32)
    _agrees_with_keras(y, s, target, n)


def test_keras_takes_the_best_precision_not_the_one_at_the_highest_qualifying_threshold():
    y = np.array([1, 0, 1, 1, 1, 0, 0, 0])
    s = np.array([0.9, 0.8, 0.3, 0.29, 0.28, 0.1, 0.05, 0.02])
    keras_precision, _ = _keras_counts(y, s, 0.5, 200)
    assert reference(y, s, 0.5)[1] == pytest.approx(0.8) == keras_precision
    assert T.np_operating_point(y, s, 0.5, rule="at_highest")[1] == pytest.approx(2 / 3)
