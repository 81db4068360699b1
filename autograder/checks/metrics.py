"""Checks for chapter 06: confusion counts, and precision / recall / F1 at a threshold.

The contract is Keras': a score counts as positive only when strictly above the
threshold, every element is one prediction, `sample_weight` weights each
prediction's count, 0/0 ratios are 0.0, and f1 = 2·p·r / (p + r). Both exercises
return a tuple; the checks compare it as one stacked vector, (tp, fp, fn, tn) or
(precision, recall, f1) — or, for a list of thresholds, one row per quantity and
one column per threshold — and `returns-tuple` alone asks that it is a tuple.

One property per check key, and every other check's inputs keep it from arising:

* scores tie with a threshold only in `ties` (there they are multiples of 1/8, exact in
  float32 and float64); elsewhere they are continuous and at least MARGIN from every
  threshold used, so `>=` and `>` agree;
* a 0/0 (no positive label, no positive prediction, or tp = 0 so p + r = 0) only in
  `zero-division` / `empty-class`: every other batch has a (weighted) true positive at
  every threshold used (drawn again until it does);
* float64 inputs only in `float64`, lists of thresholds only in `thresholds-list`,
  weights only in `sample-weight`, tensors and tf.function only in `graph`; the other
  checks use NumPy arrays, a float threshold and no weights.

A core-formula mistake (the counts permuted: fp and fn swapped, another order, tp and tn
swapped, fn and tn swapped; f1 as (p + r) / 2 or as the Jaccard index, precision and
recall swapped) is wrong on almost every input, so every batch, public or hidden, is
drawn again until each of them gives another answer than the reference's (`_discriminates`;
the draws are bounded, with a fixed discriminating batch to fall back on): such a mistake
fails the same keys under every seed. The only batches where one may not show are those
where it cannot: in `empty-class`, where the counts it exchanges are all 0 (each drawn
empty batch has its two other counts non-zero and different, so every permutation that can
show does); in `zero-division`, where precision, recall and f1 are all 0.0, so the f1 and
precision/recall slips never fail that key.

precision_recall_f1 may call the learner's own confusion_counts: where its answer is
wrong, it is also judged against the (precision, recall, f1) of the learner's own
counts, so it does not lose points for a fault of confusion_counts (that fault is
named instead).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import (PASSED, Case, Check, Context, Outcome, Problem, compare, describe_input, failed_call,
               first_failure, guarded, tolerances)
from ..probes import FatalProbeError, ProbeError

TOL = tolerances(np.float32)        # the reference computes in float32, as Keras' metrics do
MARGIN = 1e-3                       # no score closer than this to a threshold, outside `ties`
SAFE_THRESHOLDS = (0.25, 0.3, 0.375, 0.4, 0.5, 0.6, 0.625, 0.7, 0.75)

COUNTS = "(tp, fp, fn, tn)"
PRF = "(precision, recall, f1)"
_RETURNS = {"confusion_counts": COUNTS, "precision_recall_f1": PRF}

TIED = "scores tied with the threshold"
_EMPTY_KINDS = {   # (kind for precision_recall_f1, kind for confusion_counts)
    "no positive predictions": ("a batch with no positive predictions (precision is 0/0)",
                                "a batch with no positive predictions"),
    "no positive labels": ("a batch with no positive labels (recall is 0/0)", "a batch with no positive labels"),
    "no negative labels": ("a batch with no negative labels", "a batch with no negative labels"),
    "every prediction wrong": ("a batch where every prediction is wrong (precision and recall 0, f1 is 0/0)",
                               "a batch where every prediction is wrong"),
    "nothing positive": ("a batch with no positive labels or predictions (everything 0/0)",
                         "a batch with no positive labels or predictions"),
    "keras": ("a batch where a ratio is 0/0", "a batch with an empty class"),
}


def _empty_kind(what, prf):
    return _EMPTY_KINDS[what][0 if prf else 1]

CASCADE = ("a fault of your confusion_counts, which is wrong on these inputs (precision_recall_f1 "
           "calls it): see confusion_counts's checks")
CASCADE_ERROR = ("a fault of your confusion_counts, which fails on these inputs too (precision_recall_f1 "
                 "calls it): see confusion_counts's checks")


# =========================================================================== NumPy models (for the mistakes)

def _weights_like(sample_weight, y_pred):
    w = np.asarray(sample_weight, np.float64)
    w = w.reshape(w.shape + (1,) * max(y_pred.ndim - w.ndim, 0))       # (n,) against (n, 1)
    return np.broadcast_to(w, y_pred.shape).reshape(-1)


def np_counts(y_true, y_pred, threshold=0.5, strict=True, sample_weight=None):
    """(tp, fp, fn, tn), or a (4, thresholds) array for a list of two thresholds or more."""
    if isinstance(threshold, (list, tuple)):
        if len(threshold) == 1:
            return np_counts(y_true, y_pred, threshold[0], strict, sample_weight)
        return np.stack([np_counts(y_true, y_pred, t, strict, sample_weight) for t in threshold], axis=-1)
    yp = np.asarray(y_pred, np.float64)
    yt = np.asarray(y_true).reshape(-1) != 0
    w = np.ones(yp.size) if sample_weight is None else _weights_like(sample_weight, yp)
    yp = yp.reshape(-1)
    pos = yp > threshold if strict else yp >= threshold
    return np.array([(w * (pos & yt)).sum(), (w * (pos & ~yt)).sum(), (w * (~pos & yt)).sum(),
                     (w * (~pos & ~yt)).sum()], dtype=np.float64)


def np_prf(tp, fp, fn, zero=True, f1="harmonic"):
    """(precision, recall, f1) from counts (scalars, or one per threshold), 0.0 for 0/0 when `zero`."""
    tp, fp, fn = (np.asarray(v, np.float64) for v in (tp, fp, fn))

    def ratio(a, b):
        with np.errstate(all="ignore"):
            return np.where(b != 0, a / np.where(b != 0, b, 1), 0.0) if zero else a / b

    p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
    if f1 == "harmonic":
        f = ratio(2 * p * r, p + r)
    elif f1 == "arithmetic":
        f = (p + r) / 2
    else:                                       # "jaccard"
        f = ratio(tp, tp + fp + fn)
    return np.array([p, r, f], dtype=np.float64)


def _count_mistakes(y_true, y_pred, kwargs):
    t, w = kwargs.get("threshold", 0.5), kwargs.get("sample_weight")
    tp, fp, fn, tn = np_counts(y_true, y_pred, t, sample_weight=w)
    out = [] if w is None else [(np_counts(y_true, y_pred, t), "sample_weight is ignored: each prediction "
                                 "adds its weight (not 1) to its cell")]
    out += [(np_counts(y_true, y_pred, t, strict=False, sample_weight=w),
             "a score equal to the threshold was counted as positive: use > (strictly above), not >="),
            (np.array([tp, fn, fp, tn]), "fp and fn are swapped (a false positive is predicted positive, "
                                         "labelled negative)"),
            (np.array([tp, tn, fp, fn]), f"the counts are in the wrong order: return {COUNTS}"),
            (np.array([tn, fp, fn, tp]), f"tp and tn are swapped (that is scikit-learn's order, "
                                         f"confusion_matrix(...).ravel()): return {COUNTS}"),
            (np.array([tp, fp, tn, fn]), f"fn and tn are swapped: return {COUNTS}")]
    if t != 0.5:
        out.append((np_counts(y_true, y_pred, 0.5, sample_weight=w), "the threshold argument is ignored (0.5 was used)"))
    return out


def _prf_mistakes(y_true, y_pred, kwargs):
    t, w = kwargs.get("threshold", 0.5), kwargs.get("sample_weight")
    tp, fp, fn, _ = np_counts(y_true, y_pred, t, sample_weight=w)
    right = np_prf(tp, fp, fn)
    out = [] if w is None else [(np_prf(*np_counts(y_true, y_pred, t)[:3]), "sample_weight is ignored: each "
                                 "prediction adds its weight (not 1) to the counts")]
    out += [(np_prf(tp, fp, fn, zero=False),
             "a 0/0 ratio gave NaN: return 0.0 where the denominator is 0 (keras.ops.divide_no_nan)"),
            (np_prf(*np_counts(y_true, y_pred, t, strict=False, sample_weight=w)[:3]),
             "a score equal to the threshold was counted as positive: use > (strictly above), not >="),
            (np_prf(tp, fp, fn, f1="arithmetic"), "f1 is the harmonic mean 2·p·r / (p + r), not (p + r) / 2"),
            (np_prf(tp, fp, fn, f1="jaccard"), "that f1 is tp / (tp + fp + fn) (the Jaccard index); "
                                               "F1 is 2·tp / (2·tp + fp + fn)"),
            (right[[1, 0, 2]], "precision and recall are swapped: precision = tp / (tp + fp), "
                               "recall = tp / (tp + fn)")]
    if np.isnan(np_prf(tp, fp, fn, zero=False)).any():
        p, r, _ = right
        with np.errstate(all="ignore"):
            out.append((np.array([p, r, 2 * p * r / (p + r)]),
                        "f1 gave NaN when precision and recall are both 0: return 0.0 there"))
    if t != 0.5:
        out.append((np_prf(*np_counts(y_true, y_pred, 0.5, sample_weight=w)[:3]),
                    "the threshold argument is ignored (0.5 was used)"))
    return out


_MISTAKES = {"confusion_counts": _count_mistakes, "precision_recall_f1": _prf_mistakes}

# the core-formula mistakes of confusion_counts, as orders of (tp, fp, fn, tn): fp and fn swapped,
# (tp, tn, fp, fn), tp and tn swapped (scikit-learn's order), fn and tn swapped
COUNT_ORDERS = ((0, 2, 1, 3), (0, 3, 1, 2), (3, 1, 2, 0), (0, 1, 3, 2))
DISCRIMINATE = 1e-3         # a mistake shows when its answer differs from the reference's by more than this


def _core_answers(name, y_true, y_pred, kwargs):
    """(the right answer, [the answer of each core-formula mistake]) as float64 arrays."""
    t, w = kwargs.get("threshold", 0.5), kwargs.get("sample_weight")
    counts = np_counts(y_true, y_pred, t, sample_weight=w)
    if name == "confusion_counts":
        return counts, [counts[list(order)] for order in COUNT_ORDERS]
    tp, fp, fn, _ = counts
    right = np_prf(tp, fp, fn)
    return right, [np_prf(tp, fp, fn, f1="arithmetic"), np_prf(tp, fp, fn, f1="jaccard"), right[[1, 0, 2]]]


def _shows(mistaken, right):
    return bool(np.max(np.abs(np.asarray(mistaken, np.float64) - right)) > DISCRIMINATE)


def _discriminates(name, y_true, y_pred, kwargs):
    """Whether every core-formula mistake (and, with an array of weights, ignoring them) gives another answer
    than the reference's on this batch."""
    if name is None:
        return True
    right, wrong = _core_answers(name, y_true, y_pred, kwargs)
    if isinstance(kwargs.get("sample_weight"), np.ndarray):
        unweighted = {k: v for k, v in kwargs.items() if k != "sample_weight"}
        wrong.append(_core_answers(name, y_true, y_pred, unweighted)[0])
    return all(_shows(m, right) for m in wrong)


