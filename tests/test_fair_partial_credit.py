"""Fair partial credit: an answer that is right except for one secondary property loses only the
check(s) for that property, keeps at least 70% of the exercise, and is told which property failed.

The corpus is tests/submissions/one_flaw/<exercise>__<flaw>.py, one exercise per file, graded in
this process (public and hidden checks) against the Keras references.
"""
import functools
import runpy
from pathlib import Path

import pytest

from autograder import exercises
from autograder.runner import InProcess, run_exercise

CORPUS = Path(__file__).resolve().parent / "submissions" / "one_flaw"
SEED = 271828

# file stem -> (the check that must fail, words its message must contain)
FLAWS = {
    "binary_accuracy__threshold_ignored": ("the threshold option", "the threshold argument is ignored"),
    "mse__no_rank_alignment": ("y_true of shape (n,) with y_pred of shape (n, 1)", "broadcast"),
    "mae__no_rank_alignment": ("y_true of shape (n,) with y_pred of shape (n, 1)", "(n, n) matrix"),
    "huber__float32_delta": ("float64 inputs", "mixes float32 and float64"),
    "log_cosh__float32_constant": ("float64 inputs", "mixes float32 and float64"),
    "binary_crossentropy__label_smoothing_ignored": ("the label_smoothing option", "label_smoothing is ignored"),
    "categorical_crossentropy__unstable_logits": ("the from_logits option", "from_logits"),
    "sparse_categorical_crossentropy__flattens_labels": ("rank-3 inputs: one value per sample", "Incompatible shapes"),
    "hinge__float32_constant": ("float64 inputs", "mixes float32 and float64"),
    "poisson__float32_epsilon": ("float64 inputs", "mixes float32 and float64"),
    "kl_divergence__float32_epsilon": ("float64 inputs", "mixes float32 and float64"),
    "binary_focal_crossentropy__label_smoothing_ignored": ("the label_smoothing option",
                                                           "label_smoothing is ignored"),
    "confusion_counts__sample_weight_ignored": ("sample_weight weights each prediction", "sample_weight is ignored"),
    "precision_recall_f1__sample_weight_ignored": ("sample_weight weights each prediction",
                                                   "sample_weight is ignored"),
    "reduce_loss__integer_weights_not_cast": ("edge cases", "mixes integer and float tensors"),
    "mse_l1__float32_constant": ("float64 inputs", "mixes float32 and float64"),
    "WeightedMSE__float32_penalty": ("call() on float64 inputs", "mixes float32 and float64"),
    "F1Score__reset_state_keeps_counts": ("reset_state() really resets", "reset_state"),
    "balanced_class_weight__keys_are_positions": ("the keys are the labels themselves, as ints (labels such as "
                                                  "{0, 2, 7})", "instead of using each label as its key"),
    "diagnose__first_val_key": ("reads only loss and val_loss; lists, tuples, arrays; any scale; 3 epochs",
                                "Looks like your code read another key"),
    "threshold_for_recall__ties_count_as_positive": ("a score exactly on a threshold counts as negative "
                                                     "(strictly above)", "(>, not >=)"),
}


@functools.cache
def graded(stem):
    """Each case is graded once; its three tests read the same results."""
    name = stem.split("__")[0]
    namespace = runpy.run_path(str(CORPUS / f"{stem}.py"))
    return exercises.exercise(name), run_exercise(name, InProcess(namespace), seed=SEED)


def test_the_corpus_is_exactly_the_listed_cases():
    assert sorted(p.stem for p in CORPUS.glob("*.py")) == sorted(FLAWS)


def test_every_exercise_has_a_one_flaw_case():
    assert {ex.name for ex in exercises.EXERCISES} - {stem.split("__")[0] for stem in FLAWS} == set()


@pytest.mark.parametrize("stem", sorted(FLAWS))
def test_one_secondary_flaw_keeps_at_least_70_percent(stem):
    ex, results = graded(stem)
    assert sum(r.score for r in results) >= 0.7 * ex.points, [(r.title, r.passed) for r in results]


@pytest.mark.parametrize("stem", sorted(FLAWS))
def test_one_secondary_flaw_fails_the_check_named_for_it_and_says_why(stem):
    check, words = FLAWS[stem]
    _, results = graded(stem)
    (result,) = [r for r in results if r.title == check]
    assert not result.passed
    assert words in result.message, result.message


@pytest.mark.parametrize("stem", sorted(FLAWS))
def test_one_secondary_flaw_fails_no_public_check_for_another_property(stem):
    check, _ = FLAWS[stem]
    _, results = graded(stem)
    failed = [r.title for r in results if not r.passed and not r.hidden]
    option = check[len("the "):-len(" option")] if check.startswith("the ") and check.endswith(" option") else None
    # an option's flaw also fails the check of that option combined with another ("from_logits with
    # label_smoothing together"), which tests the same property
    assert check in failed and all(t == check or (option and option in t) for t in failed), failed
