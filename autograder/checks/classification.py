"""Checks for chapters 03-05: classification, probabilistic/count and imbalanced-data losses.

Every exercise here is a per-sample loss, so each is a `losses.LossSpec` and gets
the same one-property-per-key set as the regression losses (`values`, `edges`,
`float64`, `rank3`, `option:<name>`, `graph`, `fit`), plus the `label-shapes`
check of sparse_categorical_crossentropy. Drawn inputs stay clear of every edge
behaviour (exact 0/1 probabilities, logits beyond ±6, zeros in a distribution,
labels of another form), so each flaw fails only the key of its property. Each spec carries its
classic mistakes, computed here in NumPy at the input's precision, so a failure
can say which slip it looks like.
"""
from __future__ import annotations

import numpy as np

from . import Case, Check, Context, Outcome, compare, first_failure, guarded, tolerances
from .losses import LossSpec, reduction_mistakes

LOGIT_BOUND = 6.0   # drawn logits stay within ±6, where even softmax/sigmoid-then-log is exact: large
                    # logits are the from_logits option's business (its edges and its extreme batches)

EPS = 1e-7      # keras.config.epsilon(), for the NumPy mistake catalogues only (the reference is Keras)


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
        y_pred = np.clip(rng.normal(scale=3.0, size=shape), -LOGIT_BOUND, LOGIT_BOUND).astype(dtype)
    else:
        y_pred = rng.uniform(0.001, 0.999, size=shape).astype(dtype)
    return y_true, y_pred


def _bce_extremes(rng, shape, dtype, kwargs):
    """Logits of 20 to 60 in size, the first on the wrong side of its label (the loss is about |logit|)."""
    if not kwargs.get("from_logits"):
        return None, None
    x = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(20, 60, size=shape)
    y = rng.integers(0, 2, size=shape).astype(np.float64)
    y.flat[0] = 0.0 if x.flat[0] > 0 else 1.0
    return y.astype(dtype), x.astype(dtype)


def _smooth_binary(y_true, kwargs):
    s = kwargs["label_smoothing"]
    y = np.asarray(y_true, np.float64)
    return (y * (1 - s) + 0.5 * s).astype(y_true.dtype), {k: v for k, v in kwargs.items() if k != "label_smoothing"}


def _smooth_categorical(y_true, kwargs):
    s = kwargs["label_smoothing"]
    y = np.asarray(y_true, np.float64)
    return (y * (1 - s) + s / y.shape[-1]).astype(y_true.dtype), \
        {k: v for k, v in kwargs.items() if k != "label_smoothing"}


NOT_SMOOTHED_WITH_LOGITS = "label_smoothing is not applied when from_logits=True: smooth the labels first, whatever " \
                           "the form of y_pred"


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
        # the inputs of Keras' own unit tests (keras/src/losses/losses_test.py); the values come from Keras
        ("Keras' own unit test (BinaryCrossentropyTest.test_all_correct_unweighted)",
         d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), {}),
        ("Keras' own unit test (BinaryCrossentropyTest.test_all_correct_unweighted, with logits)",
         d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
         d([[10.0, -10.0, -10.0], [-10.0, 10.0, -10.0], [-10.0, -10.0, 10.0]]), {"from_logits": True}),
        ("Keras' own unit test (BinaryCrossentropyTest.test_unweighted)", d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
         d([[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.1, 0.2, 0.7]]), {}),
        ("Keras' own unit test (BinaryCrossentropyTest.test_unweighted, probabilities exactly 0 and 1)",
         d([[1, 0], [1, 0]]), d([[1, 1], [1, 0]]), {}),
        ("Keras' own unit test (BinaryCrossentropyTest.test_unweighted, with logits)", d([[1, 0, 1], [0, 1, 1]]),
         d([[10.0, -10.0, 10.0], [10.0, 10.0, -10.0]]), {"from_logits": True}),
        ("soft labels with logits of ±50 (what label smoothing gives)", d([[0.05, 0.95, 0.5, 0.95]]),
         d([[50.0, -50.0, 50.0, 3.0]]), {"from_logits": True}),
        ("label_smoothing on probabilities", d([[1, 0, 1], [0, 1, 0]]), d([[0.9, 0.2, 0.6], [0.3, 0.7, 0.5]]),
         {"label_smoothing": 0.2}),
    ]


