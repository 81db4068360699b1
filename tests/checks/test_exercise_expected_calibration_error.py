"""expected_calibration_error (chapter 10): binary ECE over equal-width bins of the positive-class probability.

The answer key (np.digitize and np.bincount) agrees with two independent writings (the chapter's
loop over masks, and the checks' flag-driven NumPy version with every slip off) on random sets,
edges, p = 1.0 and empty bins; its edge convention is exactly the statement's (bin i holds
i/B <= p < (i+1)/B, 1.0 in the last bin); the reference scores full marks under several seeds;
each slip costs the keys its corpus file names, public and hidden twin, with a message naming
it; hidden messages show no returned value and no input; and the drawn sets are what the checks'
docstring promises (every bin populated where it must be, equal counts outside `values`,
probabilities above 0.5 in `empty-bins`, edges only at the safe values).
"""
import functools
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.checks import calibration
from autograder.references import namespace
from autograder.runner import InProcess, run_exercise

NAME = "expected_calibration_error"
ROOT = Path(__file__).resolve().parents[2]
reference = namespace()[NAME]


@functools.cache
def chapter_solution():
    """The chapter's own solution cell (a loop over masks), run on its own."""
    cells = json.loads((ROOT / "solutions" / "10_evaluating_and_calibrating.ipynb").read_text())["cells"]
    source = next("".join(c["source"]) for c in cells
                  if c["cell_type"] == "code" and f"def {NAME}(" in "".join(c["source"]))
    source = source.split("### END SOLUTION")[0]
    scope = {"np": np}
    exec(source.replace("### BEGIN SOLUTION", ""), scope)
    return scope[NAME]


# --------------------------------------------------------------------------- the reference

@settings(max_examples=300, deadline=None)
@given(st.integers(1, 200), st.integers(1, 30), st.integers(0, 2**32 - 1), st.booleans())
def test_the_reference_agrees_with_two_independent_writings(n, n_bins, seed, on_edges):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=n)
    if on_edges:                        # exact edges k / n_bins, 0.0 and 1.0 included; n_bins a power of
        n_bins = 2 ** (n_bins % 5)      # two, so that k / n_bins and p * n_bins are exact in binary
        k = rng.integers(0, n_bins + 1, size=n)
        p = np.where(rng.uniform(size=n) < 0.5, k / n_bins, p)
    y = (rng.uniform(size=n) < p).astype(np.float64)
    got = reference(y, p, n_bins)
    assert got == pytest.approx(calibration.np_ece(y, p, n_bins), rel=1e-9, abs=1e-12)
    assert got == pytest.approx(chapter_solution()(y, p, n_bins), rel=1e-9, abs=1e-12)


def test_the_reference_follows_the_stated_edges():
    ece = functools.partial(reference, n_bins=10)
    # one example at 0.2 with label 0: it sits in bin 2 alone, whose gap is 0.2
    assert ece([0.0], [0.2]) == pytest.approx(0.2)
    # 0.2 and 0.25 share bin 2 ([0.2, 0.3)): mean label 0.5, mean probability 0.225
    assert ece([1.0, 0.0], [0.2, 0.25]) == pytest.approx(0.275)
    # right-closed bins would put 0.2 with 0.15 in bin 1 instead: a different value
    assert ece([1.0, 0.0], [0.2, 0.15]) == pytest.approx(0.5 * 0.8 + 0.5 * 0.15)
    # 1.0 goes in the last bin with 0.95
    assert ece([0.0, 1.0], [1.0, 0.95]) == pytest.approx(abs(0.5 - 0.975))
    # empty bins add nothing; shapes (n,) with (n, 1)
    assert ece(np.array([1, 0, 1]), np.array([[0.9], [0.1], [0.6]], np.float32)) == \
        pytest.approx((0.1 + 0.1 + 0.4) / 3, rel=1e-6)


def test_the_chapter_solution_and_the_checks_agree_on_the_safe_edges():
    solution = chapter_solution()
    for edge in calibration.SAFE_EDGES:
        p = np.array([edge, edge + 0.05, 1.0])
        y = np.array([1.0, 0.0, 0.0])
        assert solution(y, p) == pytest.approx(reference(y, p), rel=1e-12)


# --------------------------------------------------------------------------- grading

@functools.cache
def results_of(fn, seed=12345):
    return {(r.key, r.hidden): r for r in run_exercise(NAME, InProcess({NAME: fn}), seed=seed)}


@pytest.mark.parametrize("seed", [0, 7, 12345])
def test_the_reference_scores_full_marks_public_and_hidden(seed):
    results = results_of(reference, seed)
    assert all(r.passed for r in results.values()), [r.message for r in results.values() if not r.passed]
    assert sum(r.score for r in results.values()) == pytest.approx(10)
    assert {k for k, _ in results} == set(calibration.TITLES)


def _slip(**kw):
    def submission(y_true, y_prob, n_bins=10):
        return calibration.np_ece(y_true, y_prob, n_bins, **kw)
    return submission


SLIPS = {
    "confidence": (_slip(confidence=True), {"values", "edges", "one", "n_bins", "inputs"}, "predicted class"),
    "unweighted": (_slip(unweighted=True), {"values"}, "without their shares"),
    "nan_empty": (_slip(nan_empty=True), {"empty-bins"}, "0/0"),
    "drop_one": (_slip(drop_one=True), {"one"}, "fell in no bin"),
    "right_closed": (_slip(right_closed=True), {"edges"}, "closed on the right"),
    "fixed_bins": (_slip(fixed_bins=10), {"n_bins"}, "n_bins was ignored"),
}


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_each_slip_fails_its_keys_public_and_hidden_and_is_named(slip):
    fn, keys, words = SLIPS[slip]
    results = results_of(fn)
    failing = {k for (k, _), r in results.items() if not r.passed}
    assert failing == keys
    for key in keys:
        assert not results[(key, False)].passed and not results[(key, True)].passed
    assert any(words in results[(key, False)].message for key in keys)


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_hidden_messages_show_nothing_returned_and_no_input(slip):
    for (key, hidden), r in results_of(SLIPS[slip][0]).items():
        if hidden and not r.passed:
            assert "expected" not in r.message and "got" not in r.message, r.message
            assert not re.search(r"shape \(\d|n_bins=\d|set \d", r.message), r.message


# --------------------------------------------------------------------------- the drawn sets

def _bins(p, n_bins):
    return np.minimum(np.floor(np.asarray(p, np.float64).reshape(-1) * n_bins), n_bins - 1).astype(int)


@pytest.mark.parametrize("seed", range(5))
def test_the_sets_are_what_the_docstring_promises(seed):
    rng = np.random.default_rng(seed)
    for _ in range(3):
        y, p, n = calibration._bounded(rng, calibration._values_attempt)
        counts = np.bincount(_bins(p, n), minlength=n)
        assert (counts > 0).all() and len(set(counts)) > 1
        y, p, n = calibration._bounded(rng, calibration._empty_attempt)
        counts = np.bincount(_bins(p, n), minlength=n)
        assert (p > 0.5).all() and (counts == 0).any() and len(set(counts[counts > 0])) == 1
        for attempt in (calibration._edges_attempt, calibration._one_attempt):
            y, p, n = calibration._bounded(rng, attempt)
            counts = np.bincount(_bins(p, n), minlength=n)
            assert (counts > 0).all() and len(set(counts)) == 1
            on_edge = p[np.isin(p, np.arange(n + 1) / n)]
            allowed = calibration.SAFE_EDGES if attempt is calibration._edges_attempt else (1.0,)
            assert on_edge.size and set(on_edge.tolist()) <= set(allowed)
