"""Checks for chapter 07: reduce_loss, Keras' reduction of weighted per-sample losses.

The reference is keras.src.losses.loss.reduce_weighted_values. What it does,
verified on Keras 3.15: the weights are cast to the values' dtype and brought to
the same rank (a trailing axis of size 1 is added to whichever side lacks it),
then multiplied in; "sum" sums; "sum_over_batch_size" and "mean" divide the sum
by the number of values (weights or not); "mean_with_sample_weight" divides by
the sum of the weights (by the number of values without weights); every
division is divide_no_nan (0/0 is 0.0); "none" returns the weighted values.
Per-sample losses of shape (n,) with weights of shape (n, 1) come back from
"none" as (n, 1): either (n,) or (n, 1) is accepted there.
"""
from __future__ import annotations

import numpy as np

from . import Check, Context, Outcome, compare, describe_input, guarded, tolerances

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
DEFAULT = "sum_over_batch_size"


# =========================================================================== NumPy version (for the mistakes)

def _align(v, w):
    """Keras' squeeze_or_expand_to_same_rank, for the cases the checks use."""
    if w is None or v.ndim == w.ndim:
        return v, w
    if v.ndim == w.ndim + 1 and v.shape[-1] == 1:
        return v, w[..., None]
    if w.ndim == v.ndim + 1 and w.shape[-1] == 1:
        return (v[..., None], w) if v.ndim == 1 else (v, w[..., 0])
    return v, w


def np_reduce(v, w, reduction, divisor="count", weighted=True, align=True):
    v = np.asarray(v, dtype=np.float64)
    w = None if w is None or not weighted else np.asarray(w, dtype=np.float64)
    if align:
        v, w = _align(v, w)
    vw = v if w is None else v * w
    if reduction == "none":
        return vw
    total = vw.sum()
    if reduction == "sum":
        return total
    if divisor == "count":
        d = w.sum() if reduction == "mean_with_sample_weight" and w is not None else vw.size
    elif divisor == "weights":
        d = w.sum() if w is not None else vw.size
    else:                                            # "batch": the first axis only
        d = v.shape[0]
    with np.errstate(all="ignore"):
        return np.divide(total, d) if d else (np.nan if total == 0 else np.inf)


def _mistakes(per_sample, sample_weight, reduction):
    r = reduction
    out = []
    if sample_weight is not None:
        if r in ("sum_over_batch_size", "mean"):
            out.append((np_reduce(per_sample, sample_weight, r, divisor="weights"),
                        f"you divided by the sum of the weights: \"{r}\" divides the weighted sum by the number "
                        "of values; only \"mean_with_sample_weight\" divides by the sum of the weights"))
        out.append((np_reduce(per_sample, sample_weight, r, weighted=False), "the sample weights are ignored"))
        if r == "mean_with_sample_weight":
            out.append((np_reduce(per_sample, sample_weight, "mean"),
                        "\"mean_with_sample_weight\" divides the weighted sum by the sum of the weights, "
                        "not by the number of values"))
            w = np.asarray(sample_weight, dtype=np.float64)
            if w.sum() == 0:
                out.append((np.nan, "0/0 gave NaN: when the weights sum to 0, Keras returns 0.0 "
                                    "(divide_no_nan)"))
        v, w = np.asarray(per_sample, np.float64), np.asarray(sample_weight, np.float64)
        if sorted([v.ndim, w.ndim]) == [1, 2] and (v.ndim == 1 and w.shape[-1] == 1 or
                                                   w.ndim == 1 and v.shape[-1] == 1):
            outer = v * w                               # (n,) * (n, 1) -> (n, n)
            why = ("losses and weights of shapes (n,) and (n, 1) broadcast into an (n, n) matrix: "
                   "bring them to the same shape first")
            if r == "none":
                out.append((outer, why))
            elif r == "sum":
                out.append((outer.sum(), why))
            else:
                with np.errstate(all="ignore"):
                    divisors = [outer.size, v.size] if r != "mean_with_sample_weight" else [w.sum()]
                    out += [(outer.sum() / d, why) for d in divisors]
        if r == "none":
            out.append((v, "\"none\" must still multiply by the sample weights"))
    if r == "sum":
        out.append((np_reduce(per_sample, sample_weight, "mean"), "\"sum\" returns the weighted sum, not a mean"))
    if r in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        out.append((np_reduce(per_sample, sample_weight, "sum"), f"\"{r}\" divides the sum by a count; you "
                                                                 "returned the plain sum"))
        if np.ndim(per_sample) > 1:
            out.append((np_reduce(per_sample, sample_weight, r, divisor="batch"),
                        "you divided by the batch size (the first axis); Keras divides by the number of "
                        "values, every axis included"))
    if r == "none":
        out.append((np_reduce(per_sample, sample_weight, "sum_over_batch_size"),
                    "\"none\" returns the weighted values unreduced"))
    return out


