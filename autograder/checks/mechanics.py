"""Checks for chapter 07: reduce_loss, Keras' reduction of weighted per-sample losses.

The answer key is keras.src.losses.loss.reduce_weighted_values (answer_key/mechanics.py).
What it does, verified on Keras 3.15: the weights are cast to the values' dtype and
brought to the same rank (a trailing axis of size 1 is added to whichever side lacks
it), then multiplied in; "sum" sums; "sum_over_batch_size" and "mean" divide the sum
by the number of values (weights or not); "mean_with_sample_weight" divides by the sum
of the weights (by the number of values without weights); every division is
divide_no_nan (0/0 is 0.0); "none" returns the weighted values. Per-sample losses of
shape (n,) with weights of shape (n, 1) come back from "none" as (n, 1): either (n,)
or (n, 1) is accepted there. With (n, t) losses and (n, 1) weights,
"mean_with_sample_weight" divides by the sum of the n weights as passed, not of the n·t
broadcast ones (t times the weighted average): `weight-shape` checks it, and dividing by the
broadcast weights is a named slip there (the exercise's text states the rule).

One property per key, and each key's inputs keep the others' flaws from arising:

* `values`: every reduction, with and without weights; weights have the losses'
  shape and dtype and a positive sum (float32 NumPy arrays, n >= 2);
* `weight-shape`: ranks that differ by one ((n,) x (n, 1), (n, 1) x (n,), (n, t) x (n, 1));
* `dtype`: float64 losses (float64 precision and result), float32 ones (float32
  result), and float64 weights on float32 losses (cast to the losses' dtype);
* `integer-weights`: int64 and int32 weights (values only, not the result's dtype);
* `zero-division`: weights that are all 0 with "mean_with_sample_weight" (0/0), each beside a
  control with the same losses and weights of positive sum (0.0 is right there by coincidence);
* `batch-of-one`, `tensors` (tensors in, not NumPy arrays), `graph` (tf.function and the
  gradient with respect to the weights).

Hidden twins (drawn from the grading seed): `values` and `weight-shape`.

A key other than `values` forgives a wrong answer only by consistency: the learner's answer on the
case's plain twin (the same numbers as float32 arrays of one rank, or the control) equals a NAMED slip
of `_mistakes` (which `values` charges), and its answer on the case is that slip's value there. An
error, inf or NaN, or a flaw no slip names is never forgiven: code wrong everywhere scores nothing.
"""
from __future__ import annotations

import numpy as np

from . import Case, Check, Context, Outcome, compare, describe_input, find_slip, first_failure, guarded, tolerances
from ..probes import FatalProbeError, ProbeError
from ..verdict import PASSED, Problem

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
DEFAULT = "sum_over_batch_size"

WEIGHTS = {"values": 4, "weight-shape": 2, "graph": 2, "dtype": 1, "integer-weights": 1, "zero-division": 1,
           "batch-of-one": 1, "tensors": 1}


# =========================================================================== NumPy model (for the mistakes)

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


BROADCAST = ("losses and weights of shapes (n,) and (n, 1) broadcast into an (n, n) matrix: when the ranks "
             "differ by one, add a trailing axis of size 1 to the side that lacks it first")


def _mistakes(per_sample, sample_weight, reduction):
    r = reduction
    out = []
    if sample_weight is not None:
        w = np.asarray(sample_weight, np.float64)
        if r in ("sum_over_batch_size", "mean"):
            out.append((np_reduce(per_sample, sample_weight, r, divisor="weights"),
                        f"you divided by the sum of the weights: \"{r}\" divides the weighted sum by the number "
                        "of values; only \"mean_with_sample_weight\" divides by the sum of the weights"))
        out.append((np_reduce(per_sample, sample_weight, r, weighted=False), "the sample weights are ignored"))
        if r == "mean_with_sample_weight":
            out.append((np_reduce(per_sample, sample_weight, "mean"),
                        "\"mean_with_sample_weight\" divides the weighted sum by the sum of the weights, "
                        "not by the number of values"))
            if w.sum() == 0:
                out.append((np.nan, "0/0 gave NaN: when the weights sum to 0, Keras returns 0.0 "
                                    "(keras.ops.divide_no_nan)"))
        v = np.asarray(per_sample, np.float64)
        if r == "mean_with_sample_weight" and v.ndim == w.ndim == 2 and w.shape[-1] == 1 < v.shape[-1]:
            with np.errstate(all="ignore"):
                out.append(((v * w).sum() / (w.sum() * v.shape[-1]),
                            "you divided by the sum of the weights broadcast to every step: with (n, t) losses "
                            "and (n, 1) weights, \"mean_with_sample_weight\" divides by the sum of the n weights "
                            "as passed, as Keras does"))
        if sorted([v.ndim, w.ndim]) == [1, 2] and (v.ndim == 1 and w.shape[-1] == 1 or
                                                   w.ndim == 1 and v.shape[-1] == 1):
            outer = v * w                               # (n,) * (n, 1) -> (n, n)
            if r == "none":
                out.append((outer, BROADCAST))
            elif r == "sum":
                out.append((outer.sum(), BROADCAST))
            else:
                with np.errstate(all="ignore"):
                    divisors = [outer.size, v.size] if r != "mean_with_sample_weight" else [w.sum()]
                    out += [(outer.sum() / d, BROADCAST) for d in divisors]
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

