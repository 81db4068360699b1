"""Checks for chapter 10's expected_calibration_error: binary ECE with equal-width bins.

`expected_calibration_error(y_true, y_prob, n_bins=10)` returns one number: the sum over the
bins of (the bin's share of the samples) * |mean label - mean probability in the bin|, where
bin i of B holds i/B <= p < (i+1)/B, p = 1.0 goes in the last bin, and an empty bin contributes
nothing. p is the predicted probability of the positive class (label 1).

The keys, one property each (hidden twins draw their sets from the same generators):

* "values": every bin populated, with unequal counts, probabilities on both sides of 0.5 and
  none near an edge, n_bins = 10, float64, shape (n,);
* "empty-bins": probabilities above 0.5 only (so the lower bins are empty, and a few upper
  ones too), the same count in every populated bin;
* "edges": every bin populated, the same count in each, some probabilities exactly on a left
  edge (0.0, 0.1, 0.2, 0.4, 0.5, 0.8, 0.9: float64 values for which p * 10, np.arange(11) / 10
  and np.digitize agree; 0.3, 0.6 and 0.7 are not such values and are never used), none at 1.0;
* "one": every bin populated, the same count in each, some probabilities exactly 1.0 and no
  other edge;
* "n_bins": n_bins other than 10, every bin populated, the same count in each, none near an edge;
* "inputs": labels of shape (n,) with probabilities of shape (n, 1) (what `model.predict`
  gives), or both (n, 1); integer or float32 labels, float32 probabilities.

Why the same count in every populated bin outside "values": there the weighted mean over bins
equals the unweighted one, so averaging the bins' gaps without their shares costs only "values".
Why probabilities above 0.5 only in "empty-bins": there the positive class is the predicted one,
so binning by the predicted class's confidence costs nothing there. That slip and the
unweighted mean are the core-formula mistakes: every drawn set is one where each changes the
answer of the checks it is not isolated from (`_shows`), so each fails the same keys under every
seed (the confidence slip: values, edges, one, n_bins, inputs; the unweighted mean: values).
"""
from __future__ import annotations


import numpy as np

from . import Case, Check, Context, compare, first_failure, guarded
from .bounded import bounded

NAME = "expected_calibration_error"
RTOL, ATOL = 1e-7, 1e-10               # float64 inputs
RTOL32, ATOL32 = 2e-5, 1e-7            # float32 probabilities (a float32 computation is fine)
SAFE_EDGES = (0.0, 0.1, 0.2, 0.4, 0.5, 0.8, 0.9)   # left edges of bins 0, 1, 2, 4, 5, 8, 9 (n_bins = 10)
TRIES = 200
SHOW = 1e-4                            # a slip "changes the answer" when it moves it by more than this


# =========================================================================== the classic mistakes, in NumPy

def np_ece(y_true, y_prob, n_bins=10, *, confidence=False, unweighted=False, nan_empty=False,
           drop_one=False, right_closed=False, fixed_bins=None):
    """expected_calibration_error with one slip switched on (the defaults give the right answer).

    confidence: bins by max(p, 1 - p) and compares with the accuracy of the predicted class
    (p >= 0.5 predicts 1); unweighted: the plain mean of the gaps of the non-empty bins;
    nan_empty: an empty bin's mean is 0/0 (NaN), and NaN spreads; drop_one: p = 1.0 falls in
    no bin; right_closed: bin i holds i/B < p <= (i+1)/B (0.0 in bin 0); fixed_bins: n_bins ignored.
    """
    y = np.asarray(y_true, dtype=np.float64).reshape(-1)
    p = np.asarray(y_prob, dtype=np.float64).reshape(-1)
    n_bins = fixed_bins or n_bins
    if confidence:
        predicted = p >= 0.5
        y, p = (predicted == (y > 0.5)).astype(np.float64), np.where(predicted, p, 1 - p)
    if right_closed:
        index = np.maximum(np.ceil(p * n_bins) - 1, 0).astype(int)
    else:
        index = np.floor(p * n_bins).astype(int)
        if not drop_one:
            index = np.minimum(index, n_bins - 1)
    gaps, shares = [], []
    for b in range(n_bins):
        inside = index == b
        count = inside.sum()
        if count == 0:
            if nan_empty:
                return float("nan")
            continue
        gaps.append(abs(y[inside].mean() - p[inside].mean()))
        shares.append(count / p.size)
    gaps, shares = np.array(gaps), np.array(shares)
    return float(gaps.mean()) if unweighted else float(np.sum(gaps * shares))


