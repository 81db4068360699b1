"""Checks shared by every per-sample loss (and the chapter 01 metric function).

A `LossSpec` says how to make inputs for an exercise, its options (keyword
variants), its edge cases and its classic mistakes; called as a builder, it
turns into checks that each test one property, so that one flaw costs one check:

* the core values, on the plain case: float32, rank 2, eager, default options;
* edge cases (default options), float64 inputs, rank-3 inputs, each option
  (with its own edge cases), the (n,) vs (n, 1) rank alignment where Keras does
  it, graph mode with the gradient, and training in model.fit;
* hidden: the core values, the options and graph mode on batches drawn from the
  grading seed by the same generators.

Chapter 01 and 02 specs live here; chapters 03-05 in `classification`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import Check, Context, Outcome, compare, describe_input, guarded, tolerances

RANK3_SHAPE = (4, 2, 5)                 # its last axis becomes the spec's `last`


@dataclass
class LossSpec:
    make: Callable                      # (rng, shape, dtype, kwargs) -> (y_true, y_pred)
    variants: list = field(default_factory=list)   # non-default options, e.g. [{"delta": 0.5}]
    edges: Callable = lambda dtype: []  # dtype -> [(title, y_true, y_pred, kwargs)]
    mistakes: Callable = lambda yt, yp, kw: []   # -> [(value, explanation)]
    gradient: bool = True               # is it differentiable (a loss) or not (a metric)
    fit: bool = True
    fit_activation: str = "linear"
    fit_targets: Callable = None        # (rng, n) -> y for model.fit
    fit_units: int = 1
    per_element: bool = False           # returns one value per element, not per sample
    aligns_ranks: bool = False          # lines up y_true (n,) with y_pred (n, 1), as Keras' regression losses
    last: int = 3                       # size of the last axis in the core and rank-3 shapes
    min_last: int = 1                   # smallest last axis in hidden shapes
    extra: Callable = None              # (spec, name, rng) -> [Check]  (public extras)

    def __call__(self, ex, rng, hidden):
        """The builder the registry names: this spec's checks for exercise `ex`."""
        return loss_checks(self, ex.name, rng, hidden)


def option_groups(variants) -> dict[tuple, list]:
    """Options grouped by the keywords they set: one check per group."""
    groups: dict[tuple, list] = {}
    for kwargs in variants:
        groups.setdefault(tuple(sorted(kwargs)), []).append(kwargs)
    return groups


def _group_title(keys) -> str:
    return f"the {keys[0]} option" if len(keys) == 1 else " with ".join(keys) + " together"


def loss_checks(spec: LossSpec, name: str, rng, hidden: bool) -> list[Check]:
    groups = option_groups(spec.variants)
    per = "element" if spec.per_element else "sample"
    if hidden:
        return _hidden_checks(spec, name, rng, groups)
    k = spec.last
    single = 1 if spec.min_last <= 1 else k           # a single output per sample, where that makes sense
    core = [((8, k), np.float32, {}, False), ((16, single), np.float32, {}, True)]
    edges = spec.edges(np.float32)
    own_group = [e for e in edges if e[3] and tuple(sorted(e[3])) in groups]
    plain_edges = [e for e in edges if not any(e is o for o in own_group) and np.ndim(e[2]) <= 2]
    rank_edges = [e for e in edges if not e[3] and np.ndim(e[2]) > 2]
    checks = [
        Check(name, "values match Keras (float32, rank 2)", 3, guarded(_values(spec, name, rng, core))),
        Check(name, "edge cases", 2, guarded(_edges(spec, plain_edges))),
        Check(name, "float64 inputs", 1,
              guarded(_values(spec, name, rng, [((6, k), np.float64, {}, False), ((3, single), np.float64, {}, True)]))),
        Check(name, f"rank-3 inputs: one value per {per}", 1,
              guarded(_values(spec, name, rng, [(_with_last(RANK3_SHAPE, k), np.float32, {}, False)],
                              then=_edges(spec, rank_edges) if rank_edges else None))),
    ]
    if spec.aligns_ranks:
        checks.append(Check(name, "y_true of shape (n,) with y_pred of shape (n, 1)", 1,
                            guarded(_rank_alignment(spec, name, rng))))
    for keys, variants in groups.items():
        cases = [((8, k), np.float32, kw, i % 2 == 1) for i, kw in enumerate(variants)]
        own = [e for e in edges if tuple(sorted(e[3])) == keys]
        checks.append(Check(name, _group_title(keys), 2,
                            guarded(_values(spec, name, rng, cases, then=_edges(spec, own) if own else None))))
    title = "works inside tf.function with the same gradient as Keras" if spec.gradient \
        else "works inside tf.function (graph mode)"
    case = (spec.make(rng, (5, k), np.float32, {}), {})
    checks.append(Check(name, title, 2, guarded(graph_cases(name, [case], np.float32, spec.gradient))))
    if spec.fit:
        checks.append(Check(name, f"trains a model with model.compile(loss=...) and fit ({spec.fit_activation} "
                                  "outputs)", 2,
                            guarded(fit_check(name, rng, spec.fit_activation, spec.fit_targets or regression_targets,
                                              spec.fit_units))))
    if spec.extra is not None:
        checks += spec.extra(spec, name, rng)
    return checks


