"""Checks for chapter 08: a custom loss function, a Loss subclass and a Metric subclass.

mse_l1 is a per-sample loss and gets `losses.loss_checks`. WeightedMSE is
checked through its call() and __call__ (loss_object), a get_config/from_config
round trip, a .keras save and load, and training. F1Score is checked as a
stream of update_state calls (pooled counts, reset_state) and inside
model.evaluate.
"""
from __future__ import annotations

import numpy as np

import keras
from keras import ops

from . import Check, Context, Outcome, compare, describe_input, guarded, tolerances
from .losses import LossSpec, _big_errors, _e, _kw_text as _kw, fit_check, reduction_mistakes, regression


# =========================================================================== the references

def mse_l1(y_true, y_pred):
    return keras.losses.mean_squared_error(y_true, y_pred) + 0.5 * keras.losses.mean_absolute_error(y_true, y_pred)


class WeightedMSE(keras.losses.Loss):
    def __init__(self, high_penalty=2.0, name="weighted_mse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.high_penalty = high_penalty

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        weight = ops.where(y_true > 0.5, ops.cast(self.high_penalty, y_pred.dtype), ops.cast(1.0, y_pred.dtype))
        return ops.mean(ops.square(y_true - y_pred) * weight, axis=-1)

    def get_config(self):
        return {**super().get_config(), "high_penalty": self.high_penalty}


class F1Score(keras.metrics.F1Score):
    """keras.metrics.F1Score(threshold=0.5) on inputs of any shape, pooled over every batch, as a scalar."""

    def __init__(self, threshold=0.5, name="f1", **kwargs):
        super().__init__(threshold=threshold, name=name, **kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.reshape(ops.convert_to_tensor(y_true, "float32"), (-1, 1))
        y_pred = ops.reshape(ops.convert_to_tensor(y_pred, "float32"), (-1, 1))
        super().update_state(y_true, y_pred, sample_weight)

    def result(self):
        return ops.reshape(super().result(), ())


# =========================================================================== mse_l1

def _mse_l1_np(e, mse_w=1.0, mae_w=0.5):
    return mse_w * e ** 2 + mae_w * np.abs(e)


def _mse_l1_mistakes(y_true, y_pred, kwargs):
    e = _e(y_true, y_pred)
    return reduction_mistakes(_mse_l1_np(e)) + [
        (_mse_l1_np(e, 1.0, 1.0).mean(-1), "the 0.5 factor on the MAE term is missing"),
        (_mse_l1_np(e, 0.5, 1.0).mean(-1), "the 0.5 belongs on the MAE term, not on the MSE term"),
        (_mse_l1_np(e, 1.0, 0.0).mean(-1), "the MAE term is missing (that is plain MSE)"),
        (_mse_l1_np(e, 0.0, 0.5).mean(-1), "the MSE term is missing"),
        (_mse_l1_np(e, 1.0, 0.0).mean(-1) + 0.5 * np.abs(e.mean(-1)),
         "the MAE term takes the absolute value of each error before the mean, not of the mean error"),
        (np.sqrt((e ** 2).mean(-1)) + 0.5 * np.abs(e).mean(-1), "you took the square root of the MSE term (RMSE)"),
    ]


# =========================================================================== WeightedMSE

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
            "y_true exactly 0.5 got the high penalty: the weight is high_penalty only where y_true > 0.5"),
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


def _wmse_reduced_mistakes(y_true, y_pred, init_kwargs, sample_weight):
    per = _wmse_np(y_true, y_pred, float(init_kwargs.get("high_penalty", 2.0))).mean(-1)
    out = [(per.mean(), "the sample weights are ignored")] if sample_weight is not None else []
    if sample_weight is not None:
        w = np.asarray(sample_weight, np.float64)
        out.append(((per * w).sum() / w.sum(), "you divided by the sum of the weights; the default "
                                                "reduction divides by the number of samples"))
    return out


def _regression_01(rng, shape, dtype):
    """Targets in [0, 1] (some above 0.5, some below) and predictions near them."""
    y_true = rng.uniform(0, 1, size=shape)
    y_pred = y_true + rng.normal(scale=0.4, size=shape)
    return y_true.astype(dtype), y_pred.astype(dtype)


def _loss_object_cases(cases, part):
    """cases: [(title, init_kwargs, y_true, y_pred, sample_weight)]; part: "per_sample" or "reduced"."""
    def run(ctx: Context) -> Outcome:
        for i, (title, init_kwargs, y_true, y_pred, weight) in enumerate(cases, 1):
            params = dict(init_kwargs=init_kwargs, y_true=y_true, y_pred=y_pred, sample_weight=weight)
            expected, got = ctx.both("loss_object", **params)
            made = "WeightedMSE(" + ("" if ctx.hidden else _kw(init_kwargs)) + ")"
            if part == "per_sample":
                where = f"{made}.call(y_true, y_pred) on {describe_input(y_pred)}"
                mistakes = _wmse_mistakes(y_true, y_pred, init_kwargs)
            else:
                where = (f"{made}(y_true, y_pred{', sample_weight=…' if weight is not None else ''}) "
                         f"on {describe_input(y_pred)}")
                mistakes = _wmse_reduced_mistakes(y_true, y_pred, init_kwargs, weight)
            where = f"{title}: {where}" if title else f"case {i} of {len(cases)}: {where}"
            outcome = compare(expected[part], got[part], *tolerances(np.float32), ctx.hidden, where, mistakes)
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


def _config_roundtrip(init_kwargs, y_true, y_pred):
    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("config_roundtrip", init_kwargs=init_kwargs, y_true=y_true, y_pred=y_pred)
        hp = init_kwargs["high_penalty"]
        missing = "high_penalty" not in got["config"]
        outcome = compare(expected["after"], got["after"], *tolerances(np.float32), False,
                          f"WeightedMSE(high_penalty={hp}) rebuilt with from_config(get_config())")
        if missing:
            return Outcome(False, f"get_config() has no 'high_penalty' key (it has {sorted(got['config'])}), so "
                                  "from_config rebuilds the loss with the default penalty: return "
                                  "{**super().get_config(), 'high_penalty': self.high_penalty}")
        if not np.isclose(float(got["config"]["high_penalty"]), hp):
            return Outcome(False, f"get_config()['high_penalty'] is {got['config']['high_penalty']!r}, "
                                  f"expected {hp!r}")
        if not outcome.passed:
            return outcome
        return compare(got["before"], got["after"], *tolerances(np.float32), False,
                       "the rebuilt loss's values against the original's")
    return run


def _save_load(init_kwargs, x, y):
    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("save_load", init_kwargs=init_kwargs, x=x, y=y)
        hp = init_kwargs["high_penalty"]
        where = f"a model compiled with WeightedMSE(high_penalty={hp}), saved as .keras and loaded back"
        outcome = compare(expected["before"], got["before"], 1e-4, 1e-6, False,
                          "model.evaluate with WeightedMSE(high_penalty=%s) before saving" % hp)
        if not outcome.passed:
            return outcome
        if got["loaded_type"] != "WeightedMSE":
            return Outcome(False, f"{where}: the loaded model's loss is a {got['loaded_type']}, not a WeightedMSE")
        if "high_penalty" not in got["config"]:
            return Outcome(False, f"{where}: the loaded loss's get_config() has no 'high_penalty', so it "
                                  "comes back with the default penalty; add it to get_config()")
        return compare(expected["after"], got["after"], 1e-4, 1e-6, False, f"{where}: model.evaluate after loading")
    return run


def _unit_targets(rng, n):
    """Targets in [0, 1] for two outputs, so that about half are above WeightedMSE's 0.5."""
    return rng.uniform(0, 1, size=(n, 2)).astype(np.float32)


def _weighted_mse_checks(name, rng, hidden):
    if hidden:
        cases = []
        for _ in range(3):
            shape = tuple(int(n) for n in rng.integers(1, 8, size=2))
            hp = float(np.round(rng.uniform(0.5, 5.0), 2))
            y_true, y_pred = _regression_01(rng, shape, np.float32)
            weight = _positive(rng, shape[:-1]) if rng.uniform() < 0.5 else None   # one per per-sample value
            cases.append(("", {"high_penalty": hp}, y_true, y_pred, weight))
        return [Check(name, "call() matches on hidden batches", 2,
                      guarded(_loss_object_cases(cases, "per_sample")), hidden=True),
                Check(name, "the reduced loss matches on hidden batches", 1,
                      guarded(_loss_object_cases(cases, "reduced")), hidden=True)]
    a, b = _regression_01(rng, (8, 3), np.float32)
    c, d = _regression_01(rng, (6, 1), np.float64)
    e, f = _regression_01(rng, (4, 2, 3), np.float32)
    g, h = _regression_01(rng, (5, 3), np.float32)
    values = [("", {}, a, b, None), ("", {"high_penalty": 3.0}, g, h, None)]
    float64 = [("", {"high_penalty": 3.0}, c, d, None)]
    rank3 = [("", {"high_penalty": 0.5}, e, f, None)]
    t = np.array([[0.5, 0.2, 0.9], [0.5, 0.5, 0.5], [0.0, 1.0, 0.51]], np.float32)
    p = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.5, 0.5, 0.5]], np.float32)
    edges = [("y_true exactly 0.5 is not above 0.5", {"high_penalty": 4.0}, t, p, None),
             ("every y_true above 0.5", {"high_penalty": 3.0}, np.full((3, 2), 0.9, np.float32),
              np.zeros((3, 2), np.float32), None),
             ("every y_true at or below 0.5", {"high_penalty": 3.0}, np.full((3, 2), 0.1, np.float32),
              np.ones((3, 2), np.float32), None)]
    reduced = [("without sample_weight", {"high_penalty": 3.0}, a, b, None),
               ("with sample_weight", {"high_penalty": 3.0}, a, b, _positive(rng, 8)),
               ("with sample_weight and the default penalty", {}, g, h, _positive(rng, 5))]
    ry, rp = _regression_01(rng, (5, 2), np.float32)
    x = rng.normal(size=(24, 3)).astype(np.float32)
    y = rng.uniform(0, 1, size=(24, 2)).astype(np.float32)
    return [
        Check(name, "call() returns the per-sample weighted squared error (float32, rank 2)", 2,
              guarded(_loss_object_cases(values, "per_sample"))),
        Check(name, "call() on float64 inputs", 1, guarded(_loss_object_cases(float64, "per_sample"))),
        Check(name, "call() on rank-3 inputs: one value per sample", 1,
              guarded(_loss_object_cases(rank3, "per_sample"))),
        Check(name, "edge cases: the penalty applies only where y_true > 0.5", 1,
              guarded(_loss_object_cases(edges, "per_sample"))),
        Check(name, "calling the loss reduces to one number, with and without sample_weight", 1,
              guarded(_loss_object_cases(reduced, "reduced"))),
        Check(name, "get_config/from_config round trip keeps high_penalty", 2,
              guarded(_config_roundtrip({"high_penalty": 3.5}, ry, rp))),
        Check(name, "survives model.save and keras.models.load_model", 2,
              guarded(_save_load({"high_penalty": 3.0}, x, y))),
        Check(name, "trains a model with model.compile(loss=WeightedMSE(...)) and fit", 2,
              guarded(fit_check(name, rng, "linear", _unit_targets, units=2, init_kwargs={"high_penalty": 2.5}))),
    ]