# =========================================================================== inputs

def _losses(rng, shape, dtype):
    return rng.gamma(2.0, 0.5, size=shape).astype(dtype)


def _weights(rng, shape, dtype=np.float64):
    w = rng.uniform(0.0, 3.0, size=shape)
    w[rng.uniform(size=shape) < 0.2] = 0.0
    return w.astype(dtype)


def _case_text(per_sample, sample_weight, kwargs, tensors, hidden):
    parts = [f"per_sample of {describe_input(per_sample)}"]
    if sample_weight is not None:
        parts.append(f"sample_weight of {describe_input(sample_weight)}")
    else:
        parts.append("no sample_weight")
    red = f"reduction={kwargs['reduction']!r}" if "reduction" in kwargs else "the default reduction"
    return f"reduce_loss with {red}, {', '.join(parts)}{' (tensors)' if tensors else ''}"


def _accept_none_shape(expected, got):
    """For "none", (n,) and (n, 1) hold the same values: accept either."""
    e, g = np.asarray(expected), np.asarray(got)
    if e.shape != g.shape and e.size == g.size and np.squeeze(e).shape == np.squeeze(g).shape and g.ndim <= 2:
        return e.reshape(g.shape)
    return expected


def _run_cases(cases, titled=False):
    """cases: [(title, per_sample, sample_weight or None, kwargs, tensors)]."""
    def run(ctx: Context) -> Outcome:
        for i, (title, per_sample, weight, kwargs, tensors) in enumerate(cases, 1):
            args = [per_sample] if weight is None else [per_sample, weight]
            expected, got = ctx.both("call", args=args, kwargs=kwargs, tensors=tensors)
            reduction = kwargs.get("reduction", DEFAULT)
            if reduction == "none":
                expected = _accept_none_shape(expected, got)
            where = _case_text(per_sample, weight, kwargs, tensors, ctx.hidden)
            where = f"{title}: {where}" if titled else f"case {i} of {len(cases)}: {where}"
            outcome = compare(expected, got, *tolerances(per_sample.dtype), ctx.hidden, where,
                              _mistakes(per_sample, weight, reduction))
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


def _graph_cases(cases):
    """Inside tf.function: reduce_loss(per_sample, sample_weight, reduction=...) and its gradient in the weights."""
    def run(ctx: Context) -> Outcome:
        for per_sample, weight, reduction in cases:
            params = dict(y_true=per_sample, y_pred=weight, kwargs={"reduction": reduction}, gradient=True)
            expected, got = ctx.both("graph", **params)
            where = f"inside tf.function, {_case_text(per_sample, weight, {'reduction': reduction}, True, ctx.hidden)}"
            exp_values = _accept_none_shape(expected["values"], got["values"]) if reduction == "none" \
                else expected["values"]
            outcome = compare(exp_values, got["values"], *tolerances(per_sample.dtype), ctx.hidden,
                              where + ", the values", _mistakes(per_sample, weight, reduction))
            if not outcome.passed:
                return outcome
            if not np.isfinite(got["grad"]).all() and np.isfinite(expected["grad"]).all():
                return Outcome(False, f"{where}: the gradient with respect to the weights is missing (None) or "
                                      "not finite; use keras.ops so TensorFlow can differentiate it")
            outcome = compare(expected["grad"], got["grad"], *tolerances(per_sample.dtype), ctx.hidden,
                              where + ", the gradient with respect to sample_weight")
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    """The reference: Keras' own reduction, from its private module (it has no public name)."""
    from keras.src.losses.loss import reduce_weighted_values
    return reduce_weighted_values(per_sample, sample_weight=sample_weight, reduction=reduction)


