"""Checks for chapters 03-05: classification, probabilistic/count and imbalanced-data losses.

Every exercise here is a per-sample loss, so the checks follow `losses.loss_checks`
(values, edge cases, one value per sample, graph mode with the gradient, model.fit)
with what classification needs on top: every keyword variant in graph mode, a
model output layer of several units (softmax, sparse labels), a from_logits
training run, and the label-shape check of sparse_categorical_crossentropy.
Each spec carries its classic mistakes, computed here in NumPy at the input's
precision, so a failure can say which slip it looks like.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import Check, Context, Outcome, builder, compare, guarded, tolerances
from .losses import LossSpec, _edges, _kw_text, _shape, _values, fit_check, graph_cases, reduction_mistakes

EPS = 1e-7      # keras.config.epsilon(), for the NumPy mistake catalogues only (the reference is Keras)


@dataclass
class ClassSpec(LossSpec):
    shapes: list = field(default_factory=lambda: [(8, 3), (4, 2, 5), (16, 1)])
    dtypes: list = field(default_factory=lambda: [np.float32, np.float64, np.float32])
    min_last: int = 1                   # smallest last axis in hidden shapes
    fit_units: int = 1
    logit_fit: dict | None = None       # kwargs of a (hidden) training run on linear outputs
    extra: Callable = None              # (spec, name, rng) -> [Check]  (public extras)
    reduce: str = "mean"                # how the last axis is reduced: "mean" or "sum"


# =========================================================================== the checks

def classification_checks(spec: ClassSpec, name: str, rng, hidden: bool) -> list[Check]:
    checks: list[Check] = []
    if not hidden:
        cases = []
        for i, (shape, dtype) in enumerate(zip(spec.shapes, spec.dtypes)):
            cases.append((shape, dtype, spec.variants[i % len(spec.variants)], i == 2))
        for kwargs in spec.variants[len(spec.shapes):]:
            cases.append(((6, 4), np.float64, kwargs, False))
        checks.append(Check(name, "values match Keras on random batches", 3,
                            guarded(_values(spec, name, rng, cases))))
        checks.append(Check(name, "edge cases", 2, guarded(_edges(spec, name))))
        checks.append(Check(name, "one value per sample", 1, guarded(_shape(spec, name, rng))))
        variant_cases = [(spec.make(rng, (5, 3), np.float32, kw), kw) for kw in spec.variants]
        checks.append(Check(name, "works inside tf.function with the same gradient as Keras"
                            + (" (every keyword variant)" if len(spec.variants) > 1 else ""), 2,
                            guarded(graph_cases(name, variant_cases, np.float32))))
        if spec.fit:
            checks.append(Check(name, f"trains a model with model.compile(loss=...) and fit "
                                      f"({spec.fit_activation} outputs)", 2,
                                guarded(fit_check(name, rng, spec.fit_activation, spec.fit_targets,
                                             spec.fit_units, {}))))
        if spec.extra is not None:
            checks += spec.extra(spec, name, rng)
    else:
        cases = []
        for _ in range(3):
            rank = int(rng.integers(2, 4))
            shape = tuple(int(n) for n in rng.integers(1, 9, size=rank - 1)) + (int(rng.integers(spec.min_last, 9)),)
            dtype = [np.float32, np.float64][int(rng.integers(0, 2))]
            kwargs = spec.variants[int(rng.integers(0, len(spec.variants)))]
            cases.append((shape, dtype, kwargs, bool(rng.integers(0, 2))))
        checks.append(Check(name, "values match Keras on hidden batches", 3,
                            guarded(_values(spec, name, rng, cases)), hidden=True))
        shape = (int(rng.integers(2, 9)), int(rng.integers(max(2, spec.min_last), 6)))
        kwargs = spec.variants[int(rng.integers(0, len(spec.variants)))]
        checks.append(Check(name, "graph mode on a hidden batch", 1,
                            guarded(graph_cases(name, [(spec.make(rng, shape, np.float64, kwargs), kwargs)],
                                                 np.float64)), hidden=True))
        if spec.fit and spec.logit_fit is not None:
            checks.append(Check(name, f"trains a model with {_kw_text(spec.logit_fit)} (linear outputs)", 1,
                                guarded(fit_check(name, rng, "linear", spec.fit_targets, spec.fit_units,
                                             spec.logit_fit, hidden=True)), hidden=True))
    return checks


# =========================================================================== NumPy helpers

def _f(y_pred):
    """The float dtype the loss computes in (the prediction's, as Keras casts y_true to it)."""
    dt = np.asarray(y_pred).dtype
    return dt if dt.kind == "f" else np.dtype(np.float32)


def _pair(y_true, y_pred):
    dt = _f(y_pred)
    return np.asarray(y_true).astype(dt), np.asarray(y_pred).astype(dt), dt


def _clip(p, dt, lo=EPS, hi=None):
    hi = 1 - lo if hi is None else hi
    return np.clip(p, dt.type(lo), dt.type(hi))


def _bce_el(y, p, dt, from_logits=False, eps=EPS, clip=True, select=False):
    with np.errstate(all="ignore"):
        if from_logits:
            return np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p)))
        if clip:
            p = _clip(p, dt, eps)
        if select:
            return np.where(y > 0.5, -np.log(p), -np.log(1 - p))
        return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _sigmoid(x):
    with np.errstate(all="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    with np.errstate(all="ignore"):
        return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def _softmax(x):
    with np.errstate(all="ignore"):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)