def _positive(rng, shape):
    return rng.uniform(0.1, 2.0, size=shape)


# =========================================================================== F1Score (metric class)

def _f1(tp, fp, fn, strict_zero=True):
    with np.errstate(all="ignore"):
        d = 2 * tp + fp + fn
        return 0.0 if d == 0 and strict_zero else 2 * tp / d


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
            "0/0 gave NaN: with no positives at all, F1 is 0.0")]
    if threshold != 0.5:
        out.append((np.array([_f1(*c) for c in np.cumsum([_counts(t, p, 0.5) for t, p in batches], axis=0)]),
                    "the threshold argument is ignored (0.5 was used)"))
    return out


def _stream(title, init_kwargs, batches, weight_reset, whole=False):
    threshold = init_kwargs.get("threshold", 0.5)

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("metric_stream", init_kwargs=init_kwargs, batches=batches)
        shapes = ", ".join(str(tuple(np.shape(p))) for _, p in batches)
        made = "F1Score(" + ("" if ctx.hidden else _kw(init_kwargs)) + ")"
        where = f"{title}{': ' if title else ''}{made}, result() after each of {len(batches)} update_state calls " \
                f"(y_pred shapes {shapes})"
        if not weight_reset:
            outcome = compare(expected["results"], got["results"], 1e-4, 1e-5, ctx.hidden, where,
                              _stream_mistakes(batches, threshold))
            if not outcome.passed or not whole:
                return outcome
            # the stream must equal one update_state with every batch at once
            one = [tuple(np.concatenate([b[i].reshape(-1, 1) for b in batches]) for i in (0, 1))]
            single = ctx.reference.probe("metric_stream", "F1Score", init_kwargs=init_kwargs, batches=one)
            return compare(single["results"][0], got["results"][-1], 1e-4, 1e-5, ctx.hidden,
                           f"{made} after {len(batches)} batches against Keras' F1Score on all of them at once",
                           [(m[-1], why) for m, why in _stream_mistakes(batches, threshold)])
        after = np.asarray(got["after_reset"], np.float64)
        if after.shape != () and after.size != 1:
            return Outcome(False, f"result() after reset_state() has shape {after.shape}; return one number")
        if np.isnan(after).any():
            return Outcome(False, "after reset_state(), result() is NaN: with tp = fp = fn = 0, F1 is 0/0, "
                                  "which must give 0.0 (keras.ops.divide_no_nan)")
        if not np.isclose(float(after.reshape(())), float(np.asarray(expected["after_reset"]).reshape(())),
                          atol=1e-6):
            return Outcome(False, f"after reset_state(), result() is {float(after.reshape(())):.4g}; Keras gives "
                                  "0.0: reset_state must set tp, fp and fn back to 0")
        kept = np.sum([_counts(t, p, threshold) for t, p in batches], axis=0) + _counts(*batches[0], threshold)
        return compare(expected["again"], got["again"], 1e-4, 1e-5, ctx.hidden,
                       f"{made}: reset_state(), then update_state with the first batch again",
                       [(_f1(*kept), "reset_state() did not reset the counts: they kept the batches from before")])
    return run


