"""Checks for chapter 05's `balanced_class_weight`: scikit-learn's "balanced" class weights as a dict.

`balanced_class_weight(y)` must return {label: n_samples / (n_classes * count)} for every
label present in `y`, the `class_weight` dict that
`sklearn.utils.class_weight.compute_class_weight("balanced", classes=np.unique(y), y=y)`
describes. The learner's dict comes back through the `value` probe, which turns its keys
into text: a label 7 arrives as "7", a float key 7.0 as "7.0". Each check asks one kind of
label set (binary, several classes, a Python list, a single class) and compares the weights
label by label, within 1e-6 relative, reading a float key 7.0 as label 7; one more check asks
labels that are not 0..k-1 and looks at the keys alone (the labels themselves, as ints), so
that a slip in the keys costs one check and a slip in the formula another. The outcome
check trains, in the grader's own process, a logistic regression (one sigmoid unit, Adam,
full batch) with the returned weights as `model.fit(class_weight=...)` on an imbalanced
binary set, and compares its minority-class recall with the recall balanced weights give.
Public and hidden checks draw their label sets and data from the same generators.
"""
from __future__ import annotations

import hashlib
import threading

import numpy as np

from . import Check, Context, Outcome, guarded

RTOL = 1e-6
RECALL_SLACK = 0.05         # the learner's recall may fall this far below the reference's
FIT_STEPS = 50              # full-batch Adam steps of the outcome model
OUTCOME_N = 400             # points in the outcome's training set, and in its test set


# =========================================================================== the reference

def balanced_class_weight(y):
    """{label: n_samples / (n_classes * count)} for each label in y, like scikit-learn's "balanced"."""
    labels = np.asarray(y).reshape(-1)
    classes, counts = np.unique(labels, return_counts=True)
    n_samples, n_classes = labels.size, classes.size
    return {c.item(): n_samples / (n_classes * int(m)) for c, m in zip(classes, counts)}


# =========================================================================== inputs

def _binary(rng):
    n = int(rng.integers(30, 121))
    y = (rng.uniform(size=n) < rng.uniform(0.05, 0.3)).astype(np.int64)
    y[:2] = [1, 0]                                  # both classes present
    return rng.permutation(y)


def _several(rng, labels=None, dtype=np.int32):
    k = int(rng.integers(3, 6)) if labels is None else len(labels)
    labels = np.arange(k) if labels is None else np.asarray(labels)
    n = int(rng.integers(40, 151))
    share = rng.dirichlet(np.full(k, 0.8))
    idx = np.concatenate([np.arange(k), rng.choice(k, size=n - k, p=share)])   # every label present
    return rng.permutation(labels[idx]).astype(dtype)


def _sparse_labels(rng):
    """Labels that are not 0..k-1, such as {0, 2, 7}."""
    k = int(rng.integers(3, 5))
    while True:
        labels = np.sort(rng.choice(12, size=k, replace=False))
        if labels[-1] > k - 1:
            return _several(rng, labels, np.int64)


def _single(rng):
    return np.full(int(rng.integers(5, 30)), int(rng.integers(0, 10)), dtype=np.int64)


def label_sets(rng):
    """(what, y) for each kind of label set, in the order of the public checks."""
    return [("binary labels", _binary(rng)),
            ("several classes", _several(rng)),
            ("labels that are not 0..k-1", _sparse_labels(rng)),
            ("a Python list", [int(v) for v in _several(rng)]),
            ("a single class", _single(rng))]


def outcome_set(rng):
    """An imbalanced binary set (train and test, OUTCOME_N points each) from two overlapping Gaussians."""
    share = rng.uniform(0.03, 0.08)
    shift = rng.uniform(1.0, 1.6)

    def draw(n):
        y = (rng.uniform(size=n) < share).astype(np.int64)
        y[:3] = 1                                   # never without a minority
        x = rng.normal(size=(n, 2)) + shift * y[:, None]
        return x.astype(np.float32), y
    return draw(OUTCOME_N), draw(OUTCOME_N)


# =========================================================================== explaining a wrong answer

