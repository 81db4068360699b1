"""Checks for chapter 08: a custom loss function, a Loss subclass and a Metric subclass.

The references live in answer_key/custom.py; nothing here imports Keras.

* mse_l1 is a per-sample loss: `losses.LossSpec` builds its checks.
* WeightedMSE: `values` (call(), float32, rank 2, targets away from 0.5), `float64`,
  `rank3`, `ties` (targets of exactly 0.5 get weight 1), `reduction` (calling the object
  reduces the learner's own per-sample values as Keras does, with and without
  sample_weight), `config` (get_config() alone has the base keys and high_penalty),
  `save-load` (a compiled model survives .keras save/load, which calls from_config) and
  `fit`. `values` asks call() alone (the probe skips __call__), so a broken __call__
  override costs `reduction` only.
* F1Score: `values` (one batch, fresh metric), `stream` (pooled over batches),
  `reset`, `zero-division` (no positives at all), `ties` (scores exactly at the
  threshold), `flat` (labels and scores of shape (n,)), `option:threshold`, `in-model`
  (model.evaluate, one batch). `sample_weight` is accepted and ignored, as the exercise
  states (the reference ignores it too), so no check passes weights.

Every key's inputs keep the other keys' flaws from arising (no target or score at the
threshold, no 0/0, the default penalty or threshold outside their own keys). A key that
is not `values` forgives a wrong answer only by consistency: the learner's answer on the
plain twin of the case (the same numbers in the `values` form, or a control) equals a NAMED
classic slip (which `values` charges) and its answer on the case is that slip's value there.
Keys that lean on call() or result() (reduction, config, save-load, fit, reset) also require
it to be right or a named slip. An error, inf or NaN, or a flaw no slip names is never
forgiven: code wrong everywhere scores nothing.
"""
from __future__ import annotations

import numpy as np

from . import Case, Check, Context, Outcome, compare, describe_input, failed_call, first_failure, guarded, tolerances
from ..probes import FatalProbeError, ProbeError
from ..verdict import PASSED, Problem
from .losses import LossSpec, _big_errors, reduction_mistakes, regression
from .mechanics import named_slips, same_slip

RTOL, ATOL = tolerances(np.float32)


def _kw(kwargs) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _learner_twin(ctx, op, **params):
    """The learner's answer and the answer key's on a twin case; (None, None) when the learner raises."""
    try:
        return ctx.both(op, **params)
    except FatalProbeError:
        raise
    except ProbeError:
        return None, None


def _close(a, b, rtol=RTOL, atol=ATOL) -> bool:
    try:
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


# =========================================================================== mse_l1

def _mse_l1_np(e, mse_w=1.0, mae_w=0.5):
    return mse_w * e ** 2 + mae_w * np.abs(e)


def _mse_l1_mistakes(y_true, y_pred, kwargs):
    e = np.asarray(y_pred, np.float64) - np.asarray(y_true, np.float64)
    return reduction_mistakes(_mse_l1_np(e)) + [
        (_mse_l1_np(e, 1.0, 1.0).mean(-1), "the 0.5 factor on the MAE term is missing"),
        (_mse_l1_np(e, 0.5, 1.0).mean(-1), "the 0.5 belongs on the MAE term, not on the MSE term"),
        (_mse_l1_np(e, 1.0, 0.0).mean(-1), "the MAE term is missing (that is plain MSE)"),
        (_mse_l1_np(e, 0.0, 0.5).mean(-1), "the MSE term is missing"),
        (_mse_l1_np(e, 1.0, 0.0).mean(-1) + 0.5 * np.abs(e.mean(-1)),
         "the MAE term takes the absolute value of each error before the mean, not of the mean error"),
        (np.sqrt((e ** 2).mean(-1)) + 0.5 * np.abs(e).mean(-1), "you took the square root of the MSE term (RMSE)"),
    ]


def _mse_l1_edges(dtype):
    """The shared large-error cases, and errors as large as 10^4, the size the exercise promises."""
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return _big_errors(dtype) + [
        ("errors as large as 10^4", d([[0.0, 0.0, 0.0], [5.0, -5.0, 0.0]]),
         d([[1e4, -1e4, 2500.0], [-9995.0, 9995.0, 0.5]]), {}),
    ]


MSE_L1 = LossSpec(make=regression, edges=_mse_l1_edges, mistakes=_mse_l1_mistakes)


# =========================================================================== WeightedMSE