def _bce_mistakes(y_true, y_pred, kwargs):
    y, p, dt = _pair(y_true, y_pred)
    logits = bool(kwargs.get("from_logits"))
    ls = float(kwargs.get("label_smoothing", 0.0))
    out = []
    if ls:
        with np.errstate(all="ignore"):
            out += [(_bce_el(y, p, dt, from_logits=logits).mean(-1), "label_smoothing is ignored"),
                    (_bce_el(y * (1 - ls) + ls, p, dt, from_logits=logits).mean(-1),
                     "label smoothing adds 0.5·label_smoothing, not label_smoothing"),
                    (_bce_el(y * (1 - ls), p, dt, from_logits=logits).mean(-1),
                     "the 0.5·label_smoothing term is missing: smoothed labels are y·(1 - s) + 0.5·s")]
        y = y * dt.type(1 - ls) + dt.type(0.5 * ls)
    el = _bce_el(y, p, dt, from_logits=logits)
    out += reduction_mistakes(el)
    with np.errstate(all="ignore"):
        if logits:
            out += [
                (_bce_el(y, _sigmoid(p).astype(dt), dt).mean(-1),
                 "you took sigmoid and then the log: for large logits sigmoid rounds to exactly 0 or 1 "
                 "and the loss saturates; use max(x, 0) - x*y + log(1 + exp(-|x|))"),
                (_bce_el(y, _sigmoid(p).astype(dt), dt, clip=False).mean(-1),
                 "you took sigmoid and then an unclipped log: for large logits this is log(0) = -inf; "
                 "use max(x, 0) - x*y + log(1 + exp(-|x|))"),
                (_bce_el(y, _sigmoid(p).astype(dt), dt, clip=False, select=True).mean(-1),
                 "you took sigmoid and then an unclipped log: for large logits this is log(0) = -inf; "
                 "use max(x, 0) - x*y + log(1 + exp(-|x|))"),
                (_bce_el(y, p, dt).mean(-1), "from_logits=True is ignored: the logits were used as "
                                             "probabilities; apply the stable logits form instead"),
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
    logits = np.clip(rng.normal(scale=2.0, size=shape), -LOGIT_BOUND, LOGIT_BOUND)
    y_pred = (logits if kwargs.get("from_logits") else _softmax(logits)).astype(dtype)
    return y_true, y_pred


def _true_class_far_below(rng, shape):
    """Class labels and logits where every sample's true class is 30 to 60 below the others."""
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    logits = rng.uniform(-5, 5, size=shape)
    np.put_along_axis(logits, labels[..., None], -rng.uniform(30, 60, size=shape[:-1] + (1,)), axis=-1)
    return labels, logits


def _cce_extremes(rng, shape, dtype, kwargs):
    if not kwargs.get("from_logits"):
        return None, None
    labels, logits = _true_class_far_below(rng, shape)
    return _onehot(labels, shape[-1], dtype), logits.astype(dtype)


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
        ("label_smoothing with a confident prediction", d([[1, 0, 0, 0]]), d([[0.7, 0.1, 0.1, 0.1]]),
         {"label_smoothing": 0.1}),
        ("logits of ±50", d([[1, 0], [0, 1]]), d([[-50.0, 50.0], [-50.0, 50.0]]), {"from_logits": True}),
        ("soft labels with logits of ±50 (what label smoothing gives)", d([[0.8, 0.1, 0.1]]),
         d([[50.0, -50.0, 0.0]]), {"from_logits": True}),
        # the inputs of Keras' own unit tests (keras/src/losses/losses_test.py); the values come from Keras
        ("Keras' own unit test (CategoricalCrossentropyTest.test_all_correct_unweighted)",
         d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), d([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), {}),
        ("Keras' own unit test (CategoricalCrossentropyTest.test_all_correct_unweighted, with logits)",
         d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), d([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]]),
         {"from_logits": True}),
        ("Keras' own unit test (CategoricalCrossentropyTest.test_unweighted)", d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
         d([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]), {}),
        ("Keras' own unit test (CategoricalCrossentropyTest.test_unweighted, with logits)",
         d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), d([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]]),
         {"from_logits": True}),
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
    """int64 labels with the shape of y_pred without its last axis (other label forms are the label-shapes
    check's business); with ignore_class, the first label is the ignored class."""
    labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(np.int64)
    if kwargs.get("ignore_class") is not None:
        labels.flat[0] = kwargs["ignore_class"]
    logits = np.clip(rng.normal(scale=2.0, size=shape), -LOGIT_BOUND, LOGIT_BOUND)
    y_pred = (logits if kwargs.get("from_logits") else _softmax(logits)).astype(dtype)
    return labels, y_pred