def _mistakes(y):
    """[(weights per class, in np.unique order), explanation] of the classic slips."""
    classes, counts = np.unique(np.asarray(y).reshape(-1), return_counts=True)
    n, k = counts.sum(), classes.size
    counts = counts.astype(np.float64)
    right = n / (k * counts)
    return [
        (k * counts / n, "the weights are inverted (n_classes·count / n_samples): that gives the frequent "
                         "classes the large weights; balanced weights are n_samples / (n_classes·count)"),
        (counts / n, "the weights are the class frequencies count / n_samples, which favour the frequent "
                     "classes; balanced weights are n_samples / (n_classes·count)"),
        (counts, "the weights are the raw counts; balanced weights are n_samples / (n_classes·count), "
                 "large for rare classes"),
        (1 / counts, "you used 1 / count (raw counts instead of frequencies): divide n_samples by "
                     "n_classes·count"),
        (n / counts, "the frequencies are inverted but the n_classes factor is missing: n_samples / count "
                     "is n_classes times too large; divide by n_classes·count"),
        (right / right.sum(), "the weights are normalised to sum to 1; balanced weights are not "
                              "normalised (n_samples / (n_classes·count) averages 1 over the samples)"),
    ]


def _canonical(got):
    """The dict with float keys that hold whole numbers ("2.0") written as the labels ("2")."""
    out = {}
    for key, value in got.items():
        try:
            number = float(key)
            key = str(int(number)) if number.is_integer() else key
        except (ValueError, OverflowError):
            pass
        out[key] = value
    return out


def _key_problem(expected, got, hidden):
    """A message when the keys are not exactly the labels of y (as ints), or None."""
    want, have = set(expected), set(got)
    if want == have:
        return None
    labels = sorted(int(k) for k in want)
    if set(_canonical(got)) == want:
        return ("the keys are floats (such as 0.0): use the labels themselves as Python ints, "
                "int(label), as scikit-learn's classes are")
    if have == {str(i) for i in range(len(labels))}:
        shown = "" if hidden else f" (the labels are {labels})"
        return ("the keys are 0..n_classes-1, not the labels themselves" + shown + ": looks like you "
                "numbered the classes (range or enumerate) instead of using each label as its key; "
                "model.fit would then give the other labels weight 1.0, silently")
    missing, extra = sorted(want - have, key=int), sorted(have - want)
    if hidden:
        parts = ["some labels present in y have no weight"] if missing else []
        parts += ["the dict has keys that are not labels of y"] if extra else []
        return "; ".join(parts)
    parts = [f"no weight for label(s) {', '.join(missing)}"] if missing else []
    parts += [f"keys that are not labels of y: {', '.join(map(repr, extra))}"] if extra else []
    return "; ".join(parts) + f" (the labels are {labels})"


def _not_a_dict(got, where):
    kind = "list" if isinstance(got, list) else type(got).__name__
    return Outcome(False, f"{where}: returned a {kind}; return a dict {{label: weight}}, "
                          f"one entry per label, as model.fit(class_weight=...) takes")


def judge_keys(expected, got, y, what, hidden) -> Outcome:
    """Only the keys: exactly the labels present in y, as ints."""
    where = what if hidden else f"{what}, balanced_class_weight({_show(y)})"
    if not isinstance(got, dict):
        return _not_a_dict(got, where)
    problem = _key_problem(expected, got, hidden)
    return Outcome(False, f"{where}: {problem}") if problem else Outcome(True)


