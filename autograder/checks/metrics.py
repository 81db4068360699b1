"""Checks for chapter 06: confusion counts, and precision / recall / F1 at a threshold.

Both exercises return a tuple, which the `call` probe turns into a list: the
checks compare it as one vector, (tp, fp, fn, tn) or (precision, recall, f1) —
or, for a list of thresholds, one row per quantity and one column per threshold.
The contract is Keras': a score counts as positive only when strictly above the
threshold, every element is one prediction, `sample_weight` weights each
prediction's count, 0/0 ratios are 0.0, and f1 = 2·p·r / (p + r). Inputs use
multiples of 1/8 wherever a score must tie with the threshold, so float32 and
float64 agree on the tie.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import Check, Context, Outcome, compare, describe_input, guarded

if TYPE_CHECKING:       # the references below run in the answer key, whose prelude imports these
    import keras
    from keras import ops

TOL = (1e-4, 1e-5)          # the reference computes in float32

COUNTS = "(tp, fp, fn, tn)"
PRF = "(precision, recall, f1)"


# =========================================================================== NumPy versions (for the mistakes)

def np_counts(y_true, y_pred, threshold=0.5, strict=True, sample_weight=None):
    """(tp, fp, fn, tn), or a (4, thresholds) array for a list of thresholds."""
    if isinstance(threshold, (list, tuple)):
        return np.stack([np_counts(y_true, y_pred, t, strict, sample_weight) for t in threshold], axis=-1)
    yt = np.asarray(y_true).reshape(-1) != 0
    yp = np.asarray(y_pred).reshape(-1)
    w = np.ones(yp.shape) if sample_weight is None else \
        np.broadcast_to(np.asarray(sample_weight, np.float64).reshape(-1), yp.shape)
    pos = yp > threshold if strict else yp >= threshold
    return np.array([(w * (pos & yt)).sum(), (w * (pos & ~yt)).sum(), (w * (~pos & yt)).sum(),
                     (w * (~pos & ~yt)).sum()], dtype=np.float64)


def np_prf(tp, fp, fn, zero=True, f1="harmonic"):
    """(precision, recall, f1) from counts (scalars, or one per threshold)."""
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
           (np.array([tn, fp, fn, tp]), "tp and tn are swapped"),
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
_RETURNS = {"confusion_counts": COUNTS, "precision_recall_f1": PRF}


# =========================================================================== inputs

def _random_case(rng, shape, dtype, label_dtype, threshold, ties=False):
    y_true = rng.integers(0, 2, size=shape).astype(label_dtype)
    if ties:
        y_pred = (rng.integers(0, 9, size=shape) / 8).astype(dtype)
    else:
        y_pred = rng.uniform(0, 1, size=shape).astype(dtype)
    kwargs = {} if threshold is None else {"threshold": threshold}
    return y_true, y_pred, kwargs


def _edges_at_threshold():
    f32 = lambda v: np.array(v, dtype=np.float32)  # noqa: E731
    f64 = lambda v: np.array(v, dtype=np.float64)  # noqa: E731
    return [
        ("scores exactly 0.5 with the default threshold", f32([1, 0, 1, 0, 1, 0]),
         f32([0.5, 0.5, 0.625, 0.375, 0.5, 0.75]), {}),
        ("scores exactly at threshold=0.25", f64([1, 0, 1, 0]), f64([0.25, 0.25, 0.5, 0.0]), {"threshold": 0.25}),
        ("scores exactly 0 with threshold=0.0", f32([[1], [0], [1], [0]]), f32([[0.0], [0.0], [0.125], [1.0]]),
         {"threshold": 0.0}),
        ("scores exactly 1 with threshold=1.0", f32([1, 0, 1]), f32([1.0, 1.0, 0.875]), {"threshold": 1.0}),
    ]


def _edges_empty():
    f32 = lambda v: np.array(v, dtype=np.float32)  # noqa: E731
    return [
        ("no positive predictions (precision is 0/0)", f32([1, 0, 1, 0]), f32([0.1, 0.2, 0.3, 0.4]), {}),
        ("no positive labels (recall is 0/0)", f32([0, 0, 0, 0]), f32([0.9, 0.2, 0.7, 0.4]), {}),
        ("no positive labels and no positive predictions (everything 0/0)", f32([[0], [0], [0]]),
         f32([[0.1], [0.5], [0.3]]), {}),
        ("every prediction wrong (precision and recall both 0)", f32([1, 0, 1, 0]), f32([0.2, 0.9, 0.1, 0.8]), {}),
        ("every prediction right", np.array([1, 0, 1], dtype=np.int64), f32([0.8, 0.1, 0.6]), {}),
    ]


def _keras_vectors():
    """The inputs of Keras' own unit tests (keras/src/metrics/confusion_metrics_test.py) for TruePositives,
    FalsePositives, FalseNegatives, TrueNegatives, Precision and Recall; the values come from Keras.

    Keras' per-row (or scalar) sample weights are given here one per element, broadcast from Keras' own."""
    f32 = lambda v: np.array(v, dtype=np.float32)  # noqa: E731
    per_element = lambda w, shape: np.broadcast_to(f32(w), shape).copy()  # noqa: E731
    counts_true = f32([[0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]])
    counts_pred = f32([[0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]])
    scores_true = f32([[0, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]])
    scores = f32([[0.9, 0.2, 0.8, 0.1], [0.2, 0.9, 0.7, 0.6], [0.1, 0.2, 0.4, 0.3], [0, 1, 0.7, 0.3]])
    three = [0.15, 0.5, 0.85]
    return [
        ("Keras' own unit test (TruePositiveTest, FalsePositivesTest, FalseNegativesTest, TrueNegativesTest: "
         "test_weighted; one weight per row, given per element)", counts_true, counts_pred,
         {"sample_weight": per_element([[1.0], [1.5], [2.0], [2.5]], (4, 5))}),
        ("Keras' own unit test (TruePositiveTest, FalsePositivesTest, FalseNegativesTest, TrueNegativesTest: "
         "test_unweighted_with_thresholds)", scores_true, scores, {"threshold": three}),
        ("Keras' own unit test (FalsePositivesTest.test_weighted_with_thresholds)", scores_true, scores,
         {"threshold": three, "sample_weight": f32([[1.0, 2.0, 3.0, 5.0], [7.0, 11.0, 13.0, 17.0],
                                                    [19.0, 23.0, 29.0, 31.0], [5.0, 15.0, 10.0, 0]])}),
        ("Keras' own unit test (FalseNegativesTest.test_weighted_with_thresholds; one weight per row, given "
         "per element)", scores_true, scores,
         {"threshold": three, "sample_weight": per_element([[3.0], [5.0], [7.0], [4.0]], (4, 4))}),
        ("Keras' own unit test (TrueNegativesTest.test_weighted_with_thresholds; one weight per column, given "
         "per element)", scores_true, scores,
         {"threshold": three, "sample_weight": per_element([[0.0, 2.0, 3.0, 5.0]], (4, 4))}),
        ("Keras' own unit test (TruePositiveTest.test_weighted_with_thresholds; its scalar weight 37, given "
         "per element)", scores_true, scores, {"threshold": three, "sample_weight": per_element(37.0, (4, 4))}),
        ("Keras' own unit test (PrecisionTest.test_weighted)", f32([[0, 1, 1, 0], [1, 0, 0, 1]]),
         f32([[1, 0, 1, 0], [1, 0, 1, 0]]), {"sample_weight": f32([[1, 2, 3, 4], [4, 3, 2, 1]])}),
        ("Keras' own unit test (RecallTest.test_weighted)", f32([[0, 1, 1, 0], [1, 0, 0, 1]]),
         f32([[1, 0, 1, 0], [0, 1, 0, 1]]), {"sample_weight": f32([[1, 2, 3, 4], [4, 3, 2, 1]])}),
        ("Keras' own unit test (PrecisionTest, RecallTest: test_div_by_zero)", f32([0, 0, 0, 0]),
         f32([0, 0, 0, 0]), {}),
        ("Keras' own unit test (PrecisionTest, RecallTest: test_unweighted_with_threshold)", f32([0, 1, 1, 0]),
         f32([1, 0, 0.6, 0]), {"threshold": [0.5, 0.7]}),
        ("Keras' own unit test (PrecisionTest.test_weighted_with_threshold)", f32([[0, 1], [1, 0]]),
         f32([[1, 0], [0.6, 0]]), {"threshold": [0.5, 1.0], "sample_weight": f32([[4, 0], [3, 1]])}),
        ("Keras' own unit test (RecallTest.test_weighted_with_threshold)", f32([[0, 1], [1, 0]]),
         f32([[1, 0], [0.6, 0]]), {"threshold": [0.5, 1.0], "sample_weight": f32([[1, 4], [3, 2]])}),
    ]


# =========================================================================== checks

def _where(name, y_true, y_pred, kwargs, tensors, hidden):
    kind = "tensors" if tensors else "NumPy arrays"
    kw = "" if hidden or not kwargs else ", " + ", ".join(
        f"{k}=<{describe_input(v)}>" if isinstance(v, np.ndarray) else f"{k}={v!r}" for k, v in kwargs.items())
    return f"{name}(y_true, y_pred{kw}) → {_RETURNS[name]} on {kind} of {describe_input(y_pred)}"


def _call_cases(name, cases, titled=False):
    """cases: [(title, y_true, y_pred, kwargs, tensors)]."""
    def run(ctx: Context) -> Outcome:
        for i, (title, y_true, y_pred, kwargs, tensors) in enumerate(cases, 1):
            expected, got = ctx.both("call", args=[y_true, y_pred], kwargs=kwargs, tensors=tensors)
            where = _where(name, y_true, y_pred, kwargs, tensors, ctx.hidden)
            where = f"{title}: {where}" if titled else f"case {i} of {len(cases)}: {where}"
            outcome = compare(expected, got, *TOL, ctx.hidden, where, _MISTAKES[name](y_true, y_pred, kwargs))
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


def _graph_cases(name, cases):
    def run(ctx: Context) -> Outcome:
        for y_true, y_pred, kwargs in cases:
            # the reference builds Keras metric objects (variables), so it answers eagerly
            expected = ctx.reference.probe("call", name, args=[y_true, y_pred], kwargs=kwargs, tensors=True)
            got = ctx.target.probe("graph", name, y_true=y_true, y_pred=y_pred, kwargs=kwargs, gradient=False)
            where = f"inside tf.function, {_where(name, y_true, y_pred, kwargs, True, ctx.hidden)}"
            outcome = compare(expected, got["values"], *TOL, ctx.hidden, where,
                              _MISTAKES[name](y_true, y_pred, kwargs))
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


def _weights(rng, n):
    return rng.choice(np.array([0.0, 0.5, 1.0, 2.0, 3.0]), size=n)


def _checks(ex, rng, hidden):
    name = ex.name
    if hidden:
        def draw():
            rank = int(rng.integers(1, 3))
            shape = tuple(int(n) for n in rng.integers(1, 13, size=rank))
            return _random_case(rng, shape, np.float32, [np.float32, np.int64][int(rng.integers(0, 2))],
                                [None, 0.25, 0.375, 0.5, 0.625, 0.75][int(rng.integers(0, 6))], ties=True)
        cases = [("", *draw(), bool(rng.integers(0, 2))) for _ in range(4)]
        y_true, y_pred, _ = draw()
        lists = [("", y_true, y_pred, {"threshold": sorted({0.25, float(rng.integers(0, 9)) / 8, 0.75})}, False)]
        y_true, y_pred, kwargs = draw()
        weighted = [("", y_true, y_pred, {**kwargs, "sample_weight": _weights(rng, y_pred.shape[0])
                                          if y_pred.ndim == 1 else _weights(rng, y_pred.shape)}, False)]
        graph = [_random_case(rng, (int(rng.integers(3, 20)),), np.float32, np.float32, 0.5, ties=True)]
        return [Check(name, "values on hidden batches", 3, guarded(_call_cases(name, cases)), hidden=True),
                Check(name, "a list of thresholds and sample_weight on hidden batches", 1,
                      guarded(_call_cases(name, lists + weighted)), hidden=True),
                Check(name, "graph mode on a hidden batch", 1, guarded(_graph_cases(name, graph)), hidden=True)]

    core = [("", *_random_case(rng, (20,), np.float32, np.float32, None), False),
            ("", *_random_case(rng, (12, 1), np.float32, np.int64, 0.3), True),
            ("", *_random_case(rng, (6, 4), np.float32, np.float32, 0.7), False)]
    float64 = [("", *_random_case(rng, (10,), np.float64, np.float64, None), False),
               ("", *_random_case(rng, (3, 2, 2), np.float64, np.float64, 0.625), True)]
    at_threshold = [(t, yt, yp, kw, False) for t, yt, yp, kw in _edges_at_threshold()]
    empty = [(t, yt, yp, kw, i % 2 == 1) for i, (t, yt, yp, kw) in enumerate(_edges_empty())]
    y_true, y_pred, _ = _random_case(rng, (16,), np.float32, np.float32, None, ties=True)
    lists = [("thresholds [0.25, 0.5, 0.75]", y_true, y_pred, {"threshold": [0.25, 0.5, 0.75]}, False),
             ("thresholds [0.0, 0.5, 1.0]", y_true, y_pred, {"threshold": [0.0, 0.5, 1.0]}, True)]
    y_col, s_col, _ = _random_case(rng, (9, 1), np.float32, np.float32, None)
    weighted = [("one weight per element, labels (n,)", y_true, y_pred,
                 {"sample_weight": _weights(rng, 16)}, False),
                ("weights of shape (n,) for labels of shape (n, 1)", y_col, s_col,
                 {"sample_weight": _weights(rng, 9), "threshold": 0.375}, False),
                ("weights with a list of thresholds", y_true, y_pred,
                 {"sample_weight": _weights(rng, 16), "threshold": [0.25, 0.75]}, True)]
    keras_plain, keras_lists, keras_weighted = [], [], []
    for title, yt, yp, kw in _keras_vectors():
        if "sample_weight" in kw:
            keras_weighted.append((title, yt, yp, kw, False))
        elif isinstance(kw.get("threshold"), list):
            keras_lists.append((title, yt, yp, kw, False))
        elif not np_counts(yt, yp, kw.get("threshold", 0.5))[:2].any() or not np.asarray(yt).any():
            keras_plain.append((title, yt, yp, kw, False))      # a 0/0 case: no positive predictions or labels
    empty += keras_plain
    lists += keras_lists
    weighted += keras_weighted
    graph = [_random_case(rng, (10,), np.float32, np.float32, None, ties=True),
             _random_case(rng, (6, 1), np.float32, np.float32, 0.375, ties=True)]
    if name == "confusion_counts":
        empty_title = "batches with no positive labels or no positive predictions"
    else:
        empty_title = "0/0 ratios give 0.0, not NaN"
        graph.append((np.zeros(5, np.float32), np.linspace(0, 1, 5).astype(np.float32), {}))
    return [
        Check(name, "values match Keras (float32, labels (n,) and (n, 1))", 3, guarded(_call_cases(name, core))),
        Check(name, "scores exactly at the threshold count as negative", 2,
              guarded(_call_cases(name, at_threshold, titled=True))),
        Check(name, empty_title, 2 if name == "precision_recall_f1" else 1,
              guarded(_call_cases(name, empty, titled=True))),
        Check(name, "float64 inputs", 1, guarded(_call_cases(name, float64))),
        Check(name, "a list of thresholds: one value per threshold", 2,
              guarded(_call_cases(name, lists, titled=True))),
        Check(name, "sample_weight weights each prediction", 2, guarded(_call_cases(name, weighted, titled=True))),
        Check(name, "works inside tf.function (graph mode)", 2, guarded(_graph_cases(name, graph))),
    ]


confusion_counts_checks = precision_recall_f1_checks = _checks


# =========================================================================== the references

def confusion_counts(y_true, y_pred, threshold=0.5, sample_weight=None):
    """Keras' TruePositives, FalsePositives, FalseNegatives and TrueNegatives, on every element."""
    y_true = ops.reshape(ops.convert_to_tensor(y_true, "float32"), (-1,))
    y_pred = ops.reshape(ops.convert_to_tensor(y_pred, "float32"), (-1,))
    if sample_weight is not None:
        sample_weight = ops.broadcast_to(ops.reshape(ops.convert_to_tensor(sample_weight, "float32"), (-1,)),
                                         ops.shape(y_pred))
    thresholds = list(threshold) if isinstance(threshold, (list, tuple)) else threshold
    counts = []
    for cls in (keras.metrics.TruePositives, keras.metrics.FalsePositives,
                keras.metrics.FalseNegatives, keras.metrics.TrueNegatives):
        metric = cls(thresholds=thresholds)
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)
        counts.append(metric.result())
    return tuple(counts)


def precision_recall_f1(y_true, y_pred, threshold=0.5, sample_weight=None):
    """Keras' Precision and Recall at the threshold(s), and f1 = 2·p·r / (p + r) (0.0 when p + r is 0)."""
    y_true = ops.reshape(ops.convert_to_tensor(y_true, "float32"), (-1,))
    y_pred = ops.reshape(ops.convert_to_tensor(y_pred, "float32"), (-1,))
    if sample_weight is not None:
        sample_weight = ops.broadcast_to(ops.reshape(ops.convert_to_tensor(sample_weight, "float32"), (-1,)),
                                         ops.shape(y_pred))
    thresholds = list(threshold) if isinstance(threshold, (list, tuple)) else threshold
    precision = keras.metrics.Precision(thresholds=thresholds)
    recall = keras.metrics.Recall(thresholds=thresholds)
    for metric in (precision, recall):
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    p, r = precision.result(), recall.result()
    return p, r, ops.divide_no_nan(2.0 * p * r, p + r)