def _scce_extremes(rng, shape, dtype, kwargs):
    if not kwargs.get("from_logits"):
        return None, None
    labels, logits = _true_class_far_below(rng, shape)
    return labels.astype(np.int64), logits.astype(dtype)


def _sparse_targets(rng, n):
    return rng.integers(0, 3, size=n).astype(np.int64)


def _scce_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    i = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    return [
        ("labels of shape (n,)", i([0, 2, 1]), d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]]), {}),
        ("probability exactly 0 for the true class", i([0, 2]), d([[0.0, 0.5, 0.5], [0.3, 0.7, 0.0]]), {}),
        ("probabilities that do not sum to 1", i([0, 2]), d([[0.4, 0.2, 0.2], [0.3, 0.3, 0.9]]), {}),
        ("logits of ±50", i([0, 1]), d([[-50.0, 50.0], [-50.0, 50.0]]), {"from_logits": True}),
        ("labels of shape (2, 3) for predictions of shape (2, 3, 4)", i([[0, 1, 3], [2, 2, 0]]),
         d(_softmax(np.linspace(-2, 2, 24).reshape(2, 3, 4))), {}),
        ("ignore_class on two of four samples", i([2, 0, 2, 1]),
         d([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]]), {"ignore_class": 2}),
        # the inputs of Keras' own unit tests (keras/src/losses/losses_test.py); the values come from Keras
        ("Keras' own unit test (SparseCategoricalCrossentropyTest.test_all_correct_unweighted, labels (n,))",
         i([0, 1, 2]), d([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]), {}),
        ("Keras' own unit test (SparseCategoricalCrossentropyTest.test_all_correct_unweighted, with logits, "
         "labels (n,))", i([0, 1, 2]), d([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]]), {"from_logits": True}),
        ("Keras' own unit test (SparseCategoricalCrossentropyTest.test_unweighted)", i([0, 1, 2]),
         d([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]), {}),
        ("Keras' own unit test (SparseCategoricalCrossentropyTest.test_unweighted, with logits)", i([0, 1, 2]),
         d([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]]), {"from_logits": True}),
        ("Keras' own unit test (SparseCategoricalCrossentropyTest.test_no_reduction, labels (n,))", i([0, 1, 2]),
         d([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]]), {"from_logits": True}),
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
    ignore = kwargs.get("ignore_class")
    if ignore is not None:
        kept = labels != ignore
        out = [(right, f"ignore_class={ignore} is ignored: positions labelled {ignore} must give a loss of 0"),
               (right[kept], "the ignored positions were dropped: Keras keeps them, with a loss of 0, so the "
                             "result keeps one value per sample")]
        right = np.where(kept, right, 0.0)
        el = np.where(kept[..., None], el, 0.0)
        out += reduction_mistakes(el, "sum")
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