WMSE_WEIGHTS = {"values": 4, "float64": 1, "rank3": 1, "ties": 1, "reduction": 1, "config": 2, "save-load": 2,
                "fit": 2}
BELOW_HALF = float(np.nextafter(np.float32(0.5), np.float32(0)))


def _wmse_np(y_true, y_pred, high_penalty=2.0, strict=True, by="true", where_high="true"):
    yt, yp = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    ref = yt if by == "true" else yp
    high = ref > 0.5 if strict else ref >= 0.5
    w = np.where(high, high_penalty, 1.0) if where_high == "true" else np.where(high, 1.0, high_penalty)
    return (yt - yp) ** 2 * w


def _wmse_mistakes(y_true, y_pred, init_kwargs):
    hp = float(init_kwargs.get("high_penalty", 2.0))
    el = _wmse_np(y_true, y_pred, hp)
    out = [(el.sum(-1), "you summed over the last axis instead of taking the mean"),
           (el.mean(), "call() should return one value per sample; Keras reduces over the batch afterwards"),
           (el, "the last axis is not reduced: take the mean over axis=-1"),
           (_wmse_np(y_true, y_pred, hp, strict=False).mean(-1),
            "y_true exactly 0.5 got the high penalty: the weight is high_penalty only where y_true > 0.5 (>, not >=)"),
           (_wmse_np(y_true, y_pred, hp, by="pred").mean(-1),
            "the penalty was chosen from y_pred; it depends on y_true > 0.5"),
           (_wmse_np(y_true, y_pred, hp, where_high="low").mean(-1),
            "the penalty went to y_true <= 0.5; it belongs where y_true > 0.5"),
           (_wmse_np(y_true, y_pred, 1.0).mean(-1), "the high_penalty weight is not applied at all")]
    if hp != 2.0:
        out.insert(0, (_wmse_np(y_true, y_pred, 2.0).mean(-1),
                       "high_penalty is ignored (the default 2.0 was used): store it in __init__ and use "
                       "self.high_penalty in call()"))
    return out


def _targets_01(rng, shape, dtype=np.float32):
    """Targets in [0, 1], at least 0.01 away from 0.5, and predictions near them."""
    y_true = rng.uniform(0, 1, size=shape)
    y_true = np.where(np.abs(y_true - 0.5) < 0.01, y_true + np.where(y_true >= 0.5, 0.02, -0.02), y_true)
    y_pred = y_true + rng.normal(scale=0.4, size=shape)
    return y_true.astype(dtype), y_pred.astype(dtype)


def _wcase(init_kwargs, y_true, y_pred, kind, twin=None) -> Case:
    made = f"WeightedMSE({_kw(init_kwargs)})"
    return Case((y_true, y_pred, twin), dict(init_kwargs), False, kind=kind,
                where=f"{made}.call(y_true, y_pred) on {describe_input(y_pred)}")


def _per_sample(cases, dtype=None):
    """call() against the answer key. A case with a twin (y_true, y_pred) that differs passes only when the
    learner's call() on the twin is a named classic slip (`values` charges it) and its answer here is that
    same slip's value on these inputs."""
    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            y_true, y_pred, twin = case.args
            params = dict(init_kwargs=case.kwargs, y_true=y_true, y_pred=y_pred, reduced=False)
            expected, got = ctx.both("loss_object", **params)
            rtol, atol = tolerances(y_pred.dtype)
            outcome = compare(expected["per_sample"], got["per_sample"], rtol, atol, kind=case.kind,
                              where=case.where, mistakes=_wmse_mistakes(y_true, y_pred, case.kwargs), dtype=dtype)
            if outcome.passed or twin is None or outcome.problem not in (Problem.VALUES, Problem.SHAPE):
                return outcome
            if dtype is not None and np.asarray(got["per_sample"]).dtype != np.dtype(dtype):
                return outcome
            slips, own = _wmse_slips(ctx, case.kwargs, *twin)
            variant = [(mv, why) for mv, why in _wmse_mistakes(y_true, y_pred, case.kwargs) if why in slips]
            if same_slip(slips, got["per_sample"], variant, expected["per_sample"], rtol, atol, own=own):
                return PASSED
            return outcome
        return first_failure(cases, judge)
    return run


