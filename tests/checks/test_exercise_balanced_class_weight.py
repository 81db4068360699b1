"""balanced_class_weight (chapter 05): scikit-learn's "balanced" class weights as a {label: weight} dict.

The reference scores full marks, public and hidden; each classic slip fails only the key of
its property (`values`: the formula; `keys`: the labels as ints; `list`: a list as an array),
public and hidden twin, with a message naming it; hidden messages show no returned value and
no input; the reference agrees with scikit-learn's compute_class_weight; and the training the
public `values` message shows runs beside the answer key (never in the grader's checks).
"""
import functools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.class_weight import compute_class_weight

from autograder.checks import imbalance
from autograder.references import namespace
from autograder.runner import InProcess, run_exercise

NAME = "balanced_class_weight"
SEED = 12345
reference = namespace()[NAME]
minority_recalls = namespace()[imbalance.HELPER]


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


def text_keys(y):
    return {str(k): v for k, v in reference(y).items()}


def array_only(y):
    classes, counts = np.unique(y, return_counts=True)
    return {int(c): y.size / (len(classes) * int(m)) for c, m in zip(classes, counts)}


def a_list(y):
    return list(reference(y).values())


def binary_only(y):
    """Right, but a single class is given weight n / (2 n): the formula with k fixed at 2."""
    c, n = _classes_counts(y)
    return {int(a): len(y) / (max(len(c), 2) * int(b)) for a, b in zip(c, n)}


@functools.cache
def results_of(fn):
    """Every check's result, by (key, hidden) (graded once per function)."""
    return {(r.key, r.hidden): r for r in run_exercise(NAME, InProcess({NAME: fn}), seed=SEED)}


def failing(results):
    return {key for (key, _), r in results.items() if not r.passed}


def failing_twins(results):
    return {k for k in failing(results)
            if not results[(k, False)].passed and not results[(k, True)].passed}


# --------------------------------------------------------------------------- the reference

def test_the_reference_scores_full_marks_public_and_hidden():
    results = results_of(reference)
    assert all(r.passed for r in results.values()), [r.message for r in results.values() if not r.passed]
    assert sum(r.score for r in results.values()) == pytest.approx(10)
    assert {k for k, _ in results} == {"values", "keys", "list"}
    assert all((k, True) in results for k in ("values", "keys", "list"))


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


def test_the_checks_never_import_keras():
    code = ("import sys, autograder.checks.imbalance, autograder.checks.diagnosis; "
            "print('keras' in sys.modules or 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    source = open(imbalance.__file__, encoding="utf-8").read()
    assert "import keras" not in source and "import tensorflow" not in source
    assert "def balanced_class_weight(" not in source                 # the reference is in answer_key/


# --------------------------------------------------------------------------- each slip costs only its key

@pytest.mark.parametrize("slip, words", [
    (inverted, "inverted"),
    (frequencies, "class frequencies"),
    (raw_counts, "raw counts"),
    (one_over_count, "1 / count"),
    (no_n_classes, "n_classes factor is missing"),
    (normalised, "normalised to sum to 1"),
])
def test_a_wrong_formula_fails_only_the_values_key_and_is_named(slip, words):
    results = results_of(slip)
    assert failing(results) == failing_twins(results) == {"values"}
    assert words in results[("values", False)].message
    assert words in results[("values", True)].message            # the slip is the grader's words


@pytest.mark.parametrize("slip, words", [
    (range_keys, "numbered the classes"),
    (float_keys, "the keys are floats"),
    (text_keys, "the keys are text"),
])
def test_wrong_keys_fail_only_the_keys_key(slip, words):
    results = results_of(slip)
    assert failing(results) == failing_twins(results) == {"keys"}
    assert words in results[("keys", False)].message and words in results[("keys", True)].message


def test_code_that_needs_an_array_fails_only_the_list_key():
    results = results_of(array_only)
    assert failing(results) == failing_twins(results) == {"list"}
    assert "AttributeError" in results[("list", False)].message
    assert "AttributeError" not in results[("list", True)].message


def test_a_single_class_is_part_of_the_values_check():
    results = results_of(binary_only)
    assert failing(results) == {"values"}
    assert results[("values", False)].message.startswith("balanced_class_weight(an int64 array of")
    assert results[("values", True)].message.startswith("a single class:")


def test_an_answer_that_is_not_a_dict_is_told_to_return_one():
    results = results_of(a_list)
    assert not any(r.passed for r in results.values())
    assert "expected a dict {label: weight}, got a list" in results[("values", False)].message
    assert "must be a dict {label: weight}" in results[("values", True)].message


@pytest.mark.parametrize("slip", [inverted, range_keys, float_keys, a_list])
def test_hidden_messages_show_nothing_returned_and_no_input(slip):
    for (key, hidden), r in results_of(slip).items():
        if hidden and not r.passed:
            assert "expected" not in r.message and "got" not in r.message, r.message
            head = r.message.split("Looks like")[0]
            for word in ("int64", "int32", "0..k-1"):
                head = head.replace(word, "")
            assert not any(ch.isdigit() for ch in head), r.message


# --------------------------------------------------------------------------- what wrong weights do

def test_the_public_values_message_shows_what_the_weights_do():
    message = results_of(inverted)[("values", False)].message
    assert "a logistic regression finds" in message and "balanced weights find" in message
    assert "no weights" in message and "inverted" in message
    assert "logistic regression" not in results_of(inverted)[("values", True)].message


def test_the_outcome_data_make_balanced_weights_matter_and_inverted_ones_hurt():
    for seed in range(6):
        (x, y), (x_test, y_test) = imbalance.outcome_set(np.random.default_rng(seed))
        unweighted, balanced, wrong = minority_recalls(x, y, x_test, y_test,
                                                       [{0: 1.0, 1: 1.0}, reference(y), inverted(y)])
        assert balanced >= unweighted + 0.2, (seed, unweighted, balanced)
        assert wrong <= unweighted, (seed, unweighted, wrong)


def test_the_training_helper_reads_keys_of_any_type_and_is_deterministic():
    (x, y), (x_test, y_test) = imbalance.outcome_set(np.random.default_rng(3))
    w = reference(y)
    as_text = {str(k): v for k, v in w.items()}
    first = minority_recalls(x, y, x_test, y_test, [w, as_text])
    assert first[0] == first[1] == minority_recalls(x, y, x_test, y_test, [w])[0]