def _losses(rng, shape, dtype=np.float32):
    return rng.gamma(2.0, 0.5, size=shape).astype(dtype)


def _weights(rng, shape, dtype=np.float32):
    """Weights with a positive sum (never 0/0); the first is 0 when there are three or more."""
    w = rng.uniform(0.2, 3.0, size=shape)
    if w.size >= 3:
        w.reshape(-1)[0] = 0.0
    return w.astype(dtype)


_SHAPE_WORDS = {"(n,)": "losses of shape (n,)", "(n, 1)": "losses of shape (n, 1)", "(n, t)": "losses of shape (n, t)"}


def _red_text(kwargs):
    return f"reduction={kwargs['reduction']!r}" if "reduction" in kwargs else "the default reduction"


def _case(per_sample, weight, kwargs, kind, tensors=False) -> Case:
    """A Case of reduce_loss(per_sample[, weight], **kwargs); `kind` names the kind of input (no values)."""
    args = (per_sample,) if weight is None else (per_sample, weight)
    parts = [f"per_sample of {describe_input(per_sample)}",
             "no sample_weight" if weight is None else f"sample_weight of {describe_input(weight)}"]
    where = f"reduce_loss with {_red_text(kwargs)}, {', '.join(parts)}{' (tensors)' if tensors else ''}"
    return Case(args, dict(kwargs), tensors, kind=f"{kind}, {_red_text(kwargs)}", where=where)


def _reduction_cases(per_sample, weight, kind, tensors=False, reductions=REDUCTIONS, default=True):
    cases = [_case(per_sample, weight, {"reduction": r}, kind, tensors) for r in reductions]
    if default:
        cases.append(_case(per_sample, weight, {}, kind, tensors))
    return cases


def _accept_none_shape(expected, got):
    """For "none" with ranks that differ, (n,) and (n, 1) hold the same values: accept either."""
    e, g = np.asarray(expected), np.asarray(got)
    if e.shape != g.shape and e.size == g.size and np.squeeze(e).shape == np.squeeze(g).shape and g.ndim <= 2:
        return e.reshape(g.shape)
    return expected


def _judge(cases, dtype_check=False, none_shapes=False, plain=None):
    """Each case against the answer key; `dtype_check`: the result must have the losses' dtype.

    `plain(case)`: the case's plain twin (the same numbers in the form the `values` key checks, or a
    control case), or None. A case whose answer differs from Keras passes only by consistency: the
    learner's answer on the plain twin is a NAMED classic slip (which `values` charges) and its answer
    here is that same slip's value on these inputs. A learner that raises, returns inf or NaN, or is
    wrong in an unidentified way gets no credit."""
    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            per_sample = case.args[0]
            weight = case.args[1] if len(case.args) > 1 else None
            reduction = case.kwargs.get("reduction", DEFAULT)
            expected, got = ctx.both("call", args=list(case.args), kwargs=case.kwargs, tensors=case.tensors)
            if none_shapes and reduction == "none":
                expected = _accept_none_shape(expected, got)
            mistakes = _mistakes(per_sample, weight, reduction)
            if dtype_check and per_sample.dtype == np.float64:
                mistakes.append((np_reduce(per_sample.astype(np.float32), weight, reduction).astype(np.float32),
                                 "the result was computed in float32: with float64 losses, compute in float64 "
                                 "(do not cast the losses or the count to float32)"))
            outcome = compare(expected, got, *tolerances(per_sample.dtype), kind=case.kind, where=case.where,
                              mistakes=mistakes,
                              dtype=per_sample.dtype if dtype_check else None)
            if outcome.passed or plain is None or outcome.problem not in (Problem.VALUES, Problem.SHAPE):
                return outcome
            if dtype_check and np.asarray(got).dtype != per_sample.dtype:
                return outcome
            twin = plain(case)
            slips, own = _plain_slips(ctx, twin)
            variant = [(mv, why) for mv, why in _mistakes(per_sample, weight, reduction) if why in slips]
            if same_slip(slips, got, variant, expected, *tolerances(per_sample.dtype),
                         own=own if _exact_twin(case) else None):
                return PASSED
            return outcome
        return first_failure(cases, judge)
    return run