def _wmse_slips(ctx, init_kwargs, y_true, y_pred):
    """(the named slips the learner's call() equals on this batch, its answer); (set(), None) when it
    raises, is right, or is wrong in an unidentified way."""
    e, g = _learner_twin(ctx, "loss_object", init_kwargs=init_kwargs, y_true=y_true, y_pred=y_pred, reduced=False)
    if g is None or _close(e["per_sample"], g["per_sample"], *tolerances(np.asarray(y_pred).dtype)):
        return set(), None
    slips = named_slips(g["per_sample"], _wmse_mistakes(y_true, y_pred, init_kwargs), e["per_sample"], RTOL, ATOL)
    return slips, (g["per_sample"] if slips else None)


def _wmse_core(ctx, init_kwargs, y_true, y_pred, kind):
    """None when the learner's call() on this plain batch is right or a named classic slip (which `values`
    charges); else the failed outcome. A key that leans on call() gives no credit to code that is wrong
    in an unidentified way (or raises)."""
    where = f"WeightedMSE({_kw(init_kwargs)}).call(y_true, y_pred) on {describe_input(y_pred)}"
    try:
        e, g = ctx.both("loss_object", init_kwargs=init_kwargs, y_true=y_true, y_pred=y_pred, reduced=False)
    except FatalProbeError:
        raise
    except ProbeError as exc:
        return failed_call(exc, kind=kind, where=where)
    mistakes = _wmse_mistakes(y_true, y_pred, init_kwargs)
    outcome = compare(e["per_sample"], g["per_sample"], RTOL, ATOL, kind=kind, where=where, mistakes=mistakes)
    if outcome.passed or (outcome.problem in (Problem.VALUES, Problem.SHAPE) and
                          named_slips(g["per_sample"], mistakes, e["per_sample"], RTOL, ATOL)):
        return None
    return outcome


def _reduction(cases):
    """Calling the object: Keras' reduction of the learner's own call() values (so a call() flaw costs `values`)."""
    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            y_true, y_pred, weight = case.args
            core = _wmse_core(ctx, case.kwargs, y_true, y_pred, f"{case.kind}: call()'s per-sample values")
            if core is not None:
                return core          # call() is wrong in a way no classic slip explains: nothing to reduce
            got = ctx.learner("loss_object", init_kwargs=case.kwargs, y_true=y_true, y_pred=y_pred,
                              sample_weight=weight)
            args = [got["per_sample"]] + ([] if weight is None else [weight])
            try:
                expected = ctx.key("call", name="reduce_loss", args=args)
            except FatalProbeError:
                raise
            except ProbeError:
                return PASSED        # its call() values (a named slip) cannot be reduced: `values` charges that
            out = _wmse_reduced_mistakes(y_true, y_pred, case.kwargs, weight)
            return compare(expected, got["reduced"], RTOL, ATOL, kind=case.kind, where=case.where, mistakes=out)
        return first_failure(cases, judge)
    return run


def _wmse_reduced_mistakes(y_true, y_pred, init_kwargs, sample_weight):
    per = _wmse_np(y_true, y_pred, float(init_kwargs.get("high_penalty", 2.0))).mean(-1)
    if sample_weight is None:
        return [(per.sum(), "calling the loss returned the sum; the default reduction is the mean over the batch"),
                (per, "calling the loss returned the per-sample values: do not override __call__")]
    w = np.asarray(sample_weight, np.float64).reshape(-1)
    return [(per.mean(), "the sample weights are ignored: do not override __call__, Keras applies them"),
            ((per * w).sum() / w.sum(), "you divided by the sum of the weights; the default reduction divides by "
                                        "the number of samples")]


def _config(init_kwargs, y_true, y_pred):
    """get_config() alone (from_config is the `save-load` key's: loading a model calls it); credited only
    when call() itself is right or a named classic slip."""
    hp = init_kwargs["high_penalty"]

    def run(ctx: Context) -> Outcome:
        config = ctx.learner("config", init_kwargs=init_kwargs)["config"]
        if "high_penalty" not in config:
            return Outcome(False, Problem.OTHER, detail="get_config() has no 'high_penalty' key, so from_config "
                           "rebuilds the loss with the default penalty: return "
                           "{**super().get_config(), 'high_penalty': self.high_penalty}")
        if not isinstance(config["high_penalty"], (int, float)) or isinstance(config["high_penalty"], bool) or \
                not np.isclose(float(config["high_penalty"]), hp):
            return Outcome(False, Problem.OTHER, detail="get_config()['high_penalty'] is not the high_penalty the "
                           "loss was made with")
        missing = [k for k in ("name", "reduction") if k not in config]
        if missing:
            return Outcome(False, Problem.OTHER, detail=f"get_config() lacks the base config's {', '.join(missing)}: "
                           "start from super().get_config() and add 'high_penalty'")
        return _wmse_core(ctx, init_kwargs, y_true, y_pred, "a loss made with a high_penalty: call()") or PASSED
    return run


