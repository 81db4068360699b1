"""Checks shared by every per-sample loss (and the chapter 01 metric function).

A `LossSpec` says how to make inputs for an exercise, its options, its edge
cases and its classic mistakes; called as a builder, it turns into checks that
each test one property, under a stable key, so that one flaw costs one key:

* `values`: the core values on float32 batches of rank 2 with the default options
  (inputs drawn so that no edge behaviour arises: no exact 0/1 probabilities, no
  huge errors, no ties with a threshold, no rank mismatch);
* `edges`: named edge cases with the default options;
* `float64`: float64 inputs, float64-accurate (rtol 1e-9) and a float64 result;
* `rank3`: inputs of rank 3, one value per sample (per element for a metric);
* `rank-alignment`: y_true (n,) with y_pred (n, 1), where Keras lines the ranks up;
* `option:<name>`: each option on its own, with its own edge cases;
* `graph`: inside tf.function, with the gradient of a loss;
* `fit`: training a model with model.compile(loss=...);
* hidden twins (same keys): `values`, each `option:<name>`, `graph`, on batches drawn
  from the grading seed by the same generators; a hidden twin runs every variant of
  its option, so a flaw costs the same under every seed.

Chapter 01 and 02 specs live here; chapters 03-05 in `classification`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import Case, Check, Context, Outcome, Problem, compare, describe_input, first_failure, guarded, \
    tolerances

RANK3_SHAPE = (4, 2, 5)                 # its last axis becomes the spec's `last`
WEIGHTS = {"values": 4, "edges": 2, "float64": 1, "rank3": 1, "rank-alignment": 1, "option": 2, "graph": 1,
           "fit": 2, "label-shapes": 1}


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
    extra: Callable = None              # (spec, name, rng, hidden) -> [Check]
    # {option name: [kwargs, ...]}; default: `variants` grouped by their first keyword. An edge case
    # with options belongs to the one option its kwargs name.
    options: dict = None
    # {option name: [(kwargs, relabel, slip)]}: the option combined with another, judged against the
    # learner's own loss on relabelled inputs, `relabel(y_true, kwargs) -> (y_true, kwargs)` (so that a
    # flaw of the other option cannot fail this one)
    consistency: dict = None
    # {option name: maker(rng, shape, dtype, kwargs)}: the option's edge regime, drawn (hidden twin too)
    extremes: dict = None
    float64_make: Callable = None       # inputs of the float64 check (default: `make`)
    float64_tolerance: tuple = None     # (rtol, atol) where Keras itself is not float64-exact

    def __call__(self, ex, rng, hidden):
        """The builder the registry names: this spec's checks for exercise `ex`."""
        return loss_checks(self, ex.name, rng, hidden)

    def option_groups(self) -> dict[str, list]:
        if self.options is not None:
            return dict(self.options)
        groups: dict[str, list] = {}
        for kwargs in self.variants:
            groups.setdefault(next(iter(kwargs)), []).append(kwargs)
        return groups


def option_of(kwargs, groups) -> str | None:
    """The option an edge case's kwargs belong to (None: the default options)."""
    named = [k for k in kwargs if k in groups]
    if not kwargs:
        return None
    if len(named) != 1:
        raise ValueError(f"edge case options {sorted(kwargs)} must name exactly one option of {sorted(groups)}")
    return named[0]


def _kw_text(kwargs) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _call_text(name, kwargs, y_pred, tensors):
    kind = "tensors" if tensors else "NumPy arrays"
    return f"{name}(y_true, y_pred{', ' if kwargs else ''}{_kw_text(kwargs)}) on {kind} of {describe_input(y_pred)}"


def _batch_kind(dtype, rank, kwargs, tensors, what="a random batch"):
    opts = f" with {', '.join(kwargs)} set" if kwargs else ""
    return f"{what} of rank {rank} in {np.dtype(dtype).name}{opts} ({'tensors' if tensors else 'NumPy arrays'})"


# --------------------------------------------------------------------------- building