MISTAKES = [
    (dict(confidence=True), "the bins and the gaps use the predicted class's confidence max(p, 1 - p) and "
                            "its accuracy (the multi-class 'top-label' ECE); here p is the probability of "
                            "the positive class: bin by p, compare with the share of labels 1"),
    (dict(unweighted=True), "the bins' gaps are averaged without their shares: weight each bin's "
                            "|mean label - mean probability| by its count / n (a bin of 2 samples must not "
                            "count as much as one of 200)"),
    (dict(nan_empty=True), "an empty bin gave 0/0 (NaN): skip empty bins, they contribute nothing"),
    (dict(drop_one=True), "a probability of exactly 1.0 fell in no bin (floor(1.0 * n_bins) = n_bins is past "
                          "the last bin): put it in the last bin, e.g. np.minimum(index, n_bins - 1)"),
    (dict(right_closed=True), "the bins are closed on the right, (i/B, (i+1)/B]: a probability exactly on an "
                              "edge i/B belongs to bin i, the bin it opens ([i/B, (i+1)/B), floor(p * B))"),
    (dict(fixed_bins=10), "n_bins was ignored: the bins must be n_bins equal-width bins, not always 10"),
]


def _mistake_values(y, p, n_bins):
    return [(np_ece(y, p, n_bins, **kw), why) for kw, why in MISTAKES]


def _changes(y, p, n_bins, kw) -> bool:
    right, slipped = np_ece(y, p, n_bins), np_ece(y, p, n_bins, **kw)
    return not np.isfinite(slipped) or abs(slipped - right) > SHOW


def _keeps(y, p, n_bins, kw) -> bool:
    return np.isclose(np_ece(y, p, n_bins, **kw), np_ece(y, p, n_bins), rtol=1e-9, atol=1e-12)


# =========================================================================== probability sets

def _in_bin(rng, b, n_bins, k):
    """k probabilities inside bin b of n_bins, at least 2% of a bin's width from either edge."""
    width = 1.0 / n_bins
    return b * width + rng.uniform(0.02, 0.98, size=k) * width


def _labels(rng, p):
    """Labels drawn from a miscalibrated truth: P(y = 1) = p ** a (a in 0.5..2, not 1), so the gaps are clear."""
    a = rng.choice([rng.uniform(0.5, 0.8), rng.uniform(1.3, 2.0)])
    return (rng.uniform(size=p.size) < p ** a).astype(np.float64)


def _set(rng, counts, n_bins):
    """(y, p): counts[b] probabilities in bin b, shuffled, with labels."""
    p = np.concatenate([_in_bin(rng, b, n_bins, int(c)) for b, c in enumerate(counts) if c > 0])
    order = rng.permutation(p.size)
    p = p[order]
    return _labels(rng, p), p


def _values_attempt(rng):
    counts = rng.integers(2, 26, size=10)
    y, p = _set(rng, counts, 10)
    ok = all(_changes(y, p, 10, kw) for kw in (dict(confidence=True), dict(unweighted=True)))
    return (y, p, 10) if ok else None


def _empty_attempt(rng):
    counts = np.zeros(10, dtype=int)
    upper = rng.choice(np.arange(5, 10), size=int(rng.integers(2, 5)), replace=False)
    counts[upper] = int(rng.integers(4, 16))
    y, p = _set(rng, counts, 10)
    ok = _changes(y, p, 10, dict(nan_empty=True)) and \
        all(_keeps(y, p, 10, kw) for kw in (dict(confidence=True), dict(unweighted=True)))
    return (y, p, 10) if ok and np_ece(y, p, 10) > SHOW else None


def _equal_counts(rng, n_bins):
    return np.full(n_bins, int(rng.integers(3, 9)))