def _save_load(x, y, core):
    """model.save and load_model (which calls from_config): the loaded model evaluates as before; credited
    only when call() on the plain batch `core` is right or a named classic slip."""
    where = "a model compiled with WeightedMSE(), saved as .keras and loaded back"

    def run(ctx: Context) -> Outcome:
        got = ctx.learner("save_load", init_kwargs={}, x=x, y=y)
        if got["loaded_type"] != "WeightedMSE":
            return Outcome(False, Problem.OTHER, detail=f"{where}: the loaded model's loss is not a WeightedMSE "
                           "(keep get_config's base keys and let __init__ take name and **kwargs)")
        outcome = compare(got["before"], got["after"], RTOL, ATOL, kind="model.evaluate after save and load",
                          where=f"{where}: model.evaluate after loading against before saving")
        return outcome if not outcome.passed else \
            _wmse_core(ctx, {}, *core, "a loss made with the default penalty: call()") or PASSED
    return run


def _fit(rng):
    """model.fit with WeightedMSE() against Keras; a run that differs passes only when call() on the same
    data in eager mode is a named classic slip (which `values` charges) and the training stays finite."""
    x = rng.normal(size=(48, 3)).astype(np.float32)
    y = _targets_01(rng, (48, 2))[0]
    kernel = (0.3 * rng.normal(size=(3, 2))).astype(np.float32)
    bias = np.zeros(2, dtype=np.float32)
    params = dict(x=x, y=y, kernel=kernel, bias=bias, activation="linear", loss_is_class=True, init_kwargs={})
    where = "model.fit with WeightedMSE() (3 epochs, graph mode, linear outputs)"
    kind = "training a model with WeightedMSE() in model.fit"

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("fit", **params)
        outcome = compare(expected["loss"], got["loss"], 1e-3, 1e-5, kind=kind + ": the loss per epoch",
                          where=where + ": the loss per epoch")
        if outcome.passed:
            outcome = compare(expected["kernel"], got["kernel"], 1e-3, 1e-5, kind=kind + ": the trained weights",
                              where=where + ": the trained weights")
        if outcome.passed:
            return outcome
        slips, _ = _wmse_slips(ctx, {}, y, (x @ kernel + bias).astype(np.float32))
        if slips and np.isfinite(got["loss"]).all() and np.isfinite(got["kernel"]).all():
            return PASSED
        return outcome
    return run