def loss_checks(spec: LossSpec, name: str, rng, hidden: bool) -> list[Check]:
    groups = spec.option_groups()
    edges = spec.edges(np.float32)
    for e in edges:
        option_of(e[3], groups)                     # every edge case belongs to one key
    if hidden:
        return _hidden_checks(spec, name, rng, groups)
    k = spec.last
    single = 1 if spec.min_last <= 1 else k           # a single output per sample, where that makes sense
    per = "element" if spec.per_element else "sample"
    plain_edges = [e for e in edges if not e[3] and np.ndim(e[2]) <= 2]
    rank_edges = [e for e in edges if not e[3] and np.ndim(e[2]) > 2]
    checks = [
        Check(name, "values", "values match Keras (float32, rank 2, default options)", WEIGHTS["values"],
              guarded(_judge(spec, name, drawn(spec, name, rng, [((8, k), np.float32, {}, False),
                                                                 ((16, single), np.float32, {}, True),
                                                                 ((8, k), np.float32, {}, True)],
                                              "a random batch")))),
        Check(name, "edges", "edge cases (default options)", WEIGHTS["edges"],
              guarded(_judge(spec, name, edge_cases(plain_edges)))),
        Check(name, "float64", "float64 inputs give float64-accurate values and a float64 result",
              WEIGHTS["float64"], guarded(_judge(spec, name, drawn(
                  spec, name, rng, [((6, k), np.float64, {}, False), ((3, single), np.float64, {}, True)],
                  "a random batch", make=spec.float64_make), dtype=REFERENCE_DTYPE))),
        Check(name, "rank3", f"rank-3 inputs: one value per {per}", WEIGHTS["rank3"],
              guarded(_judge(spec, name, drawn(spec, name, rng, [(_with_last(RANK3_SHAPE, k), np.float32, {}, False)],
                                               "a random batch") + edge_cases(rank_edges)))),
    ]
    if spec.aligns_ranks:
        checks.append(Check(name, "rank-alignment", "y_true of shape (n,) with y_pred of shape (n, 1)",
                            WEIGHTS["rank-alignment"], guarded(_rank_alignment(spec, name, rng))))
    for option, variants in groups.items():
        cases = drawn(spec, name, rng, [((8, k), np.float32, kw, i % 2 == 1) for i, kw in enumerate(variants)],
                      "a random batch")
        cases += _extreme_cases(spec, name, rng, option, variants, (6, k), hidden=False)
        cases += edge_cases([e for e in edges if option_of(e[3], groups) == option])
        cases += _consistency_cases(spec, name, rng, option, (8, k), hidden=False)
        checks.append(Check(name, f"option:{option}", f"the {option} option", WEIGHTS["option"],
                            guarded(_judge(spec, name, cases))))
    title = "works inside tf.function with the same gradient as Keras" if spec.gradient \
        else "works inside tf.function (graph mode)"
    case = Case(spec.make(rng, (5, k), np.float32, {}), {}, kind="a random batch inside tf.function")
    checks.append(Check(name, "graph", title, WEIGHTS["graph"], guarded(graph_cases(name, [case], spec.gradient, spec.mistakes))))
    if spec.fit:
        checks.append(Check(name, "fit", f"trains a model with model.compile(loss=...) and fit ({spec.fit_activation} "
                                         "outputs)", WEIGHTS["fit"],
                            guarded(fit_check(name, rng, spec.fit_activation, spec.fit_targets or regression_targets,
                                              spec.fit_units))))
    if spec.extra is not None:
        checks += spec.extra(spec, name, rng, False)
    return checks


def _with_last(shape, k):
    return tuple(shape[:-1]) + (k,)


def _hidden_shape(spec, rng):
    """n from 2 to 16, the last axis from 2 to 8: a single output per sample (where sum and mean agree) is
    a public case, and a batch of one sample (where a bare squeeze drops the batch axis) an edge case."""
    return (int(rng.integers(2, 17)), int(rng.integers(max(spec.min_last, 2), 9)))