# =========================================================================== binary crossentropy

def _bce_make(rng, shape, dtype, kwargs):
    y_true = rng.integers(0, 2, size=shape).astype(dtype)
    if kwargs.get("from_logits"):
        y_pred = rng.normal(scale=3.0, size=shape).astype(dtype)
    else:
        y_pred = rng.uniform(0.001, 0.999, size=shape).astype(dtype)
    return y_true, y_pred


def _binary_targets(rng, n):
    return rng.integers(0, 2, size=(n, 1)).astype(np.float32)


def _bce_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("probabilities exactly 0 and 1 (clip them to [epsilon, 1 - epsilon])",
         d([[1, 0, 1, 0], [0, 1, 1, 0]]), d([[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.5, 0.5]]), {}),
        ("logits of ±50", d([[1, 0, 1, 0, 1]]), d([[50.0, 50.0, -50.0, -50.0, 0.5]]), {"from_logits": True}),
        ("logits of ±50 with a single output per sample", d([[1], [0]]), d([[-50.0], [50.0]]),
         {"from_logits": True}),
        ("a single output per sample", d([[1], [0], [1]]), d([[0.9], [0.2], [0.4]]), {}),
        ("integer labels", np.array([[1, 0, 1]], dtype=np.int64), d([[0.8, 0.3, 0.6]]), {}),
        ("from_logits=False given explicitly", d([[0, 1]]), d([[0.25, 0.75]]), {"from_logits": False}),
    ]


def _bce_mistakes(y_true, y_pred, kwargs):
    y, p, dt = _pair(y_true, y_pred)
    logits = bool(kwargs.get("from_logits"))
    el = _bce_el(y, p, dt, from_logits=logits)
    out = reduction_mistakes(el)
    with np.errstate(all="ignore"):
        if logits:
            out += [
                (_bce_el(y, p, dt).mean(-1), "from_logits=True is ignored: the logits were used as "
                                             "probabilities; apply the stable logits form instead"),
                (_bce_el(y, _sigmoid(p).astype(dt), dt).mean(-1),
                 "you took sigmoid and then the log: for large logits sigmoid rounds to exactly 0 or 1 "
                 "and the loss saturates; use max(x, 0) - x*y + log(1 + exp(-|x|))"),
                (_bce_el(y, _sigmoid(p).astype(dt), dt, clip=False).mean(-1),
                 "you took sigmoid and then an unclipped log: for large logits this is log(0) = -inf; "
                 "use max(x, 0) - x*y + log(1 + exp(-|x|))"),
                (_bce_el(y, _sigmoid(p).astype(dt), dt, clip=False, select=True).mean(-1),
                 "you took sigmoid and then an unclipped log: for large logits this is log(0) = -inf; "
                 "use max(x, 0) - x*y + log(1 + exp(-|x|))"),
            ]
        else:
            unclipped = "the log is not clipped: log(0) gives inf or NaN when a probability is exactly 0 or 1; " \
                        "clip y_pred to [epsilon, 1 - epsilon] (keras.config.epsilon()) first"
            out += [
                (_bce_el(y, p, dt, clip=False).mean(-1), unclipped),
                (_bce_el(y, p, dt, clip=False, select=True).mean(-1), unclipped),
                (_bce_el(y, p, dt, from_logits=True).mean(-1),
                 "you treated the probabilities as logits although from_logits=False"),
            ]
            for eps in (1e-15, 1e-12, 1e-10, 1e-8, 1e-6, 1e-5, 1e-3):
                out.append((_bce_el(y, p, dt, eps=eps).mean(-1),
                            f"you clipped with epsilon={eps:g}; Keras clips to [epsilon, 1 - epsilon] "
                            f"with keras.config.epsilon() = {EPS:g}"))
            out.append((_bce_el(p, y, dt).mean(-1), "y_true and y_pred are swapped"))
        out.append((-el.mean(-1), "the minus sign is missing"))
    return out