# =========================================================================== inputs

def _thresholds(kwargs):
    t = kwargs.get("threshold", 0.5)
    return list(t) if isinstance(t, (list, tuple)) else [t]


def _has_tie(y_pred, kwargs):
    s = np.asarray(y_pred, np.float64).reshape(-1)
    return any(np.any(np.abs(s - t) < MARGIN) for t in _thresholds(kwargs))


def _has_zero(y_true, y_pred, kwargs):
    """A 0/0 somewhere: at some threshold there is no (weighted) true positive."""
    tps = np.atleast_1d(np_counts(y_true, y_pred, _thresholds(kwargs), sample_weight=kwargs.get("sample_weight"))
                        [0])
    return bool((tps <= 0).any())


def _scores(rng, shape, kwargs, dtype):
    """Continuous scores in (0, 1), none within MARGIN of a threshold."""
    s = rng.uniform(0, 1, size=shape)
    ts = np.asarray(_thresholds(kwargs), np.float64)
    while True:
        bad = (np.abs(s[..., None] - ts) < MARGIN).any(axis=-1)
        if not bad.any():
            return s.astype(dtype)
        s[bad] = rng.uniform(0, 1, size=int(bad.sum()))


def _weights(rng, shape):
    return rng.choice(np.array([0.0, 0.5, 1.0, 2.0, 3.0]), size=shape)