def _sparse_label_shapes(spec, name, rng, hidden):
    """Public: the same batch with labels (n,) and (n, 1), stored as integers or floats, arrays and tensors."""
    if hidden:
        return []
    labels = rng.integers(0, 4, size=7)
    y_pred = _softmax(rng.normal(size=(7, 4))).astype(np.float32)
    forms = [("(n,) int64", labels.astype(np.int64)), ("(n,) int32", labels.astype(np.int32)),
             ("(n,) float32", labels.astype(np.float32)), ("(n, 1) int32", labels[:, None].astype(np.int32)),
             ("(n, 1) float32", labels[:, None].astype(np.float32))]
    cases = [Case((y_true, y_pred), {}, tensors, f"labels of shape {what}",
                  f"labels of shape {what} with predictions of shape {y_pred.shape} "
                  f"({'tensors' if tensors else 'NumPy arrays'})")
             for tensors in (False, True) for what, y_true in forms]

    def run(ctx: Context) -> Outcome:
        def judge(case: Case) -> Outcome:
            expected, got = ctx.both("call", args=list(case.args), kwargs={}, tensors=case.tensors)
            return compare(expected, got, *tolerances(np.float32), kind=case.kind, where=case.where,
                           mistakes=_scce_mistakes(case.args[0], y_pred, {}))
        return first_failure(cases, judge)
    return [Check(name, "label-shapes", "labels of shape (n,) and (n, 1), integers or floats, give the same "
                                        "per-sample losses", 1, guarded(run))]


# =========================================================================== hinge

def _hinge_make(rng, shape, dtype, kwargs):
    """0/1 labels (labels already -1/+1 are an edge case) and scores whose margins are never exactly 1."""
    y_true = rng.integers(0, 2, size=shape).astype(dtype)
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
        # the inputs of Keras' own unit test (keras/src/losses/losses_test.py); the values come from Keras
        ("Keras' own unit test (HingeTest.test_unweighted)", d([[0.0, 1.0], [0.0, 0.0]]),
         d([[0.6, 0.4], [0.4, 0.6]]), {}),
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


def _poisson_large(rng, shape, dtype, kwargs):
    """Large rates for the float64 check: epsilon's share in log(y_pred + epsilon) is below 1e-9 there, so
    the check tells float32 arithmetic, not a missing epsilon (that is an edge case)."""
    rate = rng.uniform(200.0, 2000.0, size=shape)
    return rng.poisson(rate).astype(dtype), (rate * rng.uniform(0.8, 1.2, size=shape)).astype(dtype)


def _count_targets(rng, n):
    return rng.poisson(1.5, size=(n, 2)).astype(np.float32)


def _poisson_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("a predicted rate of exactly 0 (add epsilon inside the log)", d([[0, 1, 2]]), d([[0.0, 0.0, 1.0]]), {}),
        ("zero counts", d([[0, 0], [0, 0]]), d([[0.5, 2.0], [1e-3, 7.0]]), {}),
        ("large counts", d([[50, 120, 0]]), d([[45.0, 130.0, 3.0]]), {}),
        ("a single output per sample", d([[3], [0]]), d([[2.5], [0.1]]), {}),
        # the inputs of Keras' own unit test (keras/src/losses/losses_test.py); the values come from Keras
        ("Keras' own unit test (PoissonTest.test_unweighted)", d([[4, 8, 12], [8, 1, 3]]),
         d([[1, 9, 2], [5, 2, 6]]), {}),
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
    y_pred = _softmax(rng.normal(scale=1.5, size=shape))      # no zeros: they are edge cases
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
        # the inputs of Keras' own unit test (keras/src/losses/losses_test.py); the values come from Keras
        ("Keras' own unit test (KLDivergenceTest.test_unweighted)", d([[0.5, 0.8, 0.12], [0.7, 0.43, 0.8]]),
         d([[0.4, 0.9, 0.12], [0.36, 0.3, 0.4]]), {}),
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