# =========================================================================== categorical crossentropy

def _onehot(labels, k, dtype):
    return np.eye(k, dtype=dtype)[labels]


def _cce_make(rng, shape, dtype, kwargs):
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    y_true = _onehot(labels, shape[-1], dtype)
    logits = rng.normal(scale=2.0, size=shape)
    y_pred = (logits if kwargs.get("from_logits") else _softmax(logits)).astype(dtype)
    return y_true, y_pred


def _onehot_targets(rng, n):
    return _onehot(rng.integers(0, 3, size=n), 3, np.float32)


def _cce_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("probability exactly 0 for the true class", d([[1, 0, 0], [0, 1, 0]]),
         d([[0.0, 0.5, 0.5], [0.0, 1.0, 0.0]]), {}),
        ("a perfect one-hot prediction", d([[0, 0, 1]]), d([[0.0, 0.0, 1.0]]), {}),
        ("probabilities that do not sum to 1 (normalise them)", d([[1, 0, 0], [0, 0, 1]]),
         d([[0.4, 0.2, 0.2], [0.3, 0.3, 0.9]]), {}),
        ("label_smoothing with a one-hot prediction", d([[1, 0, 0, 0]]), d([[1.0, 0.0, 0.0, 0.0]]),
         {"label_smoothing": 0.1}),
        ("logits of ±50", d([[1, 0], [0, 1]]), d([[-50.0, 50.0], [-50.0, 50.0]]), {"from_logits": True}),
        ("logits of ±50 with label_smoothing", d([[1, 0, 0]]), d([[50.0, -50.0, 0.0]]),
         {"from_logits": True, "label_smoothing": 0.2}),
    ]


def _cce_el(y, p, dt, from_logits=False, ls=0.0, ls_style="keras", eps=EPS, normalise=True, clip=True,
            softmax_first=False):
    """-y*log(p) element-wise, the Keras way unless told otherwise."""
    k = y.shape[-1]
    with np.errstate(all="ignore"):
        if ls:
            y = y * (1 - ls) + (ls / k if ls_style == "keras" else 0.5 * ls if ls_style == "binary"
                                else ls / max(k - 1, 1))
        if from_logits and not softmax_first:
            logp = _log_softmax(p)
        else:
            if softmax_first:
                p = _softmax(p).astype(dt)
            if normalise:
                p = p / p.sum(axis=-1, keepdims=True)
            if clip:
                p = _clip(p, dt, eps)
            logp = np.log(p)
        return -(y * logp)