def _in_model(init_kwargs, rng, n=40, hidden=False):
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = rng.integers(0, 2, size=(n, 1)).astype(np.float32)
    kernel = rng.normal(size=(3, 1)).astype(np.float32)
    bias = np.zeros(1, dtype=np.float32)
    threshold = init_kwargs.get("threshold", 0.5)
    probs = 1 / (1 + np.exp(-(x @ kernel + bias)))
    batches = [(y[i:i + 16], probs[i:i + 16]) for i in range(0, n, 16)]

    def run(ctx: Context) -> Outcome:
        params = dict(init_kwargs=init_kwargs, x=x, y=y, kernel=kernel, bias=bias)
        expected, got = ctx.both("metric_in_model", **params)
        mistakes = [(m[-1], why) for m, why in _stream_mistakes(batches, threshold)]
        return compare(expected, got, 1e-4, 1e-5, hidden,
                       f"model.evaluate (graph mode, batches of 16) with metrics=[F1Score(...)] on {n} samples",
                       mistakes)
    return run


def _binary_batch(rng, n, ties=False, shape1=True):
    y_true = rng.integers(0, 2, size=n).astype(np.float32)
    y_pred = (rng.integers(0, 9, size=n) / 8 if ties else rng.uniform(0, 1, size=n)).astype(np.float32)
    return (y_true[:, None], y_pred[:, None]) if shape1 else (y_true, y_pred)