def judge(expected, got, y, what, hidden) -> Outcome:
    """The weights, label by label (a float key 2.0 stands for label 2: the keys have their own check)."""
    where = what if hidden else f"{what}, balanced_class_weight({_show(y)})"
    if not isinstance(got, dict):
        return _not_a_dict(got, where)
    got = _canonical(got)
    keys = sorted(expected, key=int)
    if len(keys) == 1 and keys[0] not in got and len(got) == 1:
        got = {keys[0]: next(iter(got.values()))}     # a single class: its weight, whatever its key
    elif len(keys) == 1 and keys[0] in got:
        got = {keys[0]: got[keys[0]]}
    problem = _key_problem(expected, got, hidden)
    if problem:
        return Outcome(False, f"{where}: {problem}")
    bad = [k for k in keys if not isinstance(got[k], (int, float)) or isinstance(got[k], bool)]
    if bad:
        return Outcome(False, f"{where}: the weight of label {bad[0]} is a {type(got[bad[0]]).__name__}, "
                              f"not a number")
    want = np.array([expected[k] for k in keys], dtype=np.float64)
    have = np.array([got[k] for k in keys], dtype=np.float64)
    if np.allclose(have, want, rtol=RTOL, atol=0.0):
        return Outcome(True)
    if hidden:
        msg = f"{where}: {int((~np.isclose(have, want, rtol=RTOL, atol=0.0)).sum())} of {len(keys)} weights differ"
    else:
        msg = f"{where}: expected {_dict(keys, want)}, got {_dict(keys, have)}"
    if not np.all(np.isfinite(have)):
        return Outcome(False, f"{msg}; some weights are inf or NaN (a count of 0 in a denominator?)")
    for value, explanation in _mistakes(y):
        if np.allclose(value, want, rtol=RTOL):
            continue            # this slip gives the right weights here: it explains nothing
        if np.allclose(have, value, rtol=1e-4):
            return Outcome(False, f"{msg}. Looks like {explanation}")
    return Outcome(False, msg)


def _show(y, n=8) -> str:
    values = list(np.asarray(y).reshape(-1))
    text = ", ".join(str(int(v)) for v in values[:n]) + (", …" if len(values) > n else "")
    kind = "a list" if isinstance(y, list) else f"an {np.asarray(y).dtype} array"
    return f"{kind} of {len(values)} labels [{text}]"


def _dict(keys, values) -> str:
    return "{" + ", ".join(f"{k}: {v:.6g}" for k, v in zip(keys, values)) + "}"


# =========================================================================== the outcome: training with the weights

def minority_recalls(x, y, x_test, y_test, weightings):
    """Minority (label 1) recall at 0.5 of a logistic regression trained with each class_weight dict.

    Each run starts from zero weights and a fresh Adam state and takes FIT_STEPS full-batch
    steps (one epoch over FIT_STEPS copies of the data, in order), so the runs differ only in
    their weights. The compiled model is kept for the next call with data of the same shape,
    which saves tracing the training step again, and each recall for the next call with the
    same data and weights (the unweighted and balanced runs of a check are the same every time).
    """
    import keras
    from ..probes import _QuietTensorFlow

    data = hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() for a in (x, y, x_test, y_test)))
    with _LOCK, _QuietTensorFlow():
        model, optimizer = _outcome_model(x.shape)
        xs = np.tile(x, (FIT_STEPS, 1))
        ys = np.tile(y, FIT_STEPS).astype(np.float32)[:, None]
        recalls = []
        for class_weight in weightings:
            key = (data.hexdigest(), tuple(sorted(class_weight.items())))
            if key in _RECALLS:                     # the same data and weights train the same model
                recalls.append(_RECALLS[key])
                continue
            keras.utils.set_random_seed(0)
            model.set_weights([np.zeros((x.shape[1], 1), np.float32), np.zeros(1, np.float32)])
            for v in optimizer.variables:
                if v.path.endswith(("iteration", "momentum", "velocity")):
                    v.assign(keras.ops.zeros(v.shape, v.dtype))
            model.fit(xs, ys, batch_size=len(x), epochs=1, shuffle=False, class_weight=class_weight,
                      verbose=0)
            scores = keras.ops.convert_to_numpy(model(x_test))[:, 0]
            recalls.append(float(((scores > 0.5) & (y_test == 1)).sum() / (y_test == 1).sum()))
            if len(_RECALLS) > 512:
                _RECALLS.clear()
            _RECALLS[key] = recalls[-1]
        return recalls


_LOCK = threading.Lock()
_MODELS: dict = {}
_RECALLS: dict = {}


def _outcome_model(shape):
    """One sigmoid unit with Adam(0.1), compiled once per data shape."""
    import keras
    if shape not in _MODELS:
        model = keras.Sequential([keras.Input(shape=(shape[1],)), keras.layers.Dense(1, activation="sigmoid")])
        optimizer = keras.optimizers.Adam(0.1)
        model.compile(optimizer=optimizer, loss="binary_crossentropy", steps_per_execution=FIT_STEPS)
        _MODELS[shape] = (model, optimizer)
    return _MODELS[shape]