def _cce_mistakes(y_true, y_pred, kwargs):
    y, p, dt = _pair(y_true, y_pred)
    logits, ls = bool(kwargs.get("from_logits")), float(kwargs.get("label_smoothing", 0.0))
    el = _cce_el(y, p, dt, logits, ls)
    out = reduction_mistakes(el, "sum")
    with np.errstate(all="ignore"):
        if ls:
            out += [
                (_cce_el(y, p, dt, logits).sum(-1), "label_smoothing is ignored"),
                (_cce_el(y, p, dt, logits, ls, "binary").sum(-1),
                 "label smoothing adds 0.5·label_smoothing (that is the binary rule); categorical "
                 "smoothing uses y·(1 - label_smoothing) + label_smoothing / num_classes"),
                (_cce_el(y, p, dt, logits, ls, "k-1").sum(-1),
                 "label smoothing should add label_smoothing / num_classes, not / (num_classes - 1)"),
            ]
        if logits:
            out += [
                (_cce_el(y, p, dt, False, ls).sum(-1), "from_logits=True is ignored: the logits were "
                                                       "used as probabilities"),
                (_cce_el(y, p, dt, False, ls, softmax_first=True).sum(-1),
                 "you took softmax and then the log: for large logits softmax rounds to exactly 0 "
                 "and the loss saturates; use keras.ops.log_softmax"),
                (_cce_el(y, p, dt, False, ls, softmax_first=True, clip=False).sum(-1),
                 "you took softmax and then an unclipped log: for large logits this is log(0); "
                 "use keras.ops.log_softmax"),
            ]
        else:
            out += [
                (_cce_el(y, p, dt, False, ls, clip=False).sum(-1),
                 "the log is not clipped: log(0) gives inf or NaN when a probability is exactly 0; "
                 "clip to [epsilon, 1 - epsilon] first"),
                (_cce_el(y, p, dt, False, ls, normalise=False).sum(-1),
                 "the probabilities are not normalised: Keras divides y_pred by its sum over the last "
                 "axis before clipping"),
                (_cce_el(y, p, dt, True, ls).sum(-1),
                 "you applied a softmax (treated y_pred as logits) although from_logits=False"),
            ]
        out.append((-el.sum(-1), "the minus sign is missing"))
    return out


# =========================================================================== sparse categorical crossentropy

def _scce_make(rng, shape, dtype, kwargs):
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    if rng.integers(0, 2):
        labels = labels[..., None]               # (n, 1)-style labels half of the time
    labels = labels.astype([np.int64, np.int32, np.float32][int(rng.integers(0, 3))])
    logits = rng.normal(scale=2.0, size=shape)
    y_pred = (logits if kwargs.get("from_logits") else _softmax(logits)).astype(dtype)
    return labels, y_pred


def _sparse_targets(rng, n):
    return rng.integers(0, 3, size=(n, 1)).astype(np.float32)


def _scce_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    i = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    return [
        ("labels of shape (n,)", i([0, 2, 1]), d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]), {}),
        ("labels of shape (n, 1) (flatten them)", i([[0], [2], [1]]),
         d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]), {}),
        ("float labels of shape (n, 1)", np.array([[1.0], [0.0]], dtype=np.float32),
         d([[0.25, 0.75], [0.6, 0.4]]), {}),
        ("probability exactly 0 for the true class", i([0, 2]), d([[0.0, 0.5, 0.5], [0.3, 0.7, 0.0]]), {}),
        ("probabilities that do not sum to 1", i([0, 2]), d([[0.4, 0.2, 0.2], [0.3, 0.3, 0.9]]), {}),
        ("logits of ±50", i([[0], [1]]), d([[-50.0, 50.0], [-50.0, 50.0]]), {"from_logits": True}),
        ("labels of shape (2, 3) for predictions of shape (2, 3, 4)", i([[0, 1, 3], [2, 2, 0]]),
         d(_softmax(np.linspace(-2, 2, 24).reshape(2, 3, 4))), {}),
    ]


def _scce_labels(y_true, y_pred):
    labels = np.asarray(y_true)
    if labels.ndim == np.ndim(y_pred) and labels.shape[-1] == 1:
        labels = labels[..., 0]
    return labels.astype(np.int64)