TRIES = 300                 # draws of one batch before falling back on a fixed one


def _batch(rng, shape, kwargs, dtype=np.float32, label_dtype=np.float32, weights=None, name=None):
    """(y_true, y_pred, kwargs): no ties with any threshold, a (weighted) true positive at each of them, and
    (for exercise `name`) every core-formula mistake showing. weights: None, "element" (one per element),
    "rows" ((n,) for inputs (n, 1)) or a number."""
    for _ in range(TRIES):
        kw = dict(kwargs)
        y_true = (rng.uniform(size=shape) < rng.uniform(0.3, 0.7)).astype(label_dtype)
        y_pred = _scores(rng, shape, kw, dtype)
        if weights == "element":
            kw["sample_weight"] = _weights(rng, shape)
        elif weights == "rows":
            kw["sample_weight"] = _weights(rng, shape[:1])
        elif weights is not None:
            kw["sample_weight"] = float(weights)
        if not _has_zero(y_true, y_pred, kw) and y_true.any() and not y_true.all() and \
                _discriminates(name, y_true, y_pred, kw):
            return y_true, y_pred, kw
    return _fixed_batch(shape, kwargs, dtype, label_dtype, weights, name)


def _checked(batch, name, *, ties=False, zero=False):
    """The fallback batch, after checking that it has the properties asked of a drawn one."""
    y_true, y_pred, kw = batch
    if _has_tie(y_pred, kw) != ties or (not zero and _has_zero(y_true, y_pred, kw)) or \
            not _discriminates(name, y_true, y_pred, kw):
        raise RuntimeError(f"no discriminating batch for {name} with {kw}")      # a grader bug
    return batch