def weighted_mse_checks(ex, rng, hidden):
    name = ex.name
    W = WMSE_WEIGHTS
    if hidden:
        cases = []
        for i in range(3):
            shape = (int(rng.integers(2, 13)), int(rng.integers(2, 7)))
            hp = float(np.round(rng.uniform(0.5, 5.0), 2))
            kwargs = {} if i == 0 else {"high_penalty": hp if hp != 2.0 else 2.5}
            cases.append(_wcase(kwargs, *_targets_01(rng, shape), "a hidden batch of targets away from 0.5"
                                + (" with a high_penalty" if kwargs else " with the default penalty")))
        return [Check(name, "values", "call() on hidden batches", W["values"], guarded(_per_sample(cases)),
                      hidden=True)]

    a, b = _targets_01(rng, (8, 3))
    g, h = _targets_01(rng, (5, 3))
    values = [_wcase({}, a, b, "targets away from 0.5, the default penalty"),
              _wcase({"high_penalty": 3.0}, g, h, "targets away from 0.5, high_penalty set"),
              _wcase({"high_penalty": 3.0}, np.full((3, 2), 0.9, np.float32), np.zeros((3, 2), np.float32),
                     "every target above 0.5"),
              _wcase({"high_penalty": 3.0}, np.full((3, 2), 0.1, np.float32), np.ones((3, 2), np.float32),
                     "every target below 0.5")]
    c, d = _targets_01(rng, (6, 3), np.float64)
    float64 = [_wcase({"high_penalty": 3.0}, c, d, "float64 targets and predictions",
                      twin=(c.astype(np.float32), d.astype(np.float32)))]
    e, f = _targets_01(rng, (4, 2, 3))
    rank3 = [_wcase({}, e, f, "inputs of rank 3", twin=(e.reshape(8, 3), f.reshape(8, 3)))]
    t = np.array([[0.5, 0.2, 0.9], [0.5, 0.5, 0.5], [0.0, 1.0, 0.51]], np.float32)
    p = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.5, 0.5, 0.5]], np.float32)
    ties = [_wcase({"high_penalty": 4.0}, t, p, "targets exactly 0.5 (weight 1, not high_penalty)",
                   twin=(np.where(t == 0.5, np.float32(BELOW_HALF), t).astype(np.float32), p))]
    reduced = [Case((a, b, None), {}, kind="calling the loss without sample_weight",
                    where=f"WeightedMSE()(y_true, y_pred) on {describe_input(b)}"),
               Case((a, b, rng.uniform(0.1, 2.0, size=8)), {}, kind="calling the loss with sample_weight",
                    where=f"WeightedMSE()(y_true, y_pred, sample_weight=…) on {describe_input(b)}, weights of "
                          "shape (8,)")]
    ry, rp = _targets_01(rng, (5, 2))
    x = rng.normal(size=(24, 3)).astype(np.float32)
    y = _targets_01(rng, (24, 2))[0]
    return [
        Check(name, "values", "call() returns the per-sample weighted squared error (float32, rank 2)", W["values"],
              guarded(_per_sample(values))),
        Check(name, "float64", "call() on float64 inputs: float64 precision and dtype", W["float64"],
              guarded(_per_sample(float64, dtype=np.float64))),
        Check(name, "rank3", "call() on rank-3 inputs: one value per sample", W["rank3"], guarded(_per_sample(rank3))),
        Check(name, "ties", "targets of exactly 0.5 get weight 1 (strictly above 0.5)", W["ties"],
              guarded(_per_sample(ties))),
        Check(name, "reduction", "calling the loss reduces like every Keras loss, with and without sample_weight",
              W["reduction"], guarded(_reduction(reduced))),
        Check(name, "config", "get_config() has the base config and high_penalty",
              W["config"], guarded(_config({"high_penalty": 3.5}, ry, rp))),
        Check(name, "save-load", "a compiled model survives model.save and keras.models.load_model", W["save-load"],
              guarded(_save_load(x, y, (a, b)))),
        Check(name, "fit", "trains a model with model.compile(loss=WeightedMSE()) and fit", W["fit"],
              guarded(_fit(rng))),
    ]


# =========================================================================== F1Score

F1_WEIGHTS = {"values": 4, "stream": 2, "in-model": 2, "reset": 1, "zero-division": 1, "ties": 1, "flat": 1,
              "option:threshold": 1}
THRESHOLDS = (0.25, 0.375, 0.5, 0.625, 0.75)


def _f1(tp, fp, fn, strict_zero=True):
    with np.errstate(all="ignore"):
        d = 2 * tp + fp + fn
        return 0.0 if d == 0 and strict_zero else 2 * tp / d


def _ratio(a, b):
    return 0.0 if b == 0 else a / b


def _counts(y_true, y_pred, threshold, strict=True):
    yt = np.asarray(y_true, np.float64).reshape(-1)
    yp = np.asarray(y_pred, np.float32).reshape(-1)      # Keras compares in float32
    pos = yp > np.float32(threshold) if strict else yp >= np.float32(threshold)
    return np.array([(pos * yt).sum(), (pos * (1 - yt)).sum(), ((1 - pos) * yt).sum()])