def _with_last(shape, k):
    return tuple(shape[:-1]) + (k,)


def _hidden_shape(spec, rng):
    return (int(rng.integers(1, 17)), int(rng.integers(max(spec.min_last, 1), 9)))


def _hidden_checks(spec, name, rng, groups) -> list[Check]:
    """The same generators as the public checks, on shapes and values drawn from the grading seed."""
    cases = [(_hidden_shape(spec, rng), np.float32, {}, bool(rng.integers(0, 2))) for _ in range(3)]
    checks = [Check(name, "values on hidden batches", 3, guarded(_values(spec, name, rng, cases)), hidden=True)]
    if groups:
        option_cases = [(_hidden_shape(spec, rng), np.float32, variants[int(rng.integers(0, len(variants)))],
                         bool(rng.integers(0, 2))) for variants in groups.values()]
        checks.append(Check(name, "options on hidden batches", 1,
                            guarded(_values(spec, name, rng, option_cases)), hidden=True))
    shape = (int(rng.integers(2, 9)), int(rng.integers(max(2, spec.min_last), 6)))
    case = (spec.make(rng, shape, np.float32, {}), {})
    checks.append(Check(name, "graph mode on a hidden batch", 1,
                        guarded(graph_cases(name, [case], np.float32, spec.gradient)), hidden=True))
    return checks


def _kw_text(kwargs) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _values(spec, name, rng, cases, then=None):
    """Each (shape, dtype, kwargs, as_tensors) case against Keras; then `then` (edge cases), if any."""
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
        return then(ctx) if then is not None else Outcome(True)
    return run


def _edges(spec, edges):
    """Named edge cases (title, y_true, y_pred, kwargs), compared with Keras."""
    def run(ctx: Context) -> Outcome:
        for title, y_true, y_pred, kwargs in edges:
            expected, got = ctx.both("call", args=[y_true, y_pred], kwargs=kwargs)
            where = f"{title} ({describe_input(y_pred)}{'; ' + _kw_text(kwargs) if kwargs else ''})"
            outcome = compare(expected, got, *tolerances(y_pred.dtype), False, where,
                              spec.mistakes(y_true, y_pred, kwargs))
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


BROADCAST = ("y_true of shape (n,) and y_pred of shape (n, 1) broadcast against each other into an (n, n) "
             "matrix, so each sample's value averages over every pair. Keras lines the ranks up first: when "
             "one input has shape (n,) and the other (n, 1), expand the (n,) one with keras.ops.expand_dims(x, -1)")


def _rank_alignment(spec, name, rng):
    """y_true (n,) with y_pred (n, 1) and the other way round: Keras lines the ranks up; plain code broadcasts."""
    y_true, y_pred = spec.make(rng, (5, 1), np.float32, {})
    cases = [(y_true[:, 0], y_pred), (y_true, y_pred[:, 0])]

    def run(ctx: Context) -> Outcome:
        for yt, yp in cases:
            expected, got = ctx.both("call", args=[yt, yp], kwargs={})
            n = len(yt)
            grid_true = np.ascontiguousarray(np.broadcast_to(yt.reshape(1, -1) if yt.ndim == 1 else yt, (n, n)))
            grid_pred = np.ascontiguousarray(np.broadcast_to(yp.reshape(1, -1) if yp.ndim == 1 else yp, (n, n)))
            broadcast = ctx.reference.probe("call", name, args=[grid_true, grid_pred])
            where = f"y_true of shape {yt.shape} with y_pred of shape {yp.shape}"
            outcome = compare(expected, got, *tolerances(np.float32), False, where, [(broadcast, BROADCAST)])
            if not outcome.passed:
                return outcome
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