def _focal_np(y_true, y_pred, kwargs, balance=None, focal="keras", clip=True, smooth="keras", logits="keras"):
    """Keras' focal loss element-wise, or one of its classic slips."""
    y, p, dt = _pair(y_true, y_pred)
    g, a = float(kwargs.get("gamma", 2.0)), float(kwargs.get("alpha", 0.25))
    ls = float(kwargs.get("label_smoothing", 0.0))
    balanced = bool(kwargs.get("apply_class_balancing", False))
    with np.errstate(all="ignore"):
        if ls and smooth == "keras":
            y = y * dt.type(1 - ls) + dt.type(0.5 * ls)
        if kwargs.get("from_logits") and logits == "keras":
            # Keras' sigmoid output remembers its logits, and the crossentropy uses them (stable, unclipped)
            bce, p = _bce_el(y, p, dt, from_logits=True), _sigmoid(p).astype(dt)
        else:
            bce = _bce_el(y, p, dt, clip=clip)
        p_t = y * p + (1 - y) * (1 - p)
        factor = {"keras": (1 - p_t) ** g, "none": 1.0, "pred": (1 - p) ** g, "gamma2": (1 - p_t) ** 2.0}[focal]
        mode = balance or ("keras" if balanced else "none")
        weight = {"keras": y * a + (1 - y) * (1 - a), "none": 1.0, "swapped": y * (1 - a) + (1 - y) * a,
                  "positives": np.where(y > 0.5, a, 1.0), "alpha": a}[mode]
        return weight * factor * bce


def _focal_edges(dtype):
    d = lambda v: np.array(v, dtype=dtype)  # noqa: E731
    return [
        ("probabilities exactly 0 and 1", d([[1, 0, 1, 0]]), d([[0.0, 1.0, 1.0, 0.0]]), {}),
        ("confident right answers (the focal factor nearly 0)", d([[1, 0, 1, 0]]), d([[0.999, 0.001, 0.95, 0.2]]), {}),
        ("all negatives", d([[0, 0, 0]]), d([[0.1, 0.5, 0.9]]), {}),
        ("gamma=0 is plain binary crossentropy", d([[1, 0, 1, 0]]), d([[0.7, 0.2, 0.4, 0.9]]), {"gamma": 0.0}),
        ("logits of ±20 and ±50", d([[1, 0, 1, 0, 0, 1]]), d([[20.0, 20.0, -20.0, -3.0, 50.0, -50.0]]),
         {"from_logits": True}),
        ("class balancing with alpha=0.9", d([[1, 0], [0, 1]]), d([[0.3, 0.3], [0.8, 0.6]]),
         {"apply_class_balancing": True, "alpha": 0.9}),
        # the inputs of Keras' own unit tests (keras/src/losses/losses_test.py); the values come from Keras
        ("Keras' own unit test (BinaryFocalCrossentropyTest.test_all_correct_unweighted, with the default gamma)",
         d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), {}),
        ("Keras' own unit test (BinaryFocalCrossentropyTest.test_all_correct_unweighted, with logits; "
         "its gamma=2.0 is the default)", d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
         d([[100.0, -100.0, -100.0], [-100.0, 100.0, -100.0], [-100.0, -100.0, 100.0]]), {"from_logits": True}),
        ("Keras' own unit test (BinaryFocalCrossentropyTest.test_unweighted)", d([[1, 0], [1, 0]]),
         d([[0.9, 0.8], [0.7, 0.2]]), {"gamma": 2.0}),
    ]