def _hidden_checks(spec, name, rng, groups) -> list[Check]:
    """The same generators as the public checks, on shapes and values drawn from the grading seed."""
    cases = drawn(spec, name, rng, [(_hidden_shape(spec, rng), np.float32, {}, i == 1) for i in range(3)],
                  "a hidden random batch")
    checks = [Check(name, "values", "values on hidden batches", WEIGHTS["values"],
                    guarded(_judge(spec, name, cases)), hidden=True)]
    for option, variants in groups.items():
        cases = drawn(spec, name, rng, [(_hidden_shape(spec, rng), np.float32, kw, i % 2 == 1)
                                        for i, kw in enumerate(variants)], "a hidden random batch")
        cases += _extreme_cases(spec, name, rng, option, variants, _hidden_shape(spec, rng), hidden=True)
        cases += _consistency_cases(spec, name, rng, option, _hidden_shape(spec, rng), hidden=True)
        checks.append(Check(name, f"option:{option}", f"the {option} option on hidden batches", WEIGHTS["option"],
                            guarded(_judge(spec, name, cases)), hidden=True))
    shape = (int(rng.integers(2, 9)), int(rng.integers(max(2, spec.min_last), 6)))
    case = Case(spec.make(rng, shape, np.float32, {}), {}, kind="a hidden random batch inside tf.function")
    checks.append(Check(name, "graph", "graph mode on a hidden batch", WEIGHTS["graph"],
                        guarded(graph_cases(name, [case], spec.gradient, spec.mistakes)), hidden=True))
    if spec.extra is not None:
        checks += spec.extra(spec, name, rng, True)
    return checks


# --------------------------------------------------------------------------- cases

def drawn(spec, name, rng, plan, what, make=None) -> list[Case]:
    """One Case per (shape, dtype, kwargs, as_tensors), its inputs drawn by `make` (the spec's)."""
    make = make or spec.make
    cases = []
    for i, (shape, dtype, kwargs, tensors) in enumerate(plan, 1):
        y_true, y_pred = make(rng, shape, dtype, kwargs)
        where = f"case {i} of {len(plan)}: {_call_text(name, kwargs, y_pred, tensors)}"
        cases.append(Case((y_true, y_pred), dict(kwargs), tensors, _batch_kind(dtype, len(shape), kwargs, tensors, what),
                          where))
    return cases


def edge_cases(edges) -> list[Case]:
    """Named edge cases (title, y_true, y_pred, kwargs) as Cases."""
    return [Case((y_true, y_pred), dict(kwargs), False, title,
                 f"{title} ({describe_input(y_pred)}{'; ' + _kw_text(kwargs) if kwargs else ''})")
            for title, y_true, y_pred, kwargs in edges]


def _extreme_cases(spec, name, rng, option, variants, shape, hidden) -> list[Case]:
    maker = (spec.extremes or {}).get(option)
    if maker is None:
        return []
    what = "a hidden batch" if hidden else "a batch"
    out = []
    for kw in variants:
        y_true, y_pred = maker(rng, shape, np.float32, kw)
        if y_pred is None:
            continue
        out.append(Case((y_true, y_pred), dict(kw), False, f"{what} in the {option} option's extreme range "
                                                           f"({_kw_text(kw)})",
                        f"{_call_text(name, kw, y_pred, False)}, values far from 0"))
    return out


@dataclass(frozen=True)
class SelfCase(Case):
    """A case judged against the learner's own loss on relabelled inputs."""
    relabelled: tuple = ()
    relabelled_kwargs: dict = field(default_factory=dict)
    slip: str = ""


def _consistency_cases(spec, name, rng, option, shape, hidden) -> list[Case]:
    out = []
    for kwargs, relabel, slip in (spec.consistency or {}).get(option, []):
        y_true, y_pred = spec.make(rng, shape, np.float32, kwargs)
        y2, kw2 = relabel(y_true, kwargs)
        kind = (f"{_kw_text(kwargs)} on {'a hidden' if hidden else 'a'} random batch, compared with your own "
                f"{name} on the smoothed labels ({_kw_text(kw2)})")
        out.append(SelfCase((y_true, y_pred), dict(kwargs), False, kind,
                            f"{_call_text(name, kwargs, y_pred, False)} against your {name}(smoothed y_true, "
                            f"y_pred{', ' if kw2 else ''}{_kw_text(kw2)})",
                            relabelled=(y2, y_pred), relabelled_kwargs=kw2, slip=slip))
    return out


REFERENCE_DTYPE = "the reference's dtype"     # `_judge(dtype=...)`: the result must have the dtype Keras returns


