"""balanced_class_weight (chapter 05): scikit-learn's "balanced" class weights as a {label: weight} dict.

The reference scores full marks, public and hidden; each classic slip fails the check
that tests its property (and only that one where the slip is about one property), with a
message naming it; an answer of the wrong type is told what to return; the reference agrees
with scikit-learn's compute_class_weight on many label arrays; and the outcome check, which
trains a logistic regression in this process with the returned weights, passes the reference
and fails inverted weights on many seeds, the same way every time.
"""
import functools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.class_weight import compute_class_weight

from autograder.checks import Context, imbalance
from autograder.runner import InProcess, run_exercise

NAME = "balanced_class_weight"
SEED = 12345
reference = imbalance.balanced_class_weight

OUTCOME = imbalance.OUTCOME_TITLE
KEYS = "the keys are the labels themselves, as ints (labels such as {0, 2, 7})"
BINARY = "binary labels (int64 array): the weights match scikit-learn's balanced weights"
SEVERAL, LIST, SINGLE = "three to five classes (int32 array)", "a Python list of labels", \
    "a single class gets weight 1.0"
H_VALUES, H_KEYS, H_OUTCOME = ("values on hidden label sets", "keys on a hidden set of labels that are not 0..k-1",
                               "outcome on a hidden imbalanced set")
VALUE_CHECKS = {BINARY, SEVERAL, LIST, H_VALUES}


def _classes_counts(y):
    return np.unique(np.asarray(y), return_counts=True)


# --------------------------------------------------------------------------- the classic slips

def inverted(y):
    c, n = _classes_counts(y)
    return {int(a): len(c) * int(b) / len(y) for a, b in zip(c, n)}


def frequencies(y):
    c, n = _classes_counts(y)
    return {int(a): int(b) / len(y) for a, b in zip(c, n)}


def raw_counts(y):
    c, n = _classes_counts(y)
    return {int(a): int(b) for a, b in zip(c, n)}


def one_over_count(y):
    c, n = _classes_counts(y)
    return {int(a): 1 / int(b) for a, b in zip(c, n)}


def no_n_classes(y):
    c, n = _classes_counts(y)
    return {int(a): len(y) / int(b) for a, b in zip(c, n)}


def normalised(y):
    w = reference(y)
    total = sum(w.values())
    return {k: v / total for k, v in w.items()}


def range_keys(y):
    c, n = _classes_counts(y)
    return {i: len(y) / (len(c) * int(b)) for i, b in enumerate(n)}


def float_keys(y):
    return {float(k): v for k, v in reference(y).items()}


def a_list(y):
    return list(reference(y).values())


@functools.cache
def results_of(fn):
    """Every check's result, by title (graded once per function)."""
    return {r.title: r for r in run_exercise(NAME, InProcess({NAME: fn}), seed=SEED)}


def failing(results):
    return {title for title, r in results.items() if not r.passed}


# --------------------------------------------------------------------------- the reference

def test_the_reference_scores_full_marks_public_and_hidden():
    results = results_of(reference)
    assert all(r.passed for r in results.values()), [r.message for r in results.values() if not r.passed]
    assert sum(r.score for r in results.values()) == pytest.approx(10)
    assert any(r.hidden for r in results.values()) and any(not r.hidden for r in results.values())


def test_the_reference_is_self_contained():
    import inspect
    scope = {"np": np}
    exec(inspect.getsource(reference), scope)
    assert scope[NAME]([0, 2, 2, 7]) == {0: 4 / 3, 2: 2 / 3, 7: 4 / 3}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=40), min_size=1, max_size=200),
       st.sampled_from([np.int64, np.int32, "list"]))
def test_the_reference_agrees_with_scikit_learn(labels, form):
    y = labels if form == "list" else np.array(labels, dtype=form)
    classes = np.unique(labels)
    expected = compute_class_weight("balanced", classes=classes, y=np.asarray(labels))
    got = reference(y)
    assert list(got) == [int(c) for c in classes]
    assert all(type(k) is int and type(v) is float for k, v in got.items())
    np.testing.assert_allclose(list(got.values()), expected, rtol=1e-12)