def reduce_loss_checks(ex, rng, hidden):
    name = ex.name
    if hidden:
        cases = []
        for _ in range(5):
            n = int(rng.integers(1, 10))
            shape = (n,) if rng.uniform() < 0.6 else (n, int(rng.integers(1, 5)))
            dtype = [np.float32, np.float64][int(rng.integers(0, 2))]
            reduction = REDUCTIONS[int(rng.integers(0, len(REDUCTIONS)))]
            per_sample = _losses(rng, shape, dtype)
            kind = int(rng.integers(0, 3))
            if kind == 2 and not (len(shape) == 2 and reduction == "mean_with_sample_weight"):
                weight = _weights(rng, (n, 1))          # (skipping Keras' (n, t)-by-(n, 1) divisor quirk)
            elif kind:
                weight = _weights(rng, shape)
            else:
                weight = None
            cases.append(("", per_sample, weight, {"reduction": reduction}, bool(rng.integers(0, 2))))
        n = int(rng.integers(2, 9))
        graph = [(_losses(rng, (n,), np.float64), _weights(rng, (n,)),
                  REDUCTIONS[int(rng.integers(0, len(REDUCTIONS)))])]
        return [Check(name, "values match Keras on hidden batches", 3, guarded(_run_cases(cases)), hidden=True),
                Check(name, "graph mode on a hidden batch", 1, guarded(_graph_cases(graph)), hidden=True)]

    v8, v43 = _losses(rng, (8,), np.float32), _losses(rng, (4, 3), np.float64)
    w8, w43 = _weights(rng, (8,), np.float32), _weights(rng, (4, 3))
    unweighted = [("", v8, None, {"reduction": r}, False) for r in REDUCTIONS] + \
                 [("", v43, None, {"reduction": r}, r == "sum") for r in REDUCTIONS] + \
                 [("", v8, None, {}, False)]
    weighted = [("", v8, w8, {"reduction": r}, r == "mean") for r in REDUCTIONS] + \
               [("", v43, w43, {"reduction": r}, False) for r in REDUCTIONS] + \
               [("", v8, w8, {}, False)]
    v6, w6 = _losses(rng, (6,), np.float64), _weights(rng, (6,))
    v6[0] = 5.0
    w6[0] = 0.5
    v61 = v6[:, None].astype(np.float32)
    v52, w51 = _losses(rng, (5, 2), np.float32), _weights(rng, (5, 1))
    shapes = [("losses (n,), weights (n, 1)", v6, w6[:, None], {"reduction": r}, False) for r in REDUCTIONS] + \
             [("losses (n, 1), weights (n,)", v61, w6, {"reduction": r}, False) for r in REDUCTIONS] + \
             [("losses (n, t), weights (n, 1)", v52, w51, {"reduction": r}, False)
              for r in REDUCTIONS if r != "mean_with_sample_weight"]
    zeros = np.zeros(4)
    edges = [("weights that are all 0", v8[:4].astype(np.float64), zeros, {"reduction": r}, False)
             for r in ("mean_with_sample_weight", "sum_over_batch_size")] + \
            [("a batch of one", v8[:1], np.array([2.0]), {"reduction": r}, False) for r in REDUCTIONS] + \
            [("integer weights", v43, np.ones((4, 3), dtype=np.int64) * 2, {"reduction": "mean_with_sample_weight"},
              False)]
    graph = [(v6, w6, "sum_over_batch_size"), (v6, w6, "mean_with_sample_weight"),
             (v52.astype(np.float64), _weights(rng, (5, 2)), "sum"), (v6, w6, "none")]
    return [
        Check(name, "every reduction, without sample weights", 2, guarded(_run_cases(unweighted))),
        Check(name, "every reduction, with sample weights", 2, guarded(_run_cases(weighted))),
        Check(name, "weights of shape (n, 1) and losses of shape (n, 1) or (n, t)", 2,
              guarded(_run_cases(shapes, titled=True))),
        Check(name, "edge cases", 1, guarded(_run_cases(edges, titled=True))),
        Check(name, "works inside tf.function with the same gradient as Keras", 2, guarded(_graph_cases(graph))),
    ]
