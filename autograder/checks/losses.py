"""Checks shared by every per-sample loss (and the chapter 01 metric function).

A `LossSpec` says how to make inputs for an exercise, which keyword variants
to try, its edge cases and its classic mistakes; `loss_checks` turns a spec
into the checks: values, edge cases, per-sample shape, graph mode with the
gradient, and training inside model.fit. Chapter 01 and 02 specs live here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import Check, Context, Outcome, builder, compare, describe_input, guarded, tolerances

SHAPES = [(8, 3), (4, 2, 5), (16, 1)]
DTYPES = [np.float32, np.float64, np.float32]


@dataclass
class LossSpec:
    make: Callable                      # (rng, shape, dtype, kwargs) -> (y_true, y_pred)
    variants: list = field(default_factory=lambda: [{}])
    edges: Callable = lambda dtype: []  # dtype -> [(title, y_true, y_pred, kwargs)]
    mistakes: Callable = lambda yt, yp, kw: []   # -> [(value, explanation)]
    gradient: bool = True               # is it differentiable (a loss) or not (a metric)
    fit: bool = True
    fit_activation: str = "linear"
    fit_targets: Callable = None        # (rng, n) -> y for model.fit
    per_element: bool = False           # returns one value per element, not per sample


def loss_checks(spec: LossSpec, name: str, rng, hidden: bool) -> list[Check]:
    checks: list[Check] = []
    if not hidden:
        cases = []
        for i, (shape, dtype) in enumerate(zip(SHAPES, DTYPES)):
            kwargs = spec.variants[i % len(spec.variants)]
            cases.append((shape, dtype, kwargs, i == 2))
        for kwargs in spec.variants[len(SHAPES):]:
            cases.append(((6, 4), np.float64, kwargs, False))
        checks.append(Check(name, "values match Keras on random batches", 3,
                            guarded(_values(spec, name, rng, cases))))
        checks.append(Check(name, "edge cases", 2, guarded(_edges(spec, name))))
        checks.append(Check(name, "one value per sample" if not spec.per_element else "one value per element",
                            1, guarded(_shape(spec, name, rng))))
        title = "works inside tf.function with the same gradient as Keras" if spec.gradient \
            else "works inside tf.function (graph mode)"
        case = (spec.make(rng, (5, 3), np.float32, spec.variants[-1]), spec.variants[-1])
        checks.append(Check(name, title, 2, guarded(graph_cases(name, [case], np.float32, spec.gradient))))
        if spec.fit:
            checks.append(Check(name, "trains a model with model.compile(loss=...) and fit", 2,
                                guarded(fit_check(name, rng, spec.fit_activation,
                                                  spec.fit_targets or regression_targets))))
    else:
        cases = []
        for _ in range(3):
            rank = int(rng.integers(2, 4))
            shape = tuple(int(n) for n in rng.integers(1, 9, size=rank))
            dtype = [np.float32, np.float64][int(rng.integers(0, 2))]
            kwargs = spec.variants[int(rng.integers(0, len(spec.variants)))]
            cases.append((shape, dtype, kwargs, bool(rng.integers(0, 2))))
        checks.append(Check(name, "values match Keras on hidden batches", 3,
                            guarded(_values(spec, name, rng, cases)), hidden=True))
        shape = (int(rng.integers(2, 9)), int(rng.integers(1, 6)))
        kwargs = spec.variants[int(rng.integers(0, len(spec.variants)))]
        case = (spec.make(rng, shape, np.float64, kwargs), kwargs)
        checks.append(Check(name, "graph mode on a hidden batch", 1,
                            guarded(graph_cases(name, [case], np.float64, spec.gradient)), hidden=True))
    return checks


def _kw_text(kwargs) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _values(spec, name, rng, cases):
    data = []
    for shape, dtype, kwargs, tensors in cases:
        y_true, y_pred = spec.make(rng, shape, dtype, kwargs)
        data.append((y_true, y_pred, kwargs, tensors))

    def run(ctx: Context) -> Outcome:
        for i, (y_true, y_pred, kwargs, tensors) in enumerate(data, 1):
            params = dict(args=[y_true, y_pred], kwargs=kwargs, tensors=tensors)
            expected, got = ctx.both("call", **params)
            kind = "tensors" if tensors else "NumPy arrays"
            where = (f"case {i} of {len(data)}: {name}(y_true, y_pred{', ' if kwargs else ''}{_kw_text(kwargs)}) "
                     f"on {kind} of {describe_input(y_pred)}")
            outcome = compare(expected, got, *tolerances(y_pred.dtype), ctx.hidden, where,
                              spec.mistakes(y_true, y_pred, kwargs))
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


def _edges(spec, name):
    def run(ctx: Context) -> Outcome:
        for title, y_true, y_pred, kwargs in spec.edges(np.float64) + spec.edges(np.float32):
            expected, got = ctx.both("call", args=[y_true, y_pred], kwargs=kwargs)
            where = f"{title} ({describe_input(y_pred)}{'; ' + _kw_text(kwargs) if kwargs else ''})"
            outcome = compare(expected, got, *tolerances(y_pred.dtype), False, where,
                              spec.mistakes(y_true, y_pred, kwargs))
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


def _shape(spec, name, rng):
    cases = [spec.make(rng, (5, 3), np.float32, spec.variants[0]),
             spec.make(rng, (2, 4, 3), np.float32, spec.variants[0])]

    def run(ctx: Context) -> Outcome:
        for y_true, y_pred in cases:
            expected, got = ctx.both("call", args=[y_true, y_pred], kwargs=spec.variants[0])
            if np.shape(got) != np.shape(expected):
                what = "one value per element" if spec.per_element else "one value per sample, reducing only the last axis"
                return Outcome(False, f"for inputs of shape {y_pred.shape}, expected shape "
                                      f"{np.shape(expected)} ({what}), got {np.shape(got)}")
        return Outcome(True)
    return run


def graph_cases(name, cases, dtype, gradient=True):
    """Values (and, for a loss, the gradient) inside tf.function, for each ((y_true, y_pred), kwargs)."""
    def run(ctx: Context) -> Outcome:
        for (y_true, y_pred), kwargs in cases:
            params = dict(y_true=y_true, y_pred=y_pred, kwargs=kwargs, gradient=gradient)
            expected, got = ctx.both("graph", **params)
            where = f"inside tf.function, on {describe_input(y_pred)}"
            if kwargs and not ctx.hidden:
                where += f" with {_kw_text(kwargs)}"
            outcome = compare(expected["values"], got["values"], *tolerances(dtype), ctx.hidden,
                              where + ", the values")
            if not outcome.passed or not gradient:
                return outcome
            if not np.isfinite(got["grad"]).all() and np.isfinite(expected["grad"]).all():
                return Outcome(False, f"{where}: the gradient is missing (None) or not finite; "
                                      "use keras.ops on the inputs so TensorFlow can differentiate it")
            outcome = compare(expected["grad"], got["grad"], *tolerances(dtype), ctx.hidden,
                              where + ", the gradient of the mean loss with respect to y_pred")
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


def fit_check(name, rng, activation, targets, units=1, kwargs=None, hidden=False):
    """Train a one-layer model with the loss in model.fit (graph mode): loss history and weights."""
    kwargs = kwargs or {}
    x = rng.normal(size=(48, 3)).astype(np.float32)
    y = targets(rng, 48)
    kernel = (0.3 * rng.normal(size=(3, units))).astype(np.float32)
    bias = np.zeros(units, dtype=np.float32)
    params = dict(x=x, y=y, kernel=kernel, bias=bias, activation=activation, kwargs=kwargs)

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("fit", **params)
        if not np.isfinite(got["loss"]).all():
            return Outcome(False, "model.fit with your loss gave a non-finite loss"
                           + ("" if hidden else f": {got['loss']}"))
        what = f"model.fit (3 epochs, graph mode, {activation} outputs{', ' + _kw_text(kwargs) if kwargs else ''})"
        outcome = compare(expected["loss"], got["loss"], 1e-3, 1e-5, hidden, what + ": the loss per epoch")
        if not outcome.passed:
            return outcome
        return compare(expected["kernel"], got["kernel"], 1e-3, 1e-5, hidden, what + ": the trained weights")
    return run


def regression_targets(rng, n):
    """Targets for a fit check of a regression loss (the check compares training runs, not fits)."""
    return rng.normal(size=(n, 1)).astype(np.float32)


# --------------------------------------------------------------------------- input makers

def regression(rng, shape, dtype, kwargs):
    y_true = rng.normal(size=shape).astype(dtype)
    y_pred = (y_true + rng.normal(scale=1.5, size=shape)).astype(dtype)
    return y_true, y_pred


def binary_scores(rng, shape, dtype, kwargs):
    y_true = rng.integers(0, 2, size=shape).astype(dtype)
    y_pred = rng.uniform(0, 1, size=shape).astype(dtype)
    return y_true, y_pred


def _e(y_true, y_pred):
    return np.asarray(y_pred, np.float64) - np.asarray(y_true, np.float64)


# --------------------------------------------------------------------------- chapter 01

def _accuracy_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("scores exactly at the threshold count as negative", d([[1.0, 0.0, 1.0, 0.0]]), d([[0.5, 0.5, 0.51, 0.49]]), {}),
        ("a different threshold", d([[1.0, 0.0, 1.0]]), d([[0.75, 0.75, 0.8]]), {"threshold": 0.75}),
        ("all correct", d([[1.0, 0.0], [0.0, 1.0]]), d([[0.9, 0.1], [0.2, 0.8]]), {}),
    ]


def _accuracy_mistakes(y_true, y_pred, kwargs):
    t = kwargs.get("threshold", 0.5)
    yt, yp = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
    return [
        ((yt == (yp >= t)).astype(float), "a score equal to the threshold counted as 1: Keras counts "
                                          "a score as positive only when strictly above the threshold"),
        ((yt == (yp > t)).mean(axis=-1), "you averaged over the last axis: in Keras 3 "
                                         "binary_accuracy returns one 0/1 value per element"),
        ((yt == (yp > 0.5)).astype(float), "the threshold argument is ignored"),
    ]


@builder("binary_accuracy")
def _binary_accuracy(ex, rng, hidden):
    spec = LossSpec(make=binary_scores, variants=[{}, {"threshold": 0.25}],
                    edges=_accuracy_edges, mistakes=_accuracy_mistakes,
                    gradient=False, fit=False, per_element=True)
    return loss_checks(spec, ex.name, rng, hidden)


# --------------------------------------------------------------------------- chapter 02

def reduction_mistakes(el, reduce="mean"):
    """The usual reduction slips, given the element-wise losses."""
    with np.errstate(all="ignore"):
        right = el.mean(axis=-1) if reduce == "mean" else el.sum(axis=-1)
        out = [(el.sum(axis=-1), "you summed over the last axis instead of taking the mean")
               if reduce == "mean" else
               (el.mean(axis=-1), "you averaged over the last axis: crossentropy sums y_true·log(p) "
                                  "over the classes")]
        out += [(right.mean(), "you averaged over the whole batch; Keras returns one value per sample"),
                (el, "the last axis is not reduced: " + ("take the mean" if reduce == "mean" else "sum")
                     + " over axis=-1")]
    return out


def _mse_mistakes(y_true, y_pred, kwargs):
    e = _e(y_true, y_pred)
    return reduction_mistakes(e ** 2) + [
        (np.sqrt((e ** 2).mean(axis=-1)), "you took the square root: that is RMSE, not MSE"),
        (np.abs(e).mean(axis=-1), "you used the absolute error (MAE) instead of the squared error"),
    ]


def _mae_mistakes(y_true, y_pred, kwargs):
    e = _e(y_true, y_pred)
    return reduction_mistakes(np.abs(e)) + [
        ((e ** 2).mean(axis=-1), "you squared the error (MSE) instead of taking its absolute value"),
        (e.mean(axis=-1), "the absolute value is missing: positive and negative errors cancel"),
        ((-e).mean(axis=-1), "the absolute value is missing: positive and negative errors cancel"),
    ]


def _huber_np(e, delta):
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * e ** 2, delta * a - 0.5 * delta ** 2)


def _huber_mistakes(y_true, y_pred, kwargs):
    e, d = _e(y_true, y_pred), kwargs.get("delta", 1.0)
    a = np.abs(e)
    out = reduction_mistakes(_huber_np(e, d)) + [
        (np.where(a <= d, e ** 2, d * a - 0.5 * d ** 2).mean(axis=-1),
         "the 0.5 is missing from the quadratic part: it is 0.5·e² for |e| ≤ delta"),
        (np.where(a <= d, 0.5 * e ** 2, d * a).mean(axis=-1),
         "the linear part lacks the − 0.5·delta² term, so the two pieces do not meet at |e| = delta"),
        (np.where(a <= d, 0.5 * e ** 2, d * (a - d)).mean(axis=-1),
         "the linear part should be delta·(|e| − 0.5·delta)"),
    ]
    if d != 1.0:
        out.append((_huber_np(e, 1.0).mean(axis=-1), "the delta argument is ignored (delta=1.0 was used)"))
    return out


def _log_cosh_mistakes(y_true, y_pred, kwargs):
    e = _e(y_true, y_pred)
    with np.errstate(over="ignore"):
        naive = np.log(np.cosh(e))
    return reduction_mistakes(np.logaddexp(e, -e) - np.log(2.0)) + [
        (naive.mean(axis=-1), "log(cosh(e)) overflows to inf for large errors; use "
                              "e + softplus(-2e) - log(2), which is the same function, computed stably"),
    ]


def _big_errors(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("zero error", d([[1.0, 2.0, 3.0]]), d([[1.0, 2.0, 3.0]]), {}),
        ("large errors of both signs (far beyond delta, for huber)", d([[0.0, 0.0], [10.0, -5.0]]), d([[100.0, -300.0], [-10.0, 5.0]]), {}),
        ("very large errors", d([[0.0, 0.0, 0.0]]), d([[500.0, -800.0, 1000.0]]), {}),
        ("a single output per sample", d([[1.0], [2.0], [-3.0]]), d([[1.5], [0.0], [3.0]]), {}),
    ]


def _huber_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return _big_errors(dtype) + [
        ("errors exactly at delta", d([[0.0, 0.0, 0.0]]), d([[1.0, -1.0, 0.5]]), {}),
        ("a small delta", d([[0.0, 1.0, 2.0]]), d([[0.3, 0.0, 2.05]]), {"delta": 0.1}),
        ("a large delta", d([[0.0, 1.0, 2.0]]), d([[3.0, -4.0, 20.0]]), {"delta": 5.0}),
    ]


_CH02 = {
    "mse": LossSpec(make=regression, edges=_big_errors, mistakes=_mse_mistakes),
    "mae": LossSpec(make=regression, edges=_big_errors, mistakes=_mae_mistakes),
    "huber": LossSpec(make=regression, variants=[{}, {"delta": 0.5}, {"delta": 2.0}],
                      edges=_huber_edges, mistakes=_huber_mistakes),
    "log_cosh": LossSpec(make=regression, edges=_big_errors, mistakes=_log_cosh_mistakes),
}


@builder(*_CH02)
def _chapter_02(ex, rng, hidden):
    return loss_checks(_CH02[ex.name], ex.name, rng, hidden)