def _scce_mistakes(y_true, y_pred, kwargs):
    _, p, dt = _pair(np.zeros(1), y_pred)
    logits = bool(kwargs.get("from_logits"))
    labels = _scce_labels(y_true, y_pred)
    k = p.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        return []
    y = _onehot(labels, k, dt)
    el = _cce_el(y, p, dt, logits)
    right = el.sum(-1)
    out = reduction_mistakes(el, "sum")
    raw = np.asarray(y_true)
    with np.errstate(all="ignore"):
        if raw.ndim == p.ndim and raw.shape[-1] == 1:
            unflat = "labels of shape (n, 1) were not flattened to (n,)"
            out.append((right[..., None], unflat + ": the result keeps a trailing axis of size 1"))
            if raw.ndim == 2:
                y3 = _onehot(raw.astype(np.int64), k, dt)                  # (n, 1, k)
                logp = _log_softmax(p) if logits else np.log(_clip(p / p.sum(-1, keepdims=True), dt))
                out.append((-(y3 * logp).sum(-1), unflat + ": one-hot labels of shape (n, 1, classes) "
                                                           "broadcast against (n, classes) into an (n, n) matrix"))
        if logits:
            out += [(_cce_el(y, p, dt, False).sum(-1), "from_logits=True is ignored: the logits were used "
                                                       "as probabilities"),
                    (_cce_el(y, p, dt, False, softmax_first=True).sum(-1),
                     "you took softmax and then the log: for large logits softmax rounds to exactly 0 "
                     "and the loss saturates; use keras.ops.log_softmax"),
                    (_cce_el(y, p, dt, False, softmax_first=True, clip=False).sum(-1),
                     "you took softmax and then an unclipped log: for large logits this is log(0); "
                     "use keras.ops.log_softmax")]
        else:
            out += [(_cce_el(y, p, dt, False, clip=False).sum(-1),
                     "the log is not clipped: log(0) gives inf when the true class has probability "
                     "exactly 0; clip to [epsilon, 1 - epsilon] first"),
                    (_cce_el(y, p, dt, False, normalise=False).sum(-1),
                     "the probabilities are not normalised to sum to 1 over the classes"),
                    (_cce_el(y, p, dt, True).sum(-1),
                     "you applied a softmax (treated y_pred as logits) although from_logits=False")]
        out.append((-right, "the minus sign is missing"))
    return out


def _sparse_label_shapes(spec, name, rng):
    """Public extra: the same batch with labels (n,), (n, 1) and float (n, 1), as arrays and tensors."""
    labels = rng.integers(0, 4, size=7)
    y_pred = _softmax(rng.normal(size=(7, 4))).astype(np.float32)
    forms = [("(n,) int", labels.astype(np.int64)), ("(n, 1) int", labels[:, None].astype(np.int32)),
             ("(n, 1) float", labels[:, None].astype(np.float32))]

    def run(ctx: Context) -> Outcome:
        for tensors in (False, True):
            for what, y_true in forms:
                expected, got = ctx.both("call", args=[y_true, y_pred], kwargs={}, tensors=tensors)
                where = (f"labels of shape {what} with predictions of shape {y_pred.shape}"
                         f" ({'tensors' if tensors else 'NumPy arrays'})")
                outcome = compare(expected, got, *tolerances(np.float32), False, where,
                                  _scce_mistakes(y_true, y_pred, {}))
                if not outcome.passed:
                    return outcome
        return Outcome(True)
    return [Check(name, "labels of shape (n,) and (n, 1) give the same per-sample losses", 1, guarded(run))]


# =========================================================================== hinge

def _hinge_make(rng, shape, dtype, kwargs):
    y_true = rng.integers(0, 2, size=shape).astype(dtype)
    if rng.uniform() < 0.3:
        y_true = 2 * y_true - 1                    # already -1/+1 now and then
    y_pred = rng.normal(scale=1.5, size=shape).astype(dtype)
    return y_true, y_pred


def _hinge_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("0/1 labels (map them to -1/+1)", d([[0, 1, 1], [1, 0, 0]]), d([[0.3, 0.3, -2.0], [2.0, -2.0, 0.5]]), {}),
        ("labels already -1/+1 (leave them as they are)", d([[-1, 1, 1], [1, -1, -1]]),
         d([[0.3, 0.3, -2.0], [2.0, -2.0, 0.5]]), {}),
        ("margins of exactly 1 and beyond", d([[1, 0, 1, 0]]), d([[1.0, -1.0, 3.0, -3.0]]), {}),
        ("all labels 0", d([[0, 0], [0, 0]]), d([[0.5, -0.5], [2.0, -2.0]]), {}),
        ("a single output per sample", d([[1], [0], [1]]), d([[0.2], [0.7], [-1.5]]), {}),
    ]