def _focal_mistakes(y_true, y_pred, kwargs):
    el = _focal_np(y_true, y_pred, kwargs)
    out = reduction_mistakes(el)
    f = lambda **kw: _focal_np(y_true, y_pred, kwargs, **kw).mean(-1)  # noqa: E731
    if kwargs.get("apply_class_balancing"):
        out += [(f(balance="none"), "apply_class_balancing=True is ignored: it weights positives by alpha "
                                    "and negatives by 1 - alpha"),
                (f(balance="swapped"), "alpha and 1 - alpha are swapped: alpha weights the positives (y_true = 1)"),
                (f(balance="positives"), "the negatives must be weighted by 1 - alpha (you left them at 1)"),
                (f(balance="alpha"), "alpha was applied to every element: positives get alpha, negatives 1 - alpha")]
    else:
        out.append((f(balance="keras"), "you applied class balancing (alpha) although apply_class_balancing "
                                        "is False by default"))
    out += [(f(focal="none"), "the focal factor (1 - p_t)**gamma is missing"),
            (f(focal="pred"), "the focal factor uses y_pred instead of p_t (p_t is y_pred for positives and "
                              "1 - y_pred for negatives)"),
            (f(clip=False), "the log is not clipped: log(0) gives inf or NaN when a probability is exactly 0 or 1")]
    if float(kwargs.get("gamma", 2.0)) != 2.0:
        out.append((f(focal="gamma2"), "the gamma argument is ignored (gamma=2 was used)"))
    if kwargs.get("label_smoothing"):
        out.append((f(smooth="none"), "label_smoothing is ignored: smooth the labels first, "
                                      "y·(1 - s) + 0.5·s, then compute p_t and the loss from them"))
    if kwargs.get("from_logits"):
        out.append((f(logits="none"), "from_logits=True is ignored: apply sigmoid to y_pred first"))
    return out


# =========================================================================== the specs

BINARY_CROSSENTROPY = LossSpec(
    make=_bce_make, options={"from_logits": [{"from_logits": True}, {"from_logits": False}],
                             "label_smoothing": [{"label_smoothing": 0.1}, {"label_smoothing": 0.3}]},
    consistency={"label_smoothing": [({"from_logits": True, "label_smoothing": 0.2}, _smooth_binary,
                                      NOT_SMOOTHED_WITH_LOGITS)]},
    extremes={"from_logits": _bce_extremes},
    edges=_bce_edges, mistakes=_bce_mistakes, fit_activation="sigmoid", fit_targets=_binary_targets)
CATEGORICAL_CROSSENTROPY = LossSpec(
    make=_cce_make, options={"from_logits": [{"from_logits": True}],
                             "label_smoothing": [{"label_smoothing": 0.1}]},
    consistency={"label_smoothing": [({"from_logits": True, "label_smoothing": 0.2}, _smooth_categorical,
                                      NOT_SMOOTHED_WITH_LOGITS)]},
    extremes={"from_logits": _cce_extremes},
    last=4, min_last=2, edges=_cce_edges, mistakes=_cce_mistakes, fit_activation="softmax",
    fit_targets=_onehot_targets, fit_units=3)
SPARSE_CATEGORICAL_CROSSENTROPY = LossSpec(
    make=_scce_make, options={"from_logits": [{"from_logits": True}, {"from_logits": False}],
                              "ignore_class": [{"ignore_class": 0}, {"ignore_class": 2}]},
    extremes={"from_logits": _scce_extremes},
    last=4, min_last=3, edges=_scce_edges, mistakes=_scce_mistakes, fit_activation="softmax",
    fit_targets=_sparse_targets, fit_units=3, extra=_sparse_label_shapes)
HINGE = LossSpec(make=_hinge_make, edges=_hinge_edges, mistakes=_hinge_mistakes,
                 fit_activation="linear", fit_targets=_binary_targets)
POISSON = LossSpec(make=_poisson_make, edges=_poisson_edges, mistakes=_poisson_mistakes,
                   fit_activation="exponential", fit_targets=_count_targets, fit_units=2,
                   float64_make=_poisson_large)
KL_DIVERGENCE = LossSpec(make=_kl_make, last=4, min_last=2, edges=_kl_edges, mistakes=_kl_mistakes,
                         fit_activation="softmax", fit_targets=_distribution_targets, fit_units=3)
BINARY_FOCAL_CROSSENTROPY = LossSpec(
    make=_bce_make, options={"apply_class_balancing": [{"apply_class_balancing": True},
                                                       {"apply_class_balancing": True, "alpha": 0.6}],
                             "gamma": [{"gamma": 0.0}, {"gamma": 4.0}],
                             "from_logits": [{"from_logits": True}],
                             "label_smoothing": [{"label_smoothing": 0.1}]},
    extremes={"from_logits": _bce_extremes},
    edges=_focal_edges, mistakes=_focal_mistakes, fit_activation="sigmoid", fit_targets=_binary_targets)