def named_slips(got, mistakes, expected, rtol, atol) -> set:
    """The explanations of every classic slip (`find_slip` on each alone) that a finite answer equals and
    the reference does not. An answer of (n,) may stand for one of (n, 1) and the reverse."""
    try:
        g = np.asarray(got, np.float64)
        e = np.asarray(expected, np.float64)
    except (TypeError, ValueError):
        return set()
    if not np.isfinite(g).all():
        return set()
    out = set()
    for mv, why in mistakes:
        try:
            mv = np.asarray(mv, np.float64)
        except (TypeError, ValueError):
            continue
        if mv.shape != g.shape and mv.size == g.size and np.squeeze(mv).shape == np.squeeze(g).shape:
            mv = mv.reshape(g.shape)
        ref = e.reshape(g.shape) if e.shape != g.shape and e.size == g.size else e
        if find_slip(g, [(mv, why)], ref, rtol, atol):
            out.add(why)
    return out


def same_slip(slips, got, variant_mistakes, expected, rtol, atol, own=None) -> bool:
    """Consistency credit: `slips` are the named slips the learner's plain-twin answer equals; the answer
    `got` here must equal one of them computed on these inputs (`variant_mistakes`, filtered to
    `slips`), or, when none of them can be computed here, the learner's own plain answer `own` (given
    only where the twin holds the same numbers)."""
    if not slips:
        return False
    try:
        g = np.asarray(got, np.float64)
    except (TypeError, ValueError):
        return False
    if not np.isfinite(g).all():
        return False
    if variant_mistakes:
        return bool(named_slips(g, variant_mistakes, expected, rtol, atol))
    if own is None:
        return False
    own = np.asarray(own, np.float64)
    return own.size == g.size and bool(np.allclose(own.reshape(g.shape), g, *tolerances(np.float32)))


def _plain_slips(ctx: Context, twin: Case):
    """(the named slips the learner's answer on the plain twin equals, that answer); (set(), None) when the
    learner raises there, returns inf or NaN, is right, or is wrong in an unidentified way."""
    try:
        expected, got = ctx.both("call", args=list(twin.args), kwargs=twin.kwargs, tensors=twin.tensors)
    except FatalProbeError:
        raise
    except ProbeError:
        return set(), None
    if np.shape(expected) != np.shape(got):
        expected = _accept_none_shape(expected, got)
    v = twin.args[0]
    w = twin.args[1] if len(twin.args) > 1 else None
    rtol, atol = tolerances(v.dtype)
    if compare(expected, got, rtol, atol).passed:
        return set(), None
    slips = named_slips(got, _mistakes(v, w, twin.kwargs.get("reduction", DEFAULT)), expected, rtol, atol)
    return slips, (np.asarray(got, np.float64) if slips else None)


def _exact_twin(case: Case) -> bool:
    """Does the plain twin hold exactly the same numbers? Not for (n, t) losses with (n, 1) weights: a
    learner's divisor may count the n weights there and the n·t broadcast ones in the twin."""
    if len(case.args) < 2:
        return True
    v, w = np.shape(case.args[0]), np.shape(case.args[1])
    return not (len(v) == len(w) == 2 and v[-1] > 1 and w[-1] == 1)