def _fixed_batch(shape, kwargs, dtype, label_dtype, weights, name):
    """A discriminating batch without drawing: every score above or below every threshold; a = (m - 1) // 3 true
    positives (weighing 3 when weighted), a false negatives, the rest true negatives (p = 1, r = 1/2)."""
    m = int(np.prod(shape))
    a = (m - 1) // 3
    ts = _thresholds(kwargs)
    hi, lo = (max(ts) + 1) / 2, min(ts) / 2
    y_true = np.r_[np.ones(2 * a), np.zeros(m - 2 * a)]
    y_pred = np.r_[np.full(a, hi), np.full(m - a, lo)]
    kw = dict(kwargs)
    if weights == "element":
        kw["sample_weight"] = np.r_[np.full(a, 3.0), np.ones(m - a)].reshape(shape)
    elif weights == "rows":
        kw["sample_weight"] = np.r_[np.full(a, 3.0), np.ones(m - a)]
    elif weights is not None:
        kw["sample_weight"] = float(weights)
    return _checked((y_true.reshape(shape).astype(label_dtype), y_pred.reshape(shape).astype(dtype), kw), name)


def _tied_batch(rng, threshold, exercise):
    """Scores that are multiples of 1/8, some exactly at the threshold, where >= changes the answer, every
    core-formula mistake shows (and, for precision_recall_f1, no ratio is 0/0 with >)."""
    for _ in range(TRIES):
        n = int(rng.integers(6, 17))
        y_true = (rng.uniform(size=n) < 0.5).astype(np.float32)
        y_pred = (rng.integers(0, 9, size=n) / 8).astype(np.float32)
        y_pred[rng.integers(0, n, size=2)] = threshold
        kw = {} if threshold == 0.5 else {"threshold": threshold}
        if exercise == "precision_recall_f1":
            right, ge = np_prf(*np_counts(y_true, y_pred, threshold)[:3]), \
                np_prf(*np_counts(y_true, y_pred, threshold, strict=False)[:3])
            if _has_zero(y_true, y_pred, kw) or np.allclose(right, ge, rtol=1e-3):
                continue
        if _discriminates(exercise, y_true, y_pred, kw):
            return y_true, y_pred, kw
    return _fixed_tied_batch(threshold, exercise)


def _fixed_tied_batch(threshold, exercise):
    """Three positives and a negative 1/8 above the threshold, two positives and a negative at it, three
    negatives 1/8 below it (when there is room): tp, fp, fn, tn = 3, 1, 2, 4 (at 0.0: 3, 1, 2, 1)."""
    t = float(threshold)
    above = [(1, t + 0.125)] * 3 + [(0, t + 0.125)] if t < 1 else []
    below = [(0, t - 0.125)] * 3 if t > 0 else []
    rows = above + [(1, t), (1, t), (0, t)] + below
    y_true = np.array([r[0] for r in rows], np.float32)
    y_pred = np.array([r[1] for r in rows], np.float32)
    return _checked((y_true, y_pred, {} if t == 0.5 else {"threshold": t}), exercise, ties=True,
                    zero=exercise == "confusion_counts")