def _hinge_mistakes(y_true, y_pred, kwargs):
    y, p, dt = _pair(y_true, y_pred)
    binary = bool(np.all((y == 0) | (y == 1)))
    mapped = 2 * y - 1 if binary else y
    el = np.maximum(1 - mapped * p, 0)
    out = reduction_mistakes(el)
    if binary:
        out.append((np.maximum(1 - y * p, 0).mean(-1),
                    "the 0/1 labels were not mapped to -1/+1 (use 2·y_true - 1 when every label is 0 or 1)"))
    else:
        out.append((np.maximum(1 - (2 * y - 1) * p, 0).mean(-1),
                    "labels that are already -1/+1 were mapped again (2·(-1) - 1 = -3): Keras maps "
                    "only when every label is 0 or 1"))
    out += [((el ** 2).mean(-1), "you squared the hinge: that is squared_hinge"),
            ((1 - mapped * p).mean(-1), "max(·, 0) is missing: a margin beyond 1 must give 0 loss, not a "
                                        "negative one"),
            (np.maximum(mapped * p, 0).mean(-1), "the hinge is max(1 - y·y_pred, 0), not max(y·y_pred, 0)")]
    return out


# =========================================================================== poisson

def _poisson_make(rng, shape, dtype, kwargs):
    rate = rng.uniform(0.2, 4.0, size=shape)
    y_true = rng.poisson(rate).astype(dtype)
    y_pred = (rate * rng.uniform(0.5, 1.5, size=shape)).astype(dtype)
    return y_true, y_pred


def _count_targets(rng, n):
    return rng.poisson(1.5, size=(n, 2)).astype(np.float32)


def _poisson_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("a predicted rate of exactly 0 (add epsilon inside the log)", d([[0, 1, 2]]), d([[0.0, 0.0, 1.0]]), {}),
        ("zero counts", d([[0, 0], [0, 0]]), d([[0.5, 2.0], [1e-3, 7.0]]), {}),
        ("large counts", d([[50, 120, 0]]), d([[45.0, 130.0, 3.0]]), {}),
        ("a single output per sample", d([[3], [0]]), d([[2.5], [0.1]]), {}),
    ]


def _poisson_mistakes(y_true, y_pred, kwargs):
    y, p, dt = _pair(y_true, y_pred)
    with np.errstate(all="ignore"):
        el = p - y * np.log(p + dt.type(EPS))
        out = reduction_mistakes(el)
        out += [((p - y * np.log(p)).mean(-1), "log(y_pred) without + epsilon is -inf (or NaN) when a "
                                               "predicted rate is 0: use log(y_pred + epsilon)"),
                ((p + y * np.log(p + dt.type(EPS))).mean(-1), "the sign of the y_true·log(y_pred) term is "
                                                              "wrong: it is y_pred - y_true·log(y_pred + epsilon)"),
                ((-y * np.log(p + dt.type(EPS))).mean(-1), "the y_pred term is missing"),
                ((y - p * np.log(y + dt.type(EPS))).mean(-1), "y_true and y_pred are swapped")]
    return out


# =========================================================================== kl divergence

def _kl_make(rng, shape, dtype, kwargs):
    y_true = _softmax(rng.normal(scale=1.5, size=shape))
    y_pred = _softmax(rng.normal(scale=1.5, size=shape))
    if shape[-1] > 2 and rng.uniform() < 0.5:     # some exact zeros in y_true
        y_true = y_true * (rng.uniform(size=shape) > 0.3)
        y_true = y_true / np.maximum(y_true.sum(-1, keepdims=True), 1e-12)
    return y_true.astype(dtype), y_pred.astype(dtype)


def _distribution_targets(rng, n):
    return _softmax(rng.normal(size=(n, 3))).astype(np.float32)


def _kl_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("y_true with exact zeros (0·log 0 must not be NaN)", d([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]]),
         d([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2]]), {}),
        ("y_pred exactly 0 where y_true is not", d([[0.5, 0.5]]), d([[0.0, 1.0]]), {}),
        ("identical distributions", d([[0.1, 0.2, 0.7]]), d([[0.1, 0.2, 0.7]]), {}),
        ("a one-hot y_true", d([[0, 0, 1, 0]]), d([[0.1, 0.2, 0.3, 0.4]]), {}),
    ]