def _stream_mistakes(batches, threshold):
    per_batch = [_counts(t, p, threshold) for t, p in batches]
    pooled = np.cumsum(per_batch, axis=0)
    batch_f1 = np.array([_f1(*c) for c in per_batch])
    out = [(np.cumsum(batch_f1) / np.arange(1, len(batches) + 1),
            "you averaged the per-batch F1 scores; F1Score pools tp, fp and fn over every batch and computes "
            "F1 once from the totals"),
           (batch_f1, "update_state replaced the counts instead of adding to them: only the last batch counts"),
           (np.array([_f1(*c) for c in np.cumsum([_counts(t, p, threshold, strict=False) for t, p in batches],
                                                 axis=0)]),
            "a score equal to the threshold counted as positive: use > (strictly above), not >="),
           (np.array([_f1(*c, strict_zero=False) for c in pooled]),
            "0/0 gave NaN: with no positives at all, F1 is 0.0 (keras.ops.divide_no_nan)"),
           (np.array([_ratio(tp, tp + fp) for tp, fp, _ in pooled]),
            "result() returned the precision, TP / (TP + FP); F1 is 2·TP / (2·TP + FP + FN)"),
           (np.array([_ratio(tp, tp + fn) for tp, _, fn in pooled]),
            "result() returned the recall, TP / (TP + FN); F1 is 2·TP / (2·TP + FP + FN)"),
           (np.array([_ratio(tp, tp + fp + fn) for tp, fp, fn in pooled]),
            "result() returned TP / (TP + FP + FN) (the Jaccard index); F1 is 2·TP / (2·TP + FP + FN)")]
    if threshold != 0.5:
        out.append((np.array([_f1(*c) for c in np.cumsum([_counts(t, p, 0.5) for t, p in batches], axis=0)]),
                    "the threshold argument is ignored (0.5 was used)"))
    return out


def _binary_batch(rng, n, shape1=True):
    """0/1 labels (at least one 1) and scores at least 0.01 away from every threshold the checks use."""
    y_true = rng.integers(0, 2, size=n).astype(np.float32)
    y_true[int(rng.integers(0, n))] = 1.0
    y_pred = rng.uniform(0, 1, size=n)
    for t in THRESHOLDS:
        near = np.abs(y_pred - t) < 0.01
        y_pred = np.where(near, t + np.where(y_pred >= t, 0.02, -0.02), y_pred)
    y_pred = y_pred.astype(np.float32)
    return (y_true[:, None], y_pred[:, None]) if shape1 else (y_true, y_pred)


def _telling_batch(rng, n):
    """A batch away from the thresholds where F1 differs from precision, recall and TP / (TP + FP + FN)
    (TP >= 1 and FP != FN), so those slips fail `values` under every seed."""
    while True:
        batch = _binary_batch(rng, n)
        tp, fp, fn = _counts(*batch, 0.5)
        if tp >= 1 and fp != fn:
            return batch


def _results(answer):
    return np.asarray([np.asarray(r, np.float64).reshape(-1)[0] if np.size(r) == 1 else np.nan
                       for r in answer["results"]])


def _one(ctx, init, batch):
    """(expected, got) result() after one update_state on a fresh metric; the learner's is None if it raises."""
    e, g = _learner_twin(ctx, "metric_stream", init_kwargs=init, batches=[batch])
    return (None, None) if g is None else (e["results"][0], g["results"][0])


def _f1_mistakes(batches, threshold, last=False):
    """The classic slips' values of result() after these batches (the last one only with `last`)."""
    return [(m[-1] if last else m[0], why) for m, why in _stream_mistakes(batches, threshold)]


def _f1_slips(ctx, init, batch):
    """(the named slips the learner's one-batch result() equals, that result); (set(), None) when it raises,
    is right, or is wrong in an unidentified way."""
    e, g = _one(ctx, init, batch)
    if g is None or _close(np.reshape(e, -1), np.reshape(g, -1)):
        return set(), None
    slips = named_slips(g, _f1_mistakes([batch], init.get("threshold", 0.5)), e, RTOL, ATOL)
    return slips, (g if slips else None)


def _single(cases):
    """Each case: one batch on a fresh metric, result() against the answer key. Case.args = (batch, twin):
    with a twin (init, batch), a failing case passes only when the learner's result on the twin is a named
    classic slip (`values` charges it) and its result here is that same slip's value on this batch."""
    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            batch, twin = case.args
            threshold = case.kwargs.get("threshold", 0.5)
            expected, got = ctx.both("metric_stream", init_kwargs=case.kwargs, batches=[batch])
            outcome = compare(expected["results"][0], got["results"][0], RTOL, ATOL, kind=case.kind,
                              where=case.where, mistakes=_f1_mistakes([batch], threshold))
            if outcome.passed or twin is None or outcome.problem not in (Problem.VALUES, Problem.SHAPE):
                return outcome
            slips, own = _f1_slips(ctx, *twin)
            variant = [(mv, why) for mv, why in _f1_mistakes([batch], threshold) if why in slips]
            if same_slip(slips, got["results"][0], variant, expected["results"][0], RTOL, ATOL, own=own):
                return PASSED
            return outcome
        return first_failure(cases, judge)
    return run