# --------------------------------------------------------------------------- each slip is caught and named

@pytest.mark.parametrize("slip, words", [
    (inverted, "inverted"),
    (frequencies, "class frequencies"),
    (raw_counts, "raw counts"),
    (one_over_count, "1 / count"),
    (no_n_classes, "n_classes factor is missing"),
    (normalised, "normalised to sum to 1"),
])
def test_a_wrong_formula_fails_the_value_checks_and_is_named(slip, words):
    results = results_of(slip)
    assert VALUE_CHECKS <= failing(results)
    for title in VALUE_CHECKS:
        assert words in results[title].message, results[title].message
    assert KEYS not in failing(results) and H_KEYS not in failing(results)       # the keys are right


def test_keys_numbered_0_to_k_minus_1_fail_only_the_key_checks():
    results = results_of(range_keys)
    assert failing(results) == {KEYS, H_KEYS}
    assert "numbered the classes" in results[KEYS].message
    assert "the labels are [" in results[KEYS].message                            # public: says which
    assert "the labels are [" not in results[H_KEYS].message                      # hidden: does not


def test_float_keys_fail_only_the_key_checks():
    results = results_of(float_keys)
    assert failing(results) == {KEYS, H_KEYS}
    assert "keys are floats" in results[KEYS].message


def test_an_answer_that_is_not_a_dict_is_told_to_return_one():
    results = results_of(a_list)
    assert not any(r.passed for r in results.values())
    assert "returned a list; return a dict {label: weight}" in results[BINARY].message


def test_a_single_class_must_weigh_one():
    results = results_of(raw_counts)
    assert SINGLE in failing(results)
    assert SINGLE not in failing(results_of(inverted))            # 1 / 1 = 1: that slip is invisible here


def test_hidden_messages_do_not_reveal_the_expected_weights():
    results = results_of(inverted)
    hidden = [r for r in results.values() if r.hidden]
    assert hidden and not any("expected" in r.message or "{" in r.message for r in hidden)


# --------------------------------------------------------------------------- the outcome check

def test_the_outcome_check_fails_inverted_weights_and_says_the_recalls():
    results = results_of(inverted)
    assert {OUTCOME, H_OUTCOME} <= failing(results)
    message = results[OUTCOME].message
    assert "recall" in message and "balanced weights reach" in message and "no weights" in message
    assert "inverted" in message


def test_the_outcome_check_passes_weights_that_differ_only_in_scale():
    assert not {OUTCOME, H_OUTCOME} & failing(results_of(normalised))         # Adam ignores the scale


def _outcome_run(fn, seed):
    rng = np.random.default_rng(seed)
    imbalance.label_sets(rng)                    # the builder draws the label sets first
    run = imbalance._outcome(rng)
    ctx = Context(target=InProcess({NAME: fn}), reference=InProcess({NAME: reference}), exercise=NAME)
    return run(ctx)


@pytest.mark.parametrize("seed", range(4))
def test_the_outcome_check_separates_balanced_from_inverted_weights(seed):
    assert _outcome_run(reference, seed).passed
    assert not _outcome_run(inverted, seed).passed


def test_the_outcome_data_make_balanced_weights_matter():
    for seed in range(6):
        (x, y), (x_test, y_test) = imbalance.outcome_set(np.random.default_rng(seed))
        unweighted, balanced = imbalance.minority_recalls(x, y, x_test, y_test,
                                                         [{0: 1.0, 1: 1.0}, reference(y)])
        assert balanced >= unweighted + 0.2, (seed, unweighted, balanced)


def test_the_outcome_check_is_deterministic_and_fast():
    _outcome_run(reference, 3)                   # the model for this data shape is compiled
    imbalance._RECALLS.clear()
    start = time.perf_counter()
    first = _outcome_run(inverted, 3).message
    assert time.perf_counter() - start < 3.0
    imbalance._RECALLS.clear()                   # train again, not from the cache
    assert _outcome_run(inverted, 3).message == first