def _plain(case: Case) -> Case:
    """The same numbers as float32 NumPy arrays of the same rank, the way Keras lines them up."""
    v = np.asarray(case.args[0], np.float64)
    w = np.asarray(case.args[1], np.float64) if len(case.args) > 1 else None
    if w is not None:
        v, w = _align(v, w)
        w = np.ascontiguousarray(np.broadcast_to(w, v.shape)).astype(np.float32)
    args = (v.astype(np.float32),) if w is None else (v.astype(np.float32), w)
    return Case(args, case.kwargs, False, case.kind, case.where)


def _graph(cases):
    """Inside tf.function: reduce_loss(per_sample, sample_weight, reduction=...) and its gradient in the weights."""
    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            per_sample, weight = case.args
            reduction = case.kwargs["reduction"]
            expected, got = ctx.both("graph", y_true=per_sample, y_pred=weight, kwargs=case.kwargs, gradient=True)
            where, kind = case.where, case.kind
            outcome = compare(expected["values"], got["values"], *tolerances(per_sample.dtype), kind=kind,
                              where=where + ", the values", mistakes=_mistakes(per_sample, weight, reduction))
            if not outcome.passed:
                if outcome.problem is Problem.VALUES:         # eager: a named slip `values` charges?
                    slips, _ = _plain_slips(ctx, Case(case.args, case.kwargs))
                    variant = [(mv, why) for mv, why in _mistakes(per_sample, weight, reduction) if why in slips]
                    if same_slip(slips, got["values"], variant, expected["values"], *tolerances(per_sample.dtype)):
                        return PASSED
                return outcome
            if not np.isfinite(got["grad"]).all() and np.isfinite(expected["grad"]).all():
                return Outcome(False, Problem.OTHER, kind=kind,
                               detail=f"{kind}: the gradient with respect to sample_weight is missing (None) or "
                                      "not finite; use keras.ops so TensorFlow can differentiate it")
            return compare(expected["grad"], got["grad"], *tolerances(per_sample.dtype), kind=kind,
                           where=where + ", the gradient with respect to sample_weight")
        return first_failure(cases, judge)
    return run


# =========================================================================== the cases of each key

def _value_cases(rng, n, t, hidden):
    """Every reduction, without weights and with weights of the losses' shape (float32 NumPy arrays)."""
    cases = []
    for label, shape in (("(n,)", (n,)), ("(n, 1)", (n, 1)), ("(n, t)", (n, t))):
        v = _losses(rng, shape)
        cases += _reduction_cases(v, None, f"{_SHAPE_WORDS[label]} without sample_weight")
        cases += _reduction_cases(v, _weights(rng, shape), f"{_SHAPE_WORDS[label]} with weights of the same shape")
    return cases


def _weight_shape_cases(rng, n, t):
    """Ranks that differ by one: Keras adds a trailing axis of size 1 to the side that lacks it."""
    v, w = _losses(rng, (n,)), _weights(rng, (n,))
    vt, wt = _losses(rng, (n, t)), _weights(rng, (n, 1))
    return (_reduction_cases(v, w[:, None], "losses of shape (n,) with weights of shape (n, 1)") +
            _reduction_cases(v[:, None], w, "losses of shape (n, 1) with weights of shape (n,)") +
            _reduction_cases(vt, wt, "losses of shape (n, t) with weights of shape (n, 1)"))