def _f1_case(init, batch, kind, twin=None) -> Case:
    shapes = f"labels and scores of shape {np.shape(batch[1])}"
    return Case((batch, twin), dict(init), False, kind=kind,
                where=f"F1Score({_kw(init)}): result() after one update_state with {shapes}")


def _stream(batches, kind):
    """result() after each update_state, against the answer key; when it differs, passes if the learner's
    one-batch F1 is wrong too (`values` charges it) and its stream equals its own F1 of the batches joined."""
    shapes = ", ".join(str(tuple(np.shape(p))) for _, p in batches)
    where = f"F1Score(): result() after each of {len(batches)} update_state calls (score shapes {shapes})"
    joined = [tuple(np.concatenate([b[i] for b in batches[:k]]) for i in (0, 1)) for k in range(1, len(batches) + 1)]

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("metric_stream", init_kwargs={}, batches=batches)
        outcome = compare(_results(expected), _results(got), RTOL, ATOL, kind=kind, where=where,
                          mistakes=_stream_mistakes(batches, 0.5))
        if outcome.passed:
            return outcome
        if outcome.problem not in (Problem.VALUES, Problem.SHAPE):
            return outcome
        own = [_one(ctx, {}, b) for b in joined]        # the batches so far, joined into one
        if any(g is None for _, g in own):
            return outcome
        exp_own = np.array([float(np.reshape(e, -1)[0]) for e, _ in own])
        got_own = np.array([float(np.reshape(g, -1)[0]) if np.size(g) == 1 else np.nan for _, g in own])
        if _close(exp_own, got_own):
            return outcome
        per_join = [_f1_mistakes([b], 0.5) for b in joined]
        twin_mistakes = [(np.array([m[i][0] for m in per_join]), per_join[0][i][1]) for i in range(len(per_join[0]))]
        slips = named_slips(got_own, twin_mistakes, exp_own, RTOL, ATOL)
        variant = [(mv, why) for mv, why in _stream_mistakes(batches, 0.5) if why in slips]
        if same_slip(slips, _results(got), variant, _results(expected), RTOL, ATOL, own=got_own):
            return PASSED
        return outcome
    return run


def _reset(batches):
    where = "F1Score(): update_state with several batches, reset_state(), then update_state with the first again"

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("metric_stream", init_kwargs={}, batches=batches)
        first_kind = "a fresh metric after one batch (before the reset)"
        core = compare(expected["results"][0], got["results"][0], RTOL, ATOL, kind=first_kind,
                       where="F1Score(): result() after the first update_state", mistakes=_f1_mistakes(batches[:1], 0.5))
        if not core.passed and not (core.problem in (Problem.VALUES, Problem.SHAPE) and named_slips(
                got["results"][0], _f1_mistakes(batches[:1], 0.5), expected["results"][0], RTOL, ATOL)):
            return core              # no credit for resetting a result that is wrong in an unidentified way
        kept = np.sum([_counts(t, p, 0.5) for t, p in batches], axis=0) + _counts(*batches[0], 0.5)
        first = np.asarray(got["results"][0])
        return compare(first, got["again"], RTOL, ATOL, kind="a stream of batches, reset, then the first batch again",
                       where=where + " (against your own result() on that first batch alone)",
                       mistakes=[(_f1(*kept), "reset_state() did not reset the counts: they kept the batches "
                                              "from before")])
    return run


def _in_model(rng, n=16):
    """model.evaluate with metrics=[F1Score()] on one batch of n <= 16 samples (so pooling cannot arise)."""
    x = rng.normal(size=(n, 3)).astype(np.float32)
    kernel = rng.normal(size=(3, 1)).astype(np.float32)
    z = x @ kernel
    small = np.abs(z[:, 0]) < 0.1                    # scores at least ~0.025 away from 0.5
    x[small] *= (0.2 / np.maximum(np.abs(z[small]), 1e-3))
    y = rng.integers(0, 2, size=(n, 1)).astype(np.float32)
    y[0] = 1.0
    bias = np.zeros(1, dtype=np.float32)
    probs = (1 / (1 + np.exp(-(x.astype(np.float64) @ kernel)))).astype(np.float32)
    where = f"model.evaluate (graph mode, one batch of {n}) with metrics=[F1Score()]"
    kind = "model.evaluate with the metric"

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("metric_in_model", init_kwargs={}, x=x, y=y, kernel=kernel, bias=bias)
        outcome = compare(expected, got, RTOL, ATOL, kind=kind, where=where,
                          mistakes=_f1_mistakes([(y, probs)], 0.5, last=True))
        if outcome.passed:
            return outcome
        if outcome.problem not in (Problem.VALUES, Problem.SHAPE):
            return outcome
        slips, own = _f1_slips(ctx, {}, (y, probs))
        variant = [(mv, why) for mv, why in _f1_mistakes([(y, probs)], 0.5, last=True) if why in slips]
        if same_slip(slips, got, variant, expected, RTOL, ATOL,
                     own=np.reshape(own, -1)[:1] if own is not None and np.size(own) == 1 else None):
            return PASSED
        return outcome
    return run