def _empty_batch(rng, what, threshold):
    """A batch with no positive predictions / labels (or p = r = 0), scores away from the threshold, and the
    two counts that are not 0 by construction different and not 0 (so that every permutation of the counts
    that can show, shows)."""
    n = int(rng.integers(4, 13))
    kw = {} if threshold == 0.5 else {"threshold": threshold}
    for _ in range(TRIES):
        s = _scores(rng, (n,), kw, np.float32)
        y = (rng.uniform(size=n) < 0.5).astype(np.float32)
        if what == "no positive predictions":
            s = np.where(s > threshold, threshold * rng.uniform(0, 0.9, n), s).astype(np.float32)
        elif what == "no positive labels":
            y[:] = 0
        elif what == "no negative labels":
            y[:] = 1
        elif what == "every prediction wrong":
            y = (s <= threshold).astype(np.float32)
        if not _has_tie(s, kw) and (what != "every prediction wrong" or (y.any() and not y.all())) \
                and (what != "no positive labels" or (s > threshold).any()) \
                and (what != "no positive predictions" or (y.any() and not y.all())):
            counts = np_counts(y, s, threshold)
            nonzero = counts[counts > 0]
            if nonzero.size == 2 and nonzero[0] != nonzero[1]:
                return y, s, kw
    return _fixed_empty_batch(what, threshold)


def _fixed_empty_batch(what, threshold):
    """Two scores above the threshold and three below, the labels as `what` asks: the two counts that are not 0
    are 2 and 3."""
    hi, lo = (1 + threshold) / 2, threshold / 2
    s, y = {"no positive predictions": ([lo] * 5, [1, 1, 0, 0, 0]),
            "no positive labels": ([hi, hi, lo, lo, lo], [0] * 5),
            "no negative labels": ([hi, hi, lo, lo, lo], [1] * 5),
            "every prediction wrong": ([hi, hi, lo, lo, lo], [0, 0, 1, 1, 1])}[what]
    return np.array(y, np.float32), np.array(s, np.float32), {} if threshold == 0.5 else {"threshold": threshold}


def _keras_vectors():
    """The inputs of Keras' own unit tests (keras/src/metrics/confusion_metrics_test.py) for TruePositives,
    FalsePositives, FalseNegatives, TrueNegatives, Precision and Recall, as (title, y_true, y_pred, kwargs).

    Keras' per-row (or scalar) sample weights are given here one per element, broadcast from Keras' own."""
    f32 = lambda v: np.array(v, dtype=np.float32)  # noqa: E731
    per_element = lambda w, shape: np.broadcast_to(f32(w), shape).copy()  # noqa: E731
    counts_true = f32([[0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]])
    counts_pred = f32([[0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]])
    scores_true = f32([[0, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]])
    scores = f32([[0.9, 0.2, 0.8, 0.1], [0.2, 0.9, 0.7, 0.6], [0.1, 0.2, 0.4, 0.3], [0, 1, 0.7, 0.3]])
    three = [0.15, 0.5, 0.85]
    return [
        ("Keras' own unit test (TruePositiveTest & co.: test_unweighted)", counts_true, counts_pred, {}),
        ("Keras' own unit test (TruePositiveTest & co.: test_weighted; one weight per row, given per element)",
         counts_true, counts_pred, {"sample_weight": per_element([[1.0], [1.5], [2.0], [2.5]], (4, 5))}),
        ("Keras' own unit test (TruePositiveTest & co.: test_unweighted_with_thresholds)", scores_true, scores,
         {"threshold": three}),
        ("Keras' own unit test (PrecisionTest.test_weighted)", f32([[0, 1, 1, 0], [1, 0, 0, 1]]),
         f32([[1, 0, 1, 0], [1, 0, 1, 0]]), {"sample_weight": f32([[1, 2, 3, 4], [4, 3, 2, 1]])}),
        ("Keras' own unit test (RecallTest.test_weighted)", f32([[0, 1, 1, 0], [1, 0, 0, 1]]),
         f32([[1, 0, 1, 0], [0, 1, 0, 1]]), {"sample_weight": f32([[1, 2, 3, 4], [4, 3, 2, 1]])}),
        ("Keras' own unit test (PrecisionTest, RecallTest: test_div_by_zero)", f32([0, 0, 0, 0]),
         f32([0, 0, 0, 0]), {}),
    ]


def _keras_key(y_true, y_pred, kwargs):
    """The one check key a Keras test vector belongs to, or None when it mixes properties."""
    props = [k for k, present in (("ties", _has_tie(y_pred, kwargs)),
                                  ("zero", _has_zero(y_true, y_pred, kwargs)),
                                  ("thresholds-list", isinstance(kwargs.get("threshold"), list)),
                                  ("sample-weight", "sample_weight" in kwargs)) if present]
    if len(props) > 1:
        return None
    return props[0] if props else "values"


# =========================================================================== cases

def _where(name, y_true, y_pred, kwargs, tensors, graph=False):
    kw = "".join(f", {k}=<{describe_input(v)}>" if isinstance(v, np.ndarray) else f", {k}={v!r}"
                 for k, v in kwargs.items())
    kind = "tensors" if tensors else "NumPy arrays"
    text = (f"{name}(y_true, y_pred{kw}) → {_RETURNS[name]} on {kind} of {describe_input(y_pred)}"
            f" (labels {np.asarray(y_true).dtype})")
    return f"inside tf.function, {text}" if graph else text