def fit_check(name, rng, activation, targets, units=1, kwargs=None, hidden=False, init_kwargs=None):
    """Train a one-layer model with the loss in model.fit (graph mode): loss history and weights.

    With `init_kwargs` the exercise is a Loss class, compiled as `name(**init_kwargs)`."""
    kwargs = kwargs or {}
    x = rng.normal(size=(48, 3)).astype(np.float32)
    y = targets(rng, 48)
    kernel = (0.3 * rng.normal(size=(3, units))).astype(np.float32)
    bias = np.zeros(units, dtype=np.float32)
    params = dict(x=x, y=y, kernel=kernel, bias=bias, activation=activation, kwargs=kwargs)
    if init_kwargs is not None:
        params.update(loss_is_class=True, init_kwargs=init_kwargs)
    loss = f"{name}({_kw_text(init_kwargs)})" if init_kwargs is not None else "your loss"

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("fit", **params)
        if not np.isfinite(got["loss"]).all():
            return Outcome(False, f"model.fit with {loss} gave a non-finite loss"
                           + ("" if hidden else f": {got['loss']}"))
        what = (f"model.fit with {loss} (3 epochs, graph mode, {activation} outputs"
                f"{', ' + _kw_text(kwargs) if kwargs else ''})")
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


BINARY_ACCURACY = LossSpec(make=binary_scores, variants=[{"threshold": 0.25}, {"threshold": 0.75}],
                           edges=_accuracy_edges, mistakes=_accuracy_mistakes,
                           gradient=False, fit=False, per_element=True)


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
    dt = np.asarray(y_pred).dtype if np.asarray(y_pred).dtype.kind == "f" else np.dtype(np.float32)
    with np.errstate(over="ignore"):
        naive = np.log(np.cosh(e.astype(dt))).astype(np.float64)     # cosh overflows at the input's precision
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
    ] + _keras_vectors_regression(dtype)


def _keras_vectors_regression(dtype, huber=False):
    """The inputs of Keras' own unit tests (keras/src/losses/losses_test.py); the expected values come
    from running Keras. Shared by mse, mae, huber and log_cosh; huber=True: HuberLossTest's own."""
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    if huber:
        y_true, y_pred = [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]], [[0.9, 0.2, 0.2], [0.8, 0.4, 0.6]]
        return [
            ("Keras' own unit test (HuberLossTest.test_all_correct)", d(y_true), d(y_true), {}),
            ("Keras' own unit test (HuberLossTest.test_unweighted)", d(y_true), d(y_pred), {}),
            ("Keras' own unit test (HuberLossTest.test_non_default_delta, without its scalar sample_weight)",
             d(y_true), d(y_pred), {"delta": 0.8}),
        ]
    return [
        ("Keras' own unit test (MeanSquaredErrorTest, MeanAbsoluteErrorTest, LogCoshTest: test_unweighted)",
         d([[1, 9, 2], [-5, -2, 6]]), d([[4, 8, 12], [8, 1, 3]]), {}),
        ("Keras' own unit test (MeanSquaredErrorTest, MeanAbsoluteErrorTest: test_all_correct_unweighted)",
         d([[4, 8, 12], [8, 1, 3]]), d([[4, 8, 12], [8, 1, 3]]), {}),
    ]


def _huber_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return _big_errors(dtype) + [
        ("errors exactly at delta", d([[0.0, 0.0, 0.0]]), d([[1.0, -1.0, 0.5]]), {}),
        ("a small delta", d([[0.0, 1.0, 2.0]]), d([[0.3, 0.0, 2.05]]), {"delta": 0.1}),
        ("a large delta", d([[0.0, 1.0, 2.0]]), d([[3.0, -4.0, 20.0]]), {"delta": 5.0}),
    ] + _keras_vectors_regression(dtype, huber=True)


MSE = LossSpec(make=regression, edges=_big_errors, mistakes=_mse_mistakes, aligns_ranks=True)
MAE = LossSpec(make=regression, edges=_big_errors, mistakes=_mae_mistakes, aligns_ranks=True)
HUBER = LossSpec(make=regression, variants=[{"delta": 0.5}, {"delta": 2.0}], edges=_huber_edges,
                 mistakes=_huber_mistakes, aligns_ranks=True)
LOG_COSH = LossSpec(make=regression, edges=_big_errors, mistakes=_log_cosh_mistakes, aligns_ranks=True)