def f1_score_checks(ex, rng, hidden):
    name = ex.name
    W = F1_WEIGHTS
    if hidden:
        values = [_f1_case({}, _telling_batch(rng, int(rng.integers(2, 13))), "a hidden batch away from the threshold")
                  for _ in range(3)]
        stream = [_binary_batch(rng, int(rng.integers(2, 10))) for _ in range(int(rng.integers(3, 6)))]
        return [Check(name, "values", "F1 of hidden batches", W["values"], guarded(_single(values)), hidden=True),
                Check(name, "stream", "pooled F1 over a hidden stream of batches", W["stream"],
                      guarded(_stream(stream, "a hidden stream of batches")), hidden=True)]

    values = [_f1_case({}, _binary_batch(rng, n), "a batch with scores away from the threshold") for n in (6, 9, 12)]
    stream = [_binary_batch(rng, n) for n in (6, 9, 5, 7)]
    control = ({}, (np.array([[1], [0], [1], [1]], np.float32), np.array([[0.1], [0.2], [0.7], [0.8]], np.float32)))
    zero = [_f1_case(*control, "a batch with positives (beside the 0/0 cases)", twin=control),
            _f1_case({}, (np.zeros((3, 1), np.float32), np.array([[0.1], [0.2], [0.3]], np.float32)),
                     "no positives at all (0/0)", twin=control),
            _f1_case({}, (np.zeros((2, 1), np.float32), np.array([[0.4], [0.0]], np.float32)),
                     "no positives at all (0/0)", twin=control)]
    tied_t = np.array([[1], [0], [1], [0], [1]], np.float32)
    tied_p = np.array([[0.5], [0.5], [0.625], [0.25], [0.75]], np.float32)
    below = np.where(tied_p == 0.5, np.float32(BELOW_HALF), tied_p).astype(np.float32)
    ties = [_f1_case({}, (tied_t, tied_p), "scores exactly at the threshold", twin=({}, (tied_t, below)))]
    flat = []
    for n in (5, 8):
        yt, yp = _binary_batch(rng, n, shape1=False)
        flat.append(_f1_case({}, (yt, yp), "labels and scores of shape (n,)", twin=({}, (yt[:, None], yp[:, None]))))
    options = []
    for t in (0.25, 0.75):
        yt, yp = _binary_batch(rng, 10)
        yp[0, 0], yt[0, 0] = np.float32(0.5 + (0.1 if t > 0.5 else -0.1)), 1.0   # between t and 0.5: t matters
        shifted = (yp - np.float32(t - 0.5)).astype(np.float32)
        options.append(_f1_case({"threshold": t}, (yt, yp), "a non-default threshold",
                                twin=({}, (yt, shifted))))
    return [
        Check(name, "values", "result() on one batch: 2·TP / (2·TP + FP + FN), one number", W["values"],
              guarded(_single(values))),
        Check(name, "stream", "result() pools tp, fp and fn over every update_state call", W["stream"],
              guarded(_stream(stream, "a stream of batches"))),
        Check(name, "reset", "reset_state() sets the counts back to 0", W["reset"], guarded(_reset(stream))),
        Check(name, "zero-division", "no positives at all: 0.0, not NaN", W["zero-division"], guarded(_single(zero))),
        Check(name, "ties", "a score exactly at the threshold is negative (strictly above)", W["ties"],
              guarded(_single(ties))),
        Check(name, "flat", "labels and scores of shape (n,)", W["flat"], guarded(_single(flat))),
        Check(name, "option:threshold", "the threshold argument", W["option:threshold"], guarded(_single(options))),
        Check(name, "in-model", "works as a metric in model.evaluate (graph mode)", W["in-model"],
              guarded(_in_model(rng))),
    ]