def _edges_attempt(rng):
    """Every bin the same count; in some bins with a safe left edge, some probabilities exactly on it."""
    y, p = _set(rng, _equal_counts(rng, 10), 10)
    bins = np.floor(p * 10).astype(int)
    chosen = rng.choice(len(SAFE_EDGES), size=int(rng.integers(2, 5)), replace=False)
    for edge in np.asarray(SAFE_EDGES)[chosen]:
        members = np.flatnonzero(bins == int(round(edge * 10)))
        on = rng.choice(members, size=int(rng.integers(1, max(2, members.size // 2 + 1))), replace=False)
        p[on] = edge
    ok = _changes(y, p, 10, dict(right_closed=True)) and _changes(y, p, 10, dict(confidence=True)) and \
        _keeps(y, p, 10, dict(unweighted=True)) and _keeps(y, p, 10, dict(drop_one=True))
    return (y, p, 10) if ok else None


def _one_attempt(rng):
    """Every bin the same count, some probabilities of the last bin exactly 1.0, no other edge."""
    y, p = _set(rng, _equal_counts(rng, 10), 10)
    last = np.flatnonzero(p >= 0.9)
    on = rng.choice(last, size=int(rng.integers(1, last.size)), replace=False)
    p[on] = 1.0
    y[on[0]] = 0.0                      # an overconfident mistake: a label 0 given probability 1.0
    ok = _changes(y, p, 10, dict(drop_one=True)) and _changes(y, p, 10, dict(confidence=True)) and \
        _keeps(y, p, 10, dict(unweighted=True)) and _keeps(y, p, 10, dict(right_closed=True))
    return (y, p, 10) if ok else None


def _n_bins_attempt(rng, n_bins):
    y, p = _set(rng, _equal_counts(rng, n_bins), n_bins)
    ok = _changes(y, p, n_bins, dict(fixed_bins=10)) and _changes(y, p, n_bins, dict(confidence=True)) and \
        _keeps(y, p, n_bins, dict(unweighted=True))
    return (y, p, n_bins) if ok else None


def _inputs_attempt(rng, form):
    y, p = _set(rng, _equal_counts(rng, 10), 10)
    p = p.astype(np.float32)
    ok = _changes(y, p, 10, dict(confidence=True)) and _keeps(y, p, 10, dict(unweighted=True))
    if not ok:
        return None
    if form == "predict":
        return y.astype(np.int64), p.reshape(-1, 1), 10
    return y.astype(np.float32).reshape(-1, 1), p.reshape(-1, 1), 10


def _bounded(rng, attempt, *args):
    return bounded(rng, attempt, args, TRIES, fallback_seed=20261203)


# =========================================================================== the checks

def _where(y, p, n_bins, i, total):
    y, p = np.asarray(y), np.asarray(p)
    on_edge = np.isin(p.reshape(-1), np.arange(n_bins + 1) / n_bins)
    edge_text = ""
    if on_edge.any():
        values = sorted({float(v) for v in p.reshape(-1)[on_edge]})
        edge_text = f", {int(on_edge.sum())} exactly on an edge ({', '.join(f'{v:g}' for v in values)})"
    filled = np.unique(np.minimum(np.floor(p.astype(np.float64).reshape(-1) * n_bins), n_bins - 1)).size
    return (f"set {i} of {total}: y_true of shape {y.shape} {y.dtype}, y_prob of shape {p.shape} {p.dtype}, "
            f"n_bins={n_bins}, {filled} of {n_bins} bins populated{edge_text}")


def _check(sets, kind, rtol=RTOL, atol=ATOL):
    cases = [Case((y, p), {"n_bins": n}, kind=kind, where=_where(y, p, n, i, len(sets)))
             for i, (y, p, n) in enumerate(sets, 1)]

    def judge(ctx: Context, case: Case):
        expected, got = ctx.both("value", args=list(case.args), kwargs=case.kwargs)
        y, p = case.args
        return compare(expected, got, rtol, atol, kind=case.kind, where=case.where,
                       mistakes=_mistake_values(y, p, case.kwargs["n_bins"]))

    def run(ctx: Context):
        return first_failure(cases, lambda case: judge(ctx, case))
    return run


TITLES = {
    "values": "the bins' gaps |mean label - mean probability|, weighted by their shares (n_bins=10)",
    "empty-bins": "empty bins contribute nothing (never NaN)",
    "edges": "a probability exactly on an edge i/B belongs to bin i (bins [i/B, (i+1)/B))",
    "one": "a probability of exactly 1.0 goes in the last bin",
    "n_bins": "n_bins sets the number of equal-width bins",
    "inputs": "labels (n,) or (n, 1), ints or floats; float32 probabilities of shape (n, 1)",
}
WEIGHTS = {"values": 4, "empty-bins": 2, "edges": 2, "one": 1, "n_bins": 2, "inputs": 1}
KINDS = {
    "values": "probability sets with every bin populated, none on an edge",
    "empty-bins": "probabilities above 0.5 only, so that some bins are empty",
    "edges": "probabilities exactly on a bin's left edge",
    "one": "probabilities of exactly 1.0",
    "n_bins": "n_bins other than 10",
    "inputs": "labels (n,) or (n, 1) with float32 probabilities of shape (n, 1)",
}


def expected_calibration_error_checks(ex, rng, hidden) -> list[Check]:
    name = ex.name
    k = 2 if hidden else 3
    n_bins = [int(v) for v in rng.choice([4, 5, 8, 12, 15, 20, 25], size=k, replace=False)] if hidden \
        else [5, 15, 20]
    sets = {
        "values": [_bounded(rng, _values_attempt) for _ in range(k)],
        "empty-bins": [_bounded(rng, _empty_attempt) for _ in range(k)],
        "edges": [_bounded(rng, _edges_attempt) for _ in range(k)],
        "one": [_bounded(rng, _one_attempt) for _ in range(k)],
        "n_bins": [_bounded(rng, _n_bins_attempt, b) for b in n_bins],
        "inputs": [_bounded(rng, _inputs_attempt, form) for form in ("predict", "columns")],
    }
    suffix = " (hidden probability sets)" if hidden else ""
    checks = []
    for key, title in TITLES.items():
        tol = (RTOL32, ATOL32) if key == "inputs" else (RTOL, ATOL)
        checks.append(Check(name, key, title + suffix, WEIGHTS[key], guarded(_check(sets[key], KINDS[key], *tol)),
                            hidden=hidden))
    return checks