def _judge(spec, name, cases, dtype=None):
    """Every case against Keras (a SelfCase: against the learner's own loss), first failure wins.
    `dtype=REFERENCE_DTYPE`: the result must also have the dtype of Keras' result."""
    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            y_true, y_pred = case.args
            rtol, atol = tolerances(y_pred.dtype)
            if np.dtype(y_pred.dtype) == np.float64 and spec.float64_tolerance is not None:
                rtol, atol = spec.float64_tolerance
            if isinstance(case, SelfCase):
                got = ctx.learner("call", args=list(case.args), kwargs=case.kwargs, tensors=case.tensors)
                own = ctx.learner("call", args=list(case.relabelled), kwargs=case.relabelled_kwargs,
                                  tensors=case.tensors)
                outcome = compare(own, got, rtol, atol, kind=case.kind, where=case.where)
                if outcome.problem in (Problem.VALUES, Problem.NONFINITE):
                    outcome = Outcome(False, outcome.problem, kind=case.kind, where=case.where, expected=own,
                                      got=got, differing=outcome.differing, of=outcome.of, largest=outcome.largest,
                                      slip=case.slip)
                return outcome
            expected, got = ctx.both("call", args=list(case.args), kwargs=case.kwargs, tensors=case.tensors)
            mistakes = spec.mistakes(y_true, y_pred, case.kwargs)
            if np.dtype(y_pred.dtype) == np.float64:
                mistakes = float64_mistakes(expected, mistakes)
            return compare(expected, got, rtol, atol, kind=case.kind, where=case.where, mistakes=mistakes,
                           dtype=np.asarray(expected).dtype if dtype == REFERENCE_DTYPE else dtype)
        return first_failure(cases, judge)
    return run


FLOAT32_ARITHMETIC = ("float32 arithmetic: the values are right to float32 precision only. Compute in y_pred's "
                      "dtype: no float32 casts, no float32 constants (ops.cast(c, y_pred.dtype) or a Python number)")


def float64_mistakes(expected, mistakes):
    """On float64 inputs: the slips that differ from the reference by more than float32 rounding (the others
    name nothing at this precision), then float32 arithmetic itself."""
    try:
        exp = np.asarray(expected, np.float64)
    except (TypeError, ValueError):
        return mistakes
    kept = []
    for value, explanation in mistakes:
        try:
            mv = np.asarray(value, np.float64)
            if mv.shape == exp.shape and np.allclose(mv, exp, rtol=1e-4, atol=1e-6, equal_nan=True):
                continue
        except (TypeError, ValueError):
            pass
        kept.append((value, explanation))
    return kept + [(exp.astype(np.float32), FLOAT32_ARITHMETIC)]


BROADCAST = ("y_true of shape (n,) and y_pred of shape (n, 1) broadcast against each other into an (n, n) "
             "matrix, so each sample's value averages over every pair. Keras lines the ranks up first: when "
             "one input has shape (n,) and the other (n, 1), expand the (n,) one with keras.ops.expand_dims(x, -1)")


def _rank_alignment(spec, name, rng):
    """y_true (n,) with y_pred (n, 1) and the other way round: Keras lines the ranks up; plain code broadcasts."""
    y_true, y_pred = spec.make(rng, (5, 1), np.float32, {})
    cases = [Case((y_true[:, 0], y_pred), {}, tensors, "y_true of shape (n,) with y_pred of shape (n, 1)",
                  f"y_true of shape {y_true[:, 0].shape} with y_pred of shape {y_pred.shape} "
                  f"({'tensors' if tensors else 'NumPy arrays'})") for tensors in (False, True)]
    cases += [Case((y_true, y_pred[:, 0]), {}, False, "y_true of shape (n, 1) with y_pred of shape (n,)",
                   f"y_true of shape {y_true.shape} with y_pred of shape {y_pred[:, 0].shape}")]

    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            yt, yp = case.args
            expected, got = ctx.both("call", args=[yt, yp], kwargs={}, tensors=case.tensors)
            n = len(yt)
            grid_true = np.ascontiguousarray(np.broadcast_to(yt.reshape(1, -1) if yt.ndim == 1 else yt, (n, n)))
            grid_pred = np.ascontiguousarray(np.broadcast_to(yp.reshape(1, -1) if yp.ndim == 1 else yp, (n, n)))
            broadcast = ctx.key("call", args=[grid_true, grid_pred])
            return compare(expected, got, *tolerances(np.float32), kind=case.kind, where=case.where,
                           mistakes=[(broadcast, BROADCAST)])
        return first_failure(cases, judge)
    return run