def _f1_checks(name, rng, hidden):
    if hidden:
        batches = [_binary_batch(rng, int(rng.integers(1, 12)), ties=bool(rng.integers(0, 2)),
                                 shape1=bool(rng.integers(0, 2))) for _ in range(int(rng.integers(2, 6)))]
        shape1 = batches[0][0].ndim == 2
        batches = [(t.reshape((-1, 1) if shape1 else (-1,)), p.reshape((-1, 1) if shape1 else (-1,)))
                   for t, p in batches]
        init = {} if rng.uniform() < 0.5 else {"threshold": float([0.25, 0.375, 0.625, 0.75][int(rng.integers(0, 4))])}
        return [Check(name, "pooled F1 over a hidden stream of batches", 2,
                      guarded(_stream("", init, batches, False, whole=True)), hidden=True),
                Check(name, "model.evaluate on hidden data", 1,
                      guarded(_in_model(init, rng, n=int(rng.integers(20, 60)), hidden=True)), hidden=True)]
    stream = [_binary_batch(rng, n) for n in (6, 9, 5, 7)]
    ties = [(np.array([[1], [0], [1], [0]], np.float32), np.array([[0.5], [0.5], [0.625], [0.25]], np.float32)),
            (np.array([[0], [0]], np.float32), np.array([[0.75], [0.5]], np.float32))]
    empty = [(np.zeros((3, 1), np.float32), np.array([[0.1], [0.2], [0.3]], np.float32)),
             (np.zeros((2, 1), np.float32), np.array([[0.4], [0.0]], np.float32))]
    flat = [_binary_batch(rng, n, shape1=False) for n in (5, 8)]
    low = [_binary_batch(rng, n, ties=True) for n in (6, 6, 6)]

    def edges(ctx):
        for title, init, batches in [("scores exactly 0.5", {}, ties), ("no positives at all (0/0)", {}, empty),
                                     ("labels and scores of shape (n,)", {}, flat),
                                     ("threshold=0.375", {"threshold": 0.375}, low)]:
            outcome = _stream(title, init, batches, False)(ctx)
            if not outcome.passed:
                return outcome
        return Outcome(True)

    return [
        Check(name, "result() pools tp, fp and fn over every update_state call (a stream equals one big batch)", 3,
              guarded(_stream("", {}, stream, False, whole=True))),
        Check(name, "reset_state() really resets", 1, guarded(_stream("", {}, stream, True))),
        Check(name, "edge cases: scores at the threshold, no positives, labels of shape (n,), the threshold "
                    "argument", 2, guarded(edges)),
        Check(name, "works as a metric in model.evaluate (graph mode)", 2, guarded(_in_model({}, rng))),
    ]


# =========================================================================== the builders

MSE_L1 = LossSpec(make=regression, edges=_big_errors, mistakes=_mse_l1_mistakes)


def weighted_mse_checks(ex, rng, hidden):
    return _weighted_mse_checks(ex.name, rng, hidden)


def f1_score_checks(ex, rng, hidden):
    return _f1_checks(ex.name, rng, hidden)