def _case(name, kind, y_true, y_pred, kwargs, tensors=False, title=""):
    where = _where(name, y_true, y_pred, kwargs, tensors)
    return Case((y_true, y_pred), kwargs, tensors, kind=kind, where=f"{title}: {where}" if title else where)


def _graph_case(name, kind, y_true, y_pred, kwargs):
    """A Case run inside tf.function (marked by tensors=None)."""
    return Case((y_true, y_pred), kwargs, None, kind=kind, where=_where(name, y_true, y_pred, kwargs, True, True))


# =========================================================================== judging

def _stacked(value):
    """The answer as one float64 array (rows: the tuple's items), or None when its items do not stack."""
    if isinstance(value, (list, tuple)):
        try:
            return np.stack([np.asarray(v, np.float64) for v in value])
        except (TypeError, ValueError):
            return None
    try:
        return np.asarray(value, np.float64)
    except (TypeError, ValueError):
        return None


def _not_stacking(case, returns):
    return Outcome(False, Problem.TYPE, kind=case.kind, where=case.where, expected=f"{returns}, items of one shape",
                   got="items of different shapes or types",
                   detail=f"the result's items do not all have the same shape: return {returns}, each a scalar "
                          f"for a float threshold or one value per threshold for a list")


def _ask(ctx: Context, case: Case, name=None):
    """(expected, got) for a case: a call (NumPy or tensors), or a graph probe when case.tensors is None."""
    y_true, y_pred = case.args
    if case.tensors is None:
        expected = ctx.key("call", name=name, args=[y_true, y_pred], kwargs=case.kwargs, tensors=True)
        got = ctx.learner("graph", name=name, y_true=y_true, y_pred=y_pred, kwargs=case.kwargs, gradient=False)
        return expected, got["values"]
    if name is None:
        return ctx.both("call", args=[y_true, y_pred], kwargs=case.kwargs, tensors=case.tensors)
    return (ctx.key("call", name=name, args=[y_true, y_pred], kwargs=case.kwargs, tensors=case.tensors),
            ctx.learner("call", name=name, args=[y_true, y_pred], kwargs=case.kwargs, tensors=case.tensors))


def _outcome(ctx: Context, case: Case):
    """(outcome, the learner's answer stacked) for one case."""
    expected, got = _ask(ctx, case)
    g = _stacked(got)
    if g is None:
        return _not_stacking(case, _RETURNS[ctx.exercise]), None
    return compare(_stacked(expected), g, *TOL, kind=case.kind, where=case.where,
                   mistakes=_MISTAKES[ctx.exercise](*case.args, case.kwargs)), g


def _judge(ctx: Context, case: Case) -> Outcome:
    return _outcome(ctx, case)[0]


def _own_counts(ctx: Context, case: Case):
    """The learner's confusion_counts on the case's input (eagerly), stacked; None if it has none or it fails."""
    y_true, y_pred = case.args
    try:
        counts = _stacked(ctx.learner("call", name="confusion_counts", args=[y_true, y_pred], kwargs=case.kwargs,
                                      tensors=bool(case.tensors) or case.tensors is None))
    except FatalProbeError:
        raise
    except ProbeError:
        return None
    return counts if counts is not None and counts.ndim >= 1 and counts.shape[0] == 4 else None


def _counts_fail(ctx: Context, case: Case) -> bool:
    """Whether the learner's confusion_counts raises on this case (in the same mode)."""
    try:
        _ask(ctx, case, name="confusion_counts")
    except FatalProbeError:
        raise
    except ProbeError:
        return True
    return False


def _judge_prf(ctx: Context, case: Case) -> Outcome:
    """precision_recall_f1 against the reference, or against the (precision, recall, f1) of the learner's own
    confusion_counts: a fault of confusion_counts is named, not charged here."""
    try:
        outcome, got = _outcome(ctx, case)
    except FatalProbeError:
        raise
    except ProbeError as exc:
        outcome = failed_call(exc, kind=case.kind, where=case.where)
        return replace(outcome, slip=CASCADE_ERROR) if _counts_fail(ctx, case) else outcome
    if outcome.passed or outcome.problem not in (Problem.VALUES, Problem.NONFINITE, Problem.SHAPE):
        return outcome
    own = _own_counts(ctx, case)
    if own is None:
        return outcome
    y_true, y_pred = case.args
    if compare(np_prf(*own[:3]), got, *TOL).passed:
        return PASSED                         # right, given the counts it was built on
    reference = _stacked(ctx.key("call", name="confusion_counts", args=[y_true, y_pred], kwargs=case.kwargs))
    if not compare(reference, own, *TOL).passed:
        return replace(outcome, slip=CASCADE)
    return outcome