def graph_cases(name, cases, gradient=True, mistakes=None):
    """Values (and, for a loss, the gradient) inside tf.function, for each Case (args (y_true, y_pred));
    `mistakes(y_true, y_pred, kwargs)`: the classic slips a wrong value may be named after."""
    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            y_true, y_pred = case.args
            dtype = np.asarray(y_pred).dtype
            params = dict(y_true=y_true, y_pred=y_pred, kwargs=case.kwargs, gradient=gradient)
            expected, got = ctx.both("graph", **params)
            where = f"inside tf.function, on {describe_input(y_pred)}" + \
                (f" with {_kw_text(case.kwargs)}" if case.kwargs else "")
            slips = mistakes(y_true, y_pred, case.kwargs) if mistakes is not None else ()
            outcome = compare(expected["values"], got["values"], *tolerances(dtype), kind=case.kind + ": the values",
                              where=where + ", the values", mistakes=slips)
            if not outcome.passed or not gradient:
                return outcome
            if not np.isfinite(got["grad"]).all() and np.isfinite(expected["grad"]).all():
                return Outcome(False, Problem.OTHER, kind=case.kind,
                               detail=f"{case.kind}: the gradient is missing (None) or not finite; use keras.ops on "
                                      "the inputs so TensorFlow can differentiate it")
            return compare(expected["grad"], got["grad"], *tolerances(dtype), kind=case.kind + ": the gradient",
                           where=where + ", the gradient of the mean loss with respect to y_pred")
        return first_failure(cases, judge)
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
    kind = f"training a model with {'the loss' if hidden else loss} in model.fit"
    where = (f"model.fit with {loss} (3 epochs, graph mode, {activation} outputs"
             f"{', ' + _kw_text(kwargs) if kwargs else ''})")

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("fit", **params)
        outcome = compare(expected["loss"], got["loss"], 1e-3, 1e-5, kind=kind + ": the loss per epoch",
                          where=where + ": the loss per epoch")
        if not outcome.passed:
            return outcome
        return compare(expected["kernel"], got["kernel"], 1e-3, 1e-5, kind=kind + ": the trained weights",
                       where=where + ": the trained weights")
    return run


def regression_targets(rng, n):
    """Targets for a fit check of a regression loss (the check compares training runs, not fits)."""
    return rng.normal(size=(n, 1)).astype(np.float32)


# --------------------------------------------------------------------------- input makers

def regression(rng, shape, dtype, kwargs):
    """Errors of moderate size (|e| < 6): far from overflow, never exactly at a huber delta. The first
    sample has a small negative error (below every delta) and, with two outputs or more, a large positive
    one (beyond every delta), so that a slip in either branch or in the sign shows on any batch."""
    y_true = rng.normal(size=shape)
    error = np.clip(rng.normal(scale=1.5, size=shape), -5.5, 5.5)
    error.flat[0] = -rng.uniform(0.1, 0.4)
    if error.size > 1:
        error.flat[1] = rng.uniform(2.5, 5.0)
    return y_true.astype(dtype), (y_true + error).astype(dtype)


def binary_scores(rng, shape, dtype, kwargs):
    """0/1 labels and scores at least 0.01 away from every threshold the checks use."""
    y_true = rng.integers(0, 2, size=shape).astype(dtype)
    y_pred = rng.uniform(0, 1, size=shape)
    for t in (0.25, 0.5, 0.75, float(kwargs.get("threshold", 0.5))):
        near = np.abs(y_pred - t) < 0.01
        y_pred = np.where(near, t + np.where(y_pred >= t, 0.02, -0.02), y_pred)
    return y_true, y_pred.astype(dtype)


def _e(y_true, y_pred):
    return np.asarray(y_pred, np.float64) - np.asarray(y_true, np.float64)


# --------------------------------------------------------------------------- chapter 01

def _accuracy_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("scores exactly at the threshold count as negative", d([[1.0, 0.0, 1.0, 0.0]]), d([[0.5, 0.5, 0.51, 0.49]]), {}),
        ("a different threshold (no score on it: ties are the edge cases' business)", d([[1.0, 0.0, 1.0, 0.0]]),
         d([[0.7, 0.6, 0.8, 0.2]]), {"threshold": 0.75}),
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
# Keras computes log(2) in float32 and casts it (keras.losses.log_cosh): its float64 values are off by
# 1.9e-9 from exact ones, an absolute error far below float32 arithmetic's (about 1e-7 on these values)
LOG_COSH = LossSpec(make=regression, edges=_big_errors, mistakes=_log_cosh_mistakes, aligns_ranks=True,
                    float64_tolerance=(1e-9, 4e-9))
