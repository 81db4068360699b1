"""The per-sample loss checks (autograder/checks/losses.py, classification.py): one flaw, one key.

The input makers keep every drawn batch clear of edge behaviours (so that an edge-only flaw cannot
fail `values` or a hidden check on some seeds), every edge case belongs to exactly one key, and a
loss computed in float32 fails `float64` only.
"""
import runpy
from pathlib import Path

import numpy as np
import pytest

from autograder import exercises
from autograder.checks import checks_for, classification as cl, losses

ROOT = Path(__file__).resolve().parents[2]
LOSSES = [ex.name for ex in exercises.EXERCISES if ex.checks.startswith(("losses.", "classification."))]
SEEDS = range(20)


def spec_of(name):
    module, _, attr = exercises.exercise(name).checks.rpartition(".")
    return getattr({"losses": losses, "classification": cl}[module], attr)


@pytest.mark.parametrize("name", LOSSES)
def test_keys_are_stable_and_hidden_twins_reuse_them(name):
    public = [c.key for c in checks_for(name)]
    for seed in (0, 1):
        both = checks_for(name, seed)
        assert [c.key for c in both if not c.hidden] == public
        assert {c.key for c in both if c.hidden} <= {"values", "graph"} | {k for k in public if k.startswith("option:")}


@pytest.mark.parametrize("name", LOSSES)
def test_every_edge_case_belongs_to_one_key(name):
    spec = spec_of(name)
    groups = spec.option_groups()
    for _, _, _, kwargs in spec.edges(np.float32):
        assert losses.option_of(kwargs, groups) in (None, *groups)


@pytest.mark.parametrize("name", LOSSES)
def test_drawn_batches_have_one_shape_for_both_inputs_and_no_size_one_axes_when_hidden(name):
    spec = spec_of(name)
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        shape = losses._hidden_shape(spec, rng)
        assert shape[0] >= 2 and shape[1] >= 2
        for kwargs in [{}] + [kw for variants in spec.option_groups().values() for kw in variants]:
            y_true, y_pred = spec.make(rng, shape, np.float32, kwargs)
            assert y_pred.shape == shape
            if name == "sparse_categorical_crossentropy":
                assert y_true.shape == shape[:-1] and y_true.dtype == np.int64
            else:
                assert y_true.shape == shape


def test_drawn_inputs_stay_clear_of_edge_behaviours():
    rng = np.random.default_rng(0)
    for _ in range(200):
        y_true, y_pred = losses.regression(rng, (16, 8), np.float32, {})
        assert np.abs(y_pred - y_true).max() < 6.0                   # no log_cosh overflow, no huge errors
        _, scores = losses.binary_scores(rng, (16, 8), np.float32, {"threshold": 0.25})
        assert min(np.abs(scores - t).min() for t in (0.25, 0.5, 0.75)) > 0.005      # no ties
        _, p = cl._bce_make(rng, (16, 8), np.float32, {})
        assert 0 < p.min() and p.max() < 1                            # clipping never matters
        _, x = cl._bce_make(rng, (16, 8), np.float32, {"from_logits": True})
        assert np.abs(x).max() <= cl.LOGIT_BOUND                       # sigmoid-then-log is exact there
        y, _ = cl._hinge_make(rng, (16, 8), np.float32, {})
        assert set(np.unique(y)) <= {0.0, 1.0}                         # -1/+1 labels are an edge case
        y, q = cl._kl_make(rng, (16, 8), np.float32, {})
        assert y.min() > 1e-6 and q.min() > 1e-6                      # zeros are edge cases
        labels, _ = cl._scce_make(rng, (16, 8), np.float32, {"ignore_class": 2})
        assert (labels == 2).any()                                     # the ignored class is there


def test_label_smoothing_with_logits_is_judged_against_the_learners_own_loss():
    y = np.array([[1.0, 0.0]], np.float32)
    smoothed, kwargs = cl._smooth_binary(y, {"from_logits": True, "label_smoothing": 0.2})
    assert kwargs == {"from_logits": True} and np.allclose(smoothed, [[0.9, 0.1]])
    smoothed, _ = cl._smooth_categorical(np.array([[1.0, 0.0, 0.0, 0.0]], np.float32), {"label_smoothing": 0.2})
    assert np.allclose(smoothed, [[0.85, 0.05, 0.05, 0.05]])


def test_a_loss_computed_in_float32_fails_only_float64():
    from autograder.runner import InProcess, run_exercise
    namespace = runpy.run_path(str(ROOT / "tests" / "submissions" / "one_flaw" / "mse__float32_arithmetic.py"))
    scores = set()
    for seed in (0, 7):
        results = run_exercise("mse", InProcess(namespace), seed=seed)
        assert {r.key for r in results if not r.passed} == {"float64"}
        (failed,) = [r for r in results if not r.passed]
        assert "float32 arithmetic" in failed.message
        scores.add(round(sum(r.score for r in results), 9))
    assert len(scores) == 1