def reduce_loss_checks(ex, rng, hidden):
    name = ex.name
    if hidden:
        n, t = int(rng.integers(2, 13)), int(rng.integers(2, 6))
        values = _value_cases(rng, n, t, hidden)
        n, t = int(rng.integers(2, 13)), int(rng.integers(2, 6))
        shapes = _weight_shape_cases(rng, n, t)
        return [Check(name, "values", "values match Keras on hidden batches", WEIGHTS["values"],
                      guarded(_judge(values)), hidden=True),
                Check(name, "weight-shape", "ranks that differ by one, on hidden batches", WEIGHTS["weight-shape"],
                      guarded(_judge(shapes, none_shapes=True, plain=_plain)), hidden=True)]

    values = _value_cases(rng, 8, 3, hidden)
    shapes = _weight_shape_cases(rng, 6, 2)

    v64, w64, vt64, wt64 = _losses(rng, (6,), np.float64), _weights(rng, (6,), np.float64), \
        _losses(rng, (4, 3), np.float64), _weights(rng, (4, 3), np.float64)
    v32, w32 = _losses(rng, (5,)), _weights(rng, (5,))
    dtypes = (_reduction_cases(v64, None, "float64 losses without sample_weight") +
              _reduction_cases(v64, w64, "float64 losses with float64 weights") +
              _reduction_cases(vt64, wt64, "float64 losses of shape (n, t) with float64 weights") +
              _reduction_cases(v32, w32, "float32 losses with float32 weights") +
              _reduction_cases(v32, w32.astype(np.float64), "float32 losses with float64 weights"))

    vi = _losses(rng, (4, 3))
    wi = np.array([[2, 0, 1], [1, 3, 1], [0, 1, 2], [1, 1, 4]])
    integers = (_reduction_cases(vi, wi.astype(np.int64), "float32 losses with int64 weights") +
                _reduction_cases(_losses(rng, (5,)), np.array([1, 2, 0, 3, 1], np.int32),
                                 "float32 losses with int32 weights"))

    zeros, controls = [], {}
    for shape in ((4,), (2, 3)):
        v0 = _losses(rng, shape)
        zero = _case(v0, np.zeros(shape, np.float32), {"reduction": "mean_with_sample_weight"},
                     "weights that are all 0 (0/0)")
        control = _case(v0, _weights(rng, shape), {"reduction": "mean_with_sample_weight"},
                        "the same losses with weights of positive sum (beside the 0/0 case)")
        zeros += [control, zero]
        controls[id(zero.args[0])] = control     # the 0/0 case's plain twin, and the control's own

    ones = (_reduction_cases(_losses(rng, (1,)), None, "a batch of one, without sample_weight") +
            _reduction_cases(_losses(rng, (1,)), np.ones(1, np.float32), "a batch of one, with a weight of 1") +
            _reduction_cases(_losses(rng, (1, 1)), np.ones((1, 1), np.float32),
                             "a batch of one of shape (1, 1), with a weight of 1"))

    vt8, vt43 = _losses(rng, (8,)), _losses(rng, (4, 3))
    tensors = (_reduction_cases(vt8, None, "tensors without sample_weight", tensors=True) +
               _reduction_cases(vt8, _weights(rng, (8,)), "tensors with weights", tensors=True) +
               _reduction_cases(vt43, _weights(rng, (4, 3)), "tensors of shape (n, t) with weights", tensors=True))

    vg, wg = _losses(rng, (6,)), _weights(rng, (6,))
    graph = [_case(vg, wg, {"reduction": r}, "losses of shape (n,) with weights") for r in REDUCTIONS] + \
            [_case(_losses(rng, (5, 2)), _weights(rng, (5, 2)), {"reduction": "sum_over_batch_size"},
                   "losses of shape (n, t) with weights")]
    graph = [Case(c.args, c.kwargs, c.tensors, f"inside tf.function, {c.kind}", f"inside tf.function, {c.where}")
             for c in graph]

    return [
        Check(name, "values", "every reduction, with and without sample weights of the losses' shape",
              WEIGHTS["values"], guarded(_judge(values))),
        Check(name, "weight-shape", "weights whose rank differs by one: (n,) with (n, 1), (n, 1) with (n,), (n, t) "
                                    "with (n, 1)", WEIGHTS["weight-shape"], guarded(_judge(shapes, none_shapes=True, plain=_plain))),
        Check(name, "dtype", "computes in the losses' dtype (float32 and float64)", WEIGHTS["dtype"],
              guarded(_judge(dtypes, dtype_check=True, plain=_plain))),
        Check(name, "integer-weights", "integer sample weights are cast to the losses' dtype",
              WEIGHTS["integer-weights"], guarded(_judge(integers, plain=_plain))),
        Check(name, "zero-division", "weights that are all 0: 0.0, not NaN", WEIGHTS["zero-division"],
              guarded(_judge(zeros, plain=lambda case: controls[id(case.args[0])]))),
        Check(name, "batch-of-one", "a batch of one", WEIGHTS["batch-of-one"], guarded(_judge(ones))),
        Check(name, "tensors", "tensors as inputs", WEIGHTS["tensors"], guarded(_judge(tensors, plain=_plain))),
        Check(name, "graph", "works inside tf.function with the same gradient as Keras", WEIGHTS["graph"],
              guarded(_graph(graph))),
    ]