def _returns_tuple(case: Case):
    def run(ctx: Context) -> Outcome:
        expected, got = _ask(ctx, case)
        if isinstance(got, tuple) or (isinstance(got, list) and not isinstance(expected, tuple)):
            return PASSED                     # (a list passes only while the wire cannot tell them apart)
        what = f"a list of {len(got)} items" if isinstance(got, list) else \
            f"an array of shape {tuple(np.shape(got))}" if isinstance(got, np.ndarray) else "not a tuple"
        return Outcome(False, Problem.TYPE, kind=case.kind, where=case.where,
                       expected=f"a tuple {_RETURNS[ctx.exercise]}", got=what,
                       advice=f"return the tuple itself: `return {_RETURNS[ctx.exercise][1:-1]}`")
    return run


def _run(cases, judge):
    def run(ctx: Context) -> Outcome:
        return first_failure(cases, lambda case: judge(ctx, case))
    return run


# =========================================================================== the checks

def _public_cases(name, rng):
    batch = lambda *a, **k: _batch(rng, *a, name=name, **k)  # noqa: E731
    prf = name == "precision_recall_f1"
    c = lambda kind, batch, tensors=False, title="": _case(name, kind, *batch, tensors=tensors, title=title)  # noqa: E731
    values = [c("a batch of scores away from the threshold", batch((20,), {})),
              c("integer labels in one column", batch((12, 1), {"threshold": 0.3}, label_dtype=np.int64)),
              c("a batch with several columns", batch((6, 4), {"threshold": 0.7}))]
    f32 = lambda v: np.array(v, dtype=np.float32)  # noqa: E731
    ties = [c(TIED, (f32([1, 0, 1, 0, 1, 0, 0]), f32([0.5, 0.5, 0.625, 0.375, 0.5, 0.75, 0.125]), {}),
              title="scores exactly 0.5 with the default threshold"),
            c(TIED, (f32([1, 0, 1, 0, 1, 0]), f32([0.25, 0.25, 0.5, 0.0, 0.25, 0.125]), {"threshold": 0.25}),
              title="scores exactly at threshold=0.25"),
            c(TIED, (f32([1, 0, 1, 0, 0, 0]), f32([0.0, 0.0, 0.125, 1.0, 0.75, 0.0]), {"threshold": 0.0}),
              title="scores exactly 0 with threshold=0.0")]
    if not prf:                               # (at 1.0 nothing is positive: precision would be 0/0)
        ties.append(c(TIED, (f32([1, 0, 1]), f32([1.0, 1.0, 0.875]), {"threshold": 1.0}),
                      title="scores exactly 1 with threshold=1.0"))
    empty_kinds = ["no positive predictions", "no positive labels", "every prediction wrong"] + \
        ([] if prf else ["no negative labels"])
    empty = [c(_empty_kind(what, prf), _empty_batch(rng, what, 0.5), title=what) for what in empty_kinds]
    empty.append(c(_empty_kind("nothing positive", prf), (f32([[0], [0], [0]]), f32([[0.1], [0.4], [0.3]]), {}),
                   title="no positive labels and no positive predictions (everything 0/0)"))
    float64 = [c("float64 inputs", batch((10,), {}, dtype=np.float64, label_dtype=np.float64)),
               c("float64 inputs", batch((12,), {"threshold": 0.625}, dtype=np.float64,
                                          label_dtype=np.float64))]
    lists = [c("a list of thresholds", batch((16,), {"threshold": [0.25, 0.5, 0.75]}),
               title="thresholds [0.25, 0.5, 0.75]"),
             c("a list of thresholds", batch((16,), {"threshold": [0.0, 0.3, 0.6]}),
               title="thresholds [0.0, 0.3, 0.6]"),
             c("a list of thresholds", batch((5, 3), {"threshold": [0.2, 0.4, 0.6]}),
               title="a list of thresholds, inputs of shape (n, k)")]
    weighted = [c("weighted predictions", batch((16,), {}, weights="element"),
                  title="one weight per element"),
                c("weighted predictions", batch((9, 1), {"threshold": 0.375}, weights="rows"),
                  title="weights of shape (n,) for inputs of shape (n, 1)"),
                c("weighted predictions", batch((8,), {}, weights=2.0), title="a single number as the weight")]
    tables = {"values": values, "zero": empty, "thresholds-list": lists, "sample-weight": weighted}
    for title, yt, yp, kw in _keras_vectors():
        key = _keras_key(yt, yp, kw)
        if key in tables and (key == "zero" or _discriminates(name, yt, yp, kw)):
            kind = _empty_kind("keras", prf) if key == "zero" else "Keras' own test vector"
            tables[key].append(c(kind, (yt, yp, kw), title=title))
    graph = [c("tensors", batch((10,), {}), tensors=True, title="tensors (eagerly)"),
             _graph_case(name, "inside tf.function", *batch((10,), {})),
             _graph_case(name, "inside tf.function", *batch((8,), {"threshold": 0.375}))]
    return {"values": values, "ties": ties, "empty": empty, "float64": float64, "thresholds-list": lists,
            "sample-weight": weighted, "graph": graph}


