"""Checks for chapter 06: confusion counts, and precision / recall / F1 at a threshold.

Both exercises return a tuple, which the `call` probe turns into a list: the
checks compare it as one vector, (tp, fp, fn, tn) or (precision, recall, f1).
A score counts as positive only when strictly above the threshold, as in Keras'
TruePositives & co.; 0/0 ratios are 0.0, as in Keras' Precision, Recall and
F1Score. Inputs use multiples of 1/8 wherever a score must tie with the
threshold, so float32 and float64 agree on the tie.
"""
from __future__ import annotations

import numpy as np

from . import Check, Context, Outcome, builder, compare, describe_input, guarded

TOL = (1e-4, 1e-5)          # the reference computes in float32

COUNTS = "(tp, fp, fn, tn)"
PRF = "(precision, recall, f1)"


# =========================================================================== NumPy versions (for the mistakes)

def np_counts(y_true, y_pred, threshold=0.5, strict=True):
    yt = np.asarray(y_true).reshape(-1) != 0
    yp = np.asarray(y_pred).reshape(-1)
    pos = yp > threshold if strict else yp >= threshold
    return np.array([(pos & yt).sum(), (pos & ~yt).sum(), (~pos & yt).sum(), (~pos & ~yt).sum()], dtype=np.float64)


def np_prf(tp, fp, fn, zero=True, f1="harmonic"):
    with np.errstate(all="ignore"):
        p = tp / (tp + fp) if (tp + fp) or not zero else 0.0
        r = tp / (tp + fn) if (tp + fn) or not zero else 0.0
        if f1 == "harmonic":
            f = 2 * p * r / (p + r) if (p + r) or not zero else 0.0
        elif f1 == "arithmetic":
            f = (p + r) / 2
        else:                                       # "jaccard"
            f = tp / (tp + fp + fn) if (tp + fp + fn) or not zero else 0.0
    return np.array([p, r, f], dtype=np.float64)


def _count_mistakes(y_true, y_pred, kwargs):
    t = kwargs.get("threshold", 0.5)
    tp, fp, fn, tn = np_counts(y_true, y_pred, t)
    out = [(np_counts(y_true, y_pred, t, strict=False),
            "a score equal to the threshold was counted as positive: use > (strictly above), not >="),
           (np.array([tp, fn, fp, tn]), "fp and fn are swapped (a false positive is predicted positive, "
                                        "labelled negative)"),
           (np.array([tp, tn, fp, fn]), f"the counts are in the wrong order: return {COUNTS}"),
           (np.array([tn, fp, fn, tp]), "tp and tn are swapped"),
           (np.array([tp, fp, tn, fn]), f"fn and tn are swapped: return {COUNTS}")]
    if t != 0.5:
        out.append((np_counts(y_true, y_pred, 0.5), "the threshold argument is ignored (0.5 was used)"))
    return out


def _prf_mistakes(y_true, y_pred, kwargs):
    t = kwargs.get("threshold", 0.5)
    tp, fp, fn, _ = np_counts(y_true, y_pred, t)
    right = np_prf(tp, fp, fn)
    out = [(np_prf(tp, fp, fn, zero=False),
            "a 0/0 ratio gave NaN: return 0.0 where the denominator is 0 (keras.ops.divide_no_nan)"),
           (np_prf(*np_counts(y_true, y_pred, t, strict=False)[:3]),
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
        out.append((np_prf(*np_counts(y_true, y_pred, 0.5)[:3]), "the threshold argument is ignored (0.5 was used)"))
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


# =========================================================================== checks

def _where(name, y_true, y_pred, kwargs, tensors, hidden):
    kind = "tensors" if tensors else "NumPy arrays"
    kw = "" if hidden or not kwargs else ", " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
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


@builder("confusion_counts", "precision_recall_f1")
def _chapter_06(ex, rng, hidden):
    name = ex.name
    if hidden:
        cases = []
        for i in range(4):
            rank = int(rng.integers(1, 3))
            shape = tuple(int(n) for n in rng.integers(1, 13, size=rank))
            threshold = [None, 0.25, 0.375, 0.5, 0.625, 0.75][int(rng.integers(0, 6))]
            case = _random_case(rng, shape, [np.float32, np.float64][int(rng.integers(0, 2))],
                                [np.float32, np.int64][int(rng.integers(0, 2))], threshold, ties=bool(i % 2))
            if i == 3 and rng.uniform() < 0.5:          # now and then a batch without positives
                case = (np.zeros_like(case[0]), case[1], case[2])
            cases.append(("", *case, bool(rng.integers(0, 2))))
        graph = [_random_case(rng, (int(rng.integers(3, 20)),), np.float32, np.float32, 0.5, ties=True)]
        return [Check(name, "values match Keras on hidden batches", 3, guarded(_call_cases(name, cases)), hidden=True),
                Check(name, "graph mode on a hidden batch", 1, guarded(_graph_cases(name, graph)), hidden=True)]

    random_cases = [
        ("", *_random_case(rng, (20,), np.float32, np.float32, None), False),
        ("", *_random_case(rng, (12, 1), np.float64, np.int64, 0.3), False),
        ("", *_random_case(rng, (6, 4), np.float32, np.float32, 0.7), True),
        ("", *_random_case(rng, (3, 2, 2), np.float64, np.float64, None), False),
    ]
    at_threshold = [(t, yt, yp, kw, False) for t, yt, yp, kw in _edges_at_threshold()]
    empty = [(t, yt, yp, kw, i % 2 == 1) for i, (t, yt, yp, kw) in enumerate(_edges_empty())]
    graph = [_random_case(rng, (10,), np.float32, np.float32, None, ties=True),
             _random_case(rng, (6, 1), np.float64, np.float32, 0.375, ties=True)]
    if name == "confusion_counts":
        empty_title = "batches with no positive labels or no positive predictions"
    else:
        empty_title = "0/0 ratios give 0.0, not NaN"
        graph.append((np.zeros(5, np.float32), np.linspace(0, 1, 5).astype(np.float32), {}))
    return [
        Check(name, "values match Keras on random batches", 3, guarded(_call_cases(name, random_cases))),
        Check(name, "scores exactly at the threshold count as negative", 2,
              guarded(_call_cases(name, at_threshold, titled=True))),
        Check(name, empty_title, 2 if name == "precision_recall_f1" else 1,
              guarded(_call_cases(name, empty, titled=True))),
        Check(name, "works inside tf.function (graph mode)", 2, guarded(_graph_cases(name, graph))),
    ]