def _kl_np(y, p, dt, clip_true=True, clip_pred=True):
    with np.errstate(all="ignore"):
        if clip_true:
            y = _clip(y, dt, EPS, 1.0)
        if clip_pred:
            p = _clip(p, dt, EPS, 1.0)
        return y * np.log(y / p)


def _kl_mistakes(y_true, y_pred, kwargs):
    y, p, dt = _pair(y_true, y_pred)
    el = _kl_np(y, p, dt)
    out = reduction_mistakes(el, "sum")
    out[0] = (el.mean(-1), "you averaged over the last axis: KL divergence sums over it")
    with np.errstate(all="ignore"):
        out += [(_kl_np(y, p, dt, clip_true=False).sum(-1),
                 "y_true is not clipped: where it is 0, 0·log(0) gives NaN; clip both to [epsilon, 1]"),
                (_kl_np(y, p, dt, clip_true=False, clip_pred=False).sum(-1),
                 "nothing is clipped: 0·log(0) gives NaN and log(y/0) gives inf; clip both to [epsilon, 1]"),
                (_kl_np(y, p, dt, clip_pred=False).sum(-1),
                 "y_pred is not clipped: where it is 0, log(y_true / 0) is inf; clip it to [epsilon, 1]"),
                (np.where(y > 0, _kl_np(y, p, dt), 0).sum(-1),
                 "the zeros of y_true were skipped: Keras clips y_true to [epsilon, 1] instead, so a 0 adds "
                 "epsilon·log(epsilon / y_pred)"),
                (_kl_np(p, y, dt).sum(-1), "y_true and y_pred are swapped: KL divergence is not symmetric"),
                ((-_clip(y, dt, EPS, 1.0) * np.log(_clip(p, dt, EPS, 1.0))).sum(-1),
                 "that is the crossentropy -sum(y_true·log(y_pred)); KL divergence is "
                 "sum(y_true·log(y_true / y_pred))"),
                (-el.sum(-1), "the sign is flipped: it is y_true·log(y_true / y_pred)")]
    return out


# =========================================================================== binary focal crossentropy

def _focal_np(y, p, dt, gamma=2.0, alpha=0.25, balance="keras", focal="keras", clip=True):
    with np.errstate(all="ignore"):
        bce = _bce_el(y, p, dt, clip=clip)
        p_t = y * p + (1 - y) * (1 - p)
        factor = {"keras": (1 - p_t) ** gamma, "none": 1.0, "pred": (1 - p) ** gamma,
                  "gamma2": (1 - p_t) ** 2.0}[focal]
        weight = {"keras": y * alpha + (1 - y) * (1 - alpha), "none": 1.0,
                  "swapped": y * (1 - alpha) + (1 - y) * alpha, "positives": np.where(y > 0.5, alpha, 1.0),
                  "alpha": alpha}[balance]
        return weight * factor * bce


def _focal_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("probabilities exactly 0 and 1", d([[1, 0, 1, 0]]), d([[0.0, 1.0, 1.0, 0.0]]), {}),
        ("confident right answers (the focal factor nearly 0)", d([[1, 0, 1, 0]]), d([[0.999, 0.001, 0.95, 0.2]]), {}),
        ("gamma=0: alpha-weighted crossentropy", d([[1, 0, 1, 0]]), d([[0.7, 0.2, 0.4, 0.9]]), {"gamma": 0.0}),
        ("alpha=0.9, gamma=3", d([[1, 0], [0, 1]]), d([[0.3, 0.3], [0.8, 0.6]]), {"alpha": 0.9, "gamma": 3.0}),
        ("all negatives", d([[0, 0, 0]]), d([[0.1, 0.5, 0.9]]), {}),
    ]