def _hidden_cases(name, rng):
    """The same properties on batches drawn from the grading seed, with a fixed structure (so every seed asks
    the same kinds of input)."""
    batch = lambda *a, **k: _batch(rng, *a, name=name, **k)  # noqa: E731
    prf = name == "precision_recall_f1"
    c = lambda kind, batch, tensors=False: _case(name, kind, *batch, tensors=tensors)  # noqa: E731
    t = lambda: {"threshold": float(rng.choice(SAFE_THRESHOLDS))}  # noqa: E731
    n = lambda lo=6, hi=25: int(rng.integers(lo, hi))  # noqa: E731
    values = [c("a batch of scores away from the threshold", batch((n(),), {})),
              c("integer labels in one column", batch((n(), 1), t(), label_dtype=np.int64)),
              c("a batch with several columns", batch((n(3, 8), n(2, 5)), t()))]
    tie_thresholds = [0.0, 0.25, 0.375, 0.5, 0.625, 0.75] + ([] if prf else [1.0])
    ties = [c(TIED, _tied_batch(rng, 0.5, name)),
            c(TIED, _tied_batch(rng, float(rng.choice(tie_thresholds)), name))]
    empty_kinds = ["no positive predictions", "no positive labels", "every prediction wrong"]
    empty = [c(_empty_kind(what, prf), _empty_batch(rng, what, float(rng.choice([0.3, 0.5, 0.6]))))
             for what in empty_kinds]

    def some_thresholds():
        k = int(rng.integers(2, 5))
        return sorted(float(v) for v in rng.choice(SAFE_THRESHOLDS, size=k, replace=False))

    lists = [c("a list of thresholds", batch((n(),), {"threshold": some_thresholds()})),
             c("a list of thresholds", batch((n(3, 8), n(2, 5)), {"threshold": some_thresholds()}))]
    weighted = [c("weighted predictions", batch((n(),), t(), weights="element")),
                c("weighted predictions", batch((n(), 1), t(), weights="rows"))]
    graph = [_graph_case(name, "inside tf.function", *batch((n(),), t()))]
    return {"values": values, "ties": ties, "empty": empty, "thresholds-list": lists, "sample-weight": weighted,
            "graph": graph}


def _checks(ex, rng, hidden):
    name = ex.name
    prf = name == "precision_recall_f1"
    judge = _judge_prf if prf else _judge
    empty_key = "zero-division" if prf else "empty-class"
    titles = {
        "values": ("values match Keras", 4),
        "ties": ("a score exactly at the threshold counts as negative", 2),
        "empty": (("0/0 ratios give 0.0, not NaN", 2) if prf else
                  ("batches with no positive labels or no positive predictions", 1)),
        "float64": ("float64 inputs", 1),
        "thresholds-list": ("a list of thresholds: one value per threshold", 2),
        "sample-weight": ("sample_weight weights each prediction", 2),
        "graph": ("tensors, and inside tf.function (graph mode)", 1),
    }
    cases = _hidden_cases(name, rng) if hidden else _public_cases(name, rng)
    checks = []
    for part, table in cases.items():
        title, weight = titles[part]
        key = empty_key if part == "empty" else part
        checks.append(Check(name, key, f"{title} (hidden batches)" if hidden else title, weight,
                            guarded(_run(table, judge)), hidden=hidden))
    if not hidden:
        checks.append(Check(name, "returns-tuple", f"returns a tuple {_RETURNS[name]}", 1,
                            guarded(_returns_tuple(cases["values"][0]))))
    return checks


confusion_counts_checks = precision_recall_f1_checks = _checks