def _outcome(rng):
    (x, y), (x_test, y_test) = outcome_set(rng)

    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("value", args=[y])
        if not isinstance(got, dict):
            return Outcome(False, f"returned a {type(got).__name__}; return a dict {{label: weight}}")
        got = _canonical(got)
        missing = [k for k in ("0", "1") if k not in got]
        if missing:
            return Outcome(False, f"no weight for label {missing[0]} (the labels are 0 and 1)")
        try:
            weights = {int(k): float(got[k]) for k in ("0", "1")}
        except (TypeError, ValueError):
            return Outcome(False, "the weights of labels 0 and 1 must be numbers")
        if not all(np.isfinite(w) and w >= 0 for w in weights.values()):
            return Outcome(False, "the weights must be finite numbers >= 0")
        reference = {int(k): float(v) for k, v in expected.items()}
        unweighted, balanced, yours = minority_recalls(x, y, x_test, y_test,
                                                       [{0: 1.0, 1: 1.0}, reference, weights])
        if yours >= balanced - RECALL_SLACK:
            return Outcome(True)
        if ctx.hidden:
            return Outcome(False, "trained with your weights, the model finds fewer of the minority class "
                                  "on the hidden set than with balanced weights")
        shown = {k: round(v, 4) for k, v in weights.items()}
        msg = (f"trained with your weights {shown} (class_weight in model.fit), the logistic regression "
               f"finds {yours:.0%} of the minority class on the test set (recall {yours:.3f}); balanced "
               f"weights reach {balanced:.3f}, no weights {unweighted:.3f}")
        have = np.array([weights[0], weights[1]])
        for value, explanation in _mistakes(y):
            if np.allclose(have, value, rtol=1e-4):
                return Outcome(False, f"{msg}. Looks like {explanation}")
        return Outcome(False, msg)
    return run


# =========================================================================== the checks

def _values(what, y):
    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("value", args=[y])
        return judge(expected, got, y, what, ctx.hidden)
    return run


def _keys(what, y):
    def run(ctx: Context) -> Outcome:
        expected, got = ctx.both("value", args=[y])
        return judge_keys(expected, got, y, what, ctx.hidden)
    return run


def _hidden_values(sets):
    def run(ctx: Context) -> Outcome:
        for i, (what, y) in enumerate(sets, 1):
            expected, got = ctx.both("value", args=[y])
            outcome = judge(expected, got, y, f"hidden label set {i} of {len(sets)} ({what})", ctx.hidden)
            if not outcome.passed:
                return outcome
        return Outcome(True)
    return run


TITLES = {
    "binary labels": ("binary labels (int64 array): the weights match scikit-learn's balanced weights", 2),
    "several classes": ("three to five classes (int32 array)", 2),
    "a Python list": ("a Python list of labels", 1),
    "a single class": ("a single class gets weight 1.0", 1),
    "labels that are not 0..k-1": ("the keys are the labels themselves, as ints (labels such as {0, 2, 7})", 1),
}
OUTCOME_TITLE = "a model trained with your weights reaches the minority recall of balanced weights"


def balanced_class_weight_checks(ex, rng, hidden) -> list[Check]:
    name = ex.name
    sets = label_sets(rng)
    outcome = _outcome(rng)
    weights = [(what, y) for what, y in sets if what != "labels that are not 0..k-1"]
    keys = [(what, y) for what, y in sets if what == "labels that are not 0..k-1"]
    if hidden:
        return [Check(name, "values on hidden label sets", 3, guarded(_hidden_values(weights)), hidden=True),
                Check(name, "keys on a hidden set of labels that are not 0..k-1", 1,
                      guarded(_keys(*keys[0])), hidden=True),
                Check(name, "outcome on a hidden imbalanced set", 2, guarded(outcome), hidden=True)]
    checks = [Check(name, TITLES[what][0], TITLES[what][1], guarded(_values(what, y))) for what, y in weights]
    checks += [Check(name, TITLES[what][0], TITLES[what][1], guarded(_keys(what, y))) for what, y in keys]
    checks.append(Check(name, OUTCOME_TITLE, 2, guarded(outcome)))
    return checks