def _focal_mistakes(y_true, y_pred, kwargs):
    y, p, dt = _pair(y_true, y_pred)
    g, a = float(kwargs.get("gamma", 2.0)), float(kwargs.get("alpha", 0.25))
    el = _focal_np(y, p, dt, g, a)
    out = reduction_mistakes(el)
    out += [
        (_focal_np(y, p, dt, g, a, balance="none").mean(-1),
         "the class balancing is missing: with apply_class_balancing=True the loss is weighted by alpha "
         "for positives and 1 - alpha for negatives"),
        (_focal_np(y, p, dt, g, a, balance="swapped").mean(-1),
         "alpha and 1 - alpha are swapped: alpha weights the positives (y_true = 1)"),
        (_focal_np(y, p, dt, g, a, balance="positives").mean(-1),
         "the negatives must be weighted by 1 - alpha (you left them at 1)"),
        (_focal_np(y, p, dt, g, a, balance="alpha").mean(-1),
         "alpha was applied to every element: positives get alpha, negatives 1 - alpha"),
        (_focal_np(y, p, dt, g, a, focal="none").mean(-1),
         "the focal factor (1 - p_t)**gamma is missing"),
        (_focal_np(y, p, dt, g, a, focal="pred").mean(-1),
         "the focal factor uses y_pred instead of p_t (p_t is y_pred for positives and 1 - y_pred "
         "for negatives)"),
        (_focal_np(y, p, dt, g, a, clip=False).mean(-1),
         "the log is not clipped: log(0) gives inf or NaN when a probability is exactly 0 or 1"),
    ]
    if g != 2.0:
        out.append((_focal_np(y, p, dt, g, a, focal="gamma2").mean(-1),
                    "the gamma argument is ignored (gamma=2 was used)"))
    if a != 0.25:
        out.append((_focal_np(y, p, dt, g, 0.25).mean(-1), "the alpha argument is ignored (alpha=0.25 was used)"))
    return out


# =========================================================================== registration

_SPECS = {
    "binary_crossentropy": ClassSpec(
        make=_bce_make, variants=[{}, {"from_logits": True}, {"from_logits": False}],
        edges=_bce_edges, mistakes=_bce_mistakes, fit_activation="sigmoid", fit_targets=_binary_targets,
        logit_fit={"from_logits": True}),
    "categorical_crossentropy": ClassSpec(
        make=_cce_make, variants=[{}, {"label_smoothing": 0.1}, {"from_logits": True},
                                  {"from_logits": True, "label_smoothing": 0.2}],
        shapes=[(8, 3), (4, 2, 5), (16, 4)], min_last=2, reduce="sum",
        edges=_cce_edges, mistakes=_cce_mistakes, fit_activation="softmax", fit_targets=_onehot_targets,
        fit_units=3, logit_fit={"from_logits": True, "label_smoothing": 0.1}),
    "sparse_categorical_crossentropy": ClassSpec(
        make=_scce_make, variants=[{}, {"from_logits": True}, {"from_logits": False}],
        shapes=[(8, 3), (4, 2, 5), (16, 4)], min_last=2, reduce="sum",
        edges=_scce_edges, mistakes=_scce_mistakes, fit_activation="softmax", fit_targets=_sparse_targets,
        fit_units=3, logit_fit={"from_logits": True}, extra=_sparse_label_shapes),
    "hinge": ClassSpec(
        make=_hinge_make, edges=_hinge_edges, mistakes=_hinge_mistakes,
        fit_activation="linear", fit_targets=_binary_targets),
    "poisson": ClassSpec(
        make=_poisson_make, edges=_poisson_edges, mistakes=_poisson_mistakes,
        fit_activation="exponential", fit_targets=_count_targets, fit_units=2),
    "kl_divergence": ClassSpec(
        make=_kl_make, shapes=[(8, 3), (4, 2, 5), (16, 4)], min_last=2, reduce="sum",
        edges=_kl_edges, mistakes=_kl_mistakes, fit_activation="softmax",
        fit_targets=_distribution_targets, fit_units=3),
    "binary_focal_crossentropy": ClassSpec(
        make=_bce_make, variants=[{}, {"gamma": 1.0, "alpha": 0.6}, {"gamma": 0.0},
                                  {"alpha": 0.9, "gamma": 4.0}],
        edges=_focal_edges, mistakes=_focal_mistakes, fit_activation="sigmoid",
        fit_targets=_binary_targets),
}


@builder(*_SPECS)
def _chapters_03_to_05(ex, rng, hidden):
    return classification_checks(_SPECS[ex.name], ex.name, rng, hidden)
