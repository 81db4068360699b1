"""Checks for chapter 05's `balanced_class_weight`: scikit-learn's "balanced" class weights as a dict.

`balanced_class_weight(y)` must return {label: n_samples / (n_classes * count)} for every
label present in `y`, keyed by the label itself as a Python int. The learner's dict comes
back through the `value` probe with its keys' types kept (an int key stays an int, a float
key 7.0 stays a float: autograder/wire.py). Three properties, one key each:

* `values`: the weights, label by label within 1e-6 relative, on binary labels, three to five
  classes and a single class. Every label set here is 0..k-1 and the keys are read leniently
  (a float key 2.0 or a text key "2" stands for label 2; a single class's only weight is read
  whatever its key), so that a slip in the keys costs only `keys`. When the public check fails,
  its message also shows what the weights do: a logistic regression trained with them as
  `class_weight` (by the answer key's exposed helper `minority_recalls`, beside the answer key:
  this module never imports Keras) against one trained with balanced weights.
* `keys`: on labels that are not 0..k-1, the keys are exactly the labels, each a Python int
  (not a float, not a position 0..k-1); the weights are not judged here.
* `list`: a Python list gives the same dict (keys, their types, weights) as the same labels in
  an int64 array; the formula is not judged here.

Hidden twins draw their label sets from the same generators with the grading seed.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import PASSED, Check, Context, Outcome, Problem, failed_call, find_slip, first_failure, guarded
from ..probes import FatalProbeError, ProbeError

RTOL = 1e-6
OUTCOME_N = 400             # points in the outcome's training set, and in its test set
HELPER = "answer_key.imbalance.minority_recalls"


class Shown:
    """A grader-made text shown as is in a message (not quoted as a str's repr would be)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self):
        return self.text


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
    """Labels that are not 0..k-1 (at least one above k-1, and never all of 0..k-1)."""
    k = int(rng.integers(3, 5))
    while True:
        labels = np.sort(rng.choice(12, size=k, replace=False))
        if labels[-1] > k - 1:
            return _several(rng, labels, np.int64)


def _single(rng):
    return np.full(int(rng.integers(5, 30)), int(rng.integers(0, 10)), dtype=np.int64)


def value_sets(rng):
    """(kind, y) for the `values` check: labels 0..k-1 (or one label), so that the keys cannot matter."""
    return [("binary labels (an int64 array)", _binary(rng)),
            ("three to five classes (an int32 array)", _several(rng)),
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


def _label_of(key):
    """The label a key stands for, read leniently (int 2, float 2.0, text "2"), else None."""
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, str):
        try:
            return int(key.strip())
        except ValueError:
            return None
    return None


def _lenient(got) -> dict:
    """{label: weight} from the learner's dict, keys read leniently (keys that stand for no label dropped)."""
    out = {}
    for key, value in got.items():
        label = _label_of(key)
        if label is not None and label not in out:
            out[label] = value
    return out


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _show(y, n=8) -> str:
    values = list(np.asarray(y).reshape(-1))
    text = ", ".join(str(int(v)) for v in values[:n]) + (", …" if len(values) > n else "")
    kind = "a list" if isinstance(y, list) else f"an {np.asarray(y).dtype} array"
    return f"balanced_class_weight({kind} of {len(values)} labels [{text}])"


def _dict_text(labels, values) -> Shown:
    return Shown("{" + ", ".join(f"{k}: {v:.6g}" for k, v in zip(labels, values)) + "}")


def _not_a_dict(got, kind, where, hidden) -> Outcome:
    return Outcome(False, Problem.TYPE, kind=kind, where=where, expected="a dict {label: weight}",
                   got=Shown(f"a {type(got).__name__}"),
                   detail=("the result must be a dict {label: weight}, one entry per label, as "
                           "model.fit(class_weight=...) takes") if hidden else "")


# =========================================================================== values

def judge_values(expected: dict, got, y, kind, where, hidden) -> Outcome:
    """The weights, label by label (keys read leniently: they have their own check)."""
    if not isinstance(got, dict):
        return _not_a_dict(got, kind, where, hidden)
    labels = sorted(expected)
    have = _lenient(got)
    if len(labels) == 1 and len(got) == 1:
        have = {labels[0]: next(iter(got.values()))}        # a single class: its weight, whatever its key
    missing = [k for k in labels if k not in have]
    if missing:
        return Outcome(False, Problem.VALUES, kind=kind, where=where,
                       expected=Shown(f"a weight for each label {labels}"),
                       got=Shown(f"keys {sorted(map(repr, got))}"),
                       slip="some labels present in y have no weight (one entry per label present)")
    if not all(_is_number(have[k]) for k in labels):
        return Outcome(False, Problem.TYPE, kind=kind, where=where, expected="numbers as weights",
                       got=Shown(", ".join(sorted({type(have[k]).__name__ for k in labels}))),
                       detail="the weights must be numbers (int or float)" if hidden else "")
    want = np.array([expected[k] for k in labels], dtype=np.float64)
    values = np.array([have[k] for k in labels], dtype=np.float64)
    close = np.isclose(values, want, rtol=RTOL, atol=0.0)
    if close.all():
        return PASSED
    nonfinite = not np.isfinite(values).all()
    slip = "" if nonfinite else find_slip(values, _mistakes(y), want, RTOL, 0.0)
    return Outcome(False, Problem.NONFINITE if nonfinite else Problem.VALUES, kind=kind, where=where,
                   expected=_dict_text(labels, want), got=_dict_text(labels, values),
                   differing=int((~close).sum()), of=len(labels), slip=slip,
                   advice="a count of 0 in a denominator?" if nonfinite else "")


def _outcome_advice(ctx: Context, data) -> str:
    """What the learner's weights do to a model (public messages only), or "" if it cannot be shown."""
    (x, y), (x_test, y_test) = data
    try:
        got = ctx.learner("value", args=[y])
        expected = ctx.key("value", args=[y])
    except FatalProbeError:
        raise
    except ProbeError:
        return ""
    if not isinstance(got, dict):
        return ""
    have = _lenient(got)
    if not all(k in have and _is_number(have[k]) and np.isfinite(have[k]) and have[k] >= 0 for k in (0, 1)):
        return ""
    yours = {0: float(have[0]), 1: float(have[1])}
    balanced = {int(k): float(v) for k, v in expected.items()}
    unweighted, best, mine = ctx.key("value", name=HELPER,
                                     args=[x, y, x_test, y_test, [{0: 1.0, 1: 1.0}, balanced, yours]])
    return (f"what such weights do: for an imbalanced training set ({int(y.sum())} of {len(y)} labels 1) your "
            f"function gives {_dict_text([0, 1], [yours[0], yours[1]])}; trained with them as "
            f"model.fit(class_weight=...), a logistic regression finds {mine:.0%} of the minority class of a "
            f"test set; balanced weights find {best:.0%}, no weights {unweighted:.0%}")


def _values(sets, data):
    def run(ctx: Context) -> Outcome:
        def judge(item):
            kind, y = item
            where = _show(y)
            try:
                expected, got = ctx.both("value", args=[y])
            except FatalProbeError:
                raise
            except ProbeError as exc:
                return failed_call(exc, kind=kind, where=where)
            return judge_values(expected, got, y, kind, where, ctx.hidden)
        outcome = first_failure(sets, judge)
        if outcome.passed or ctx.hidden or outcome.problem is not Problem.VALUES or data is None:
            return outcome
        advice = _outcome_advice(ctx, data)
        return replace(outcome, advice=advice) if advice else outcome
    return run


# =========================================================================== keys

def judge_keys(expected: dict, got, kind, where, hidden) -> Outcome:
    """Only the keys: exactly the labels present in y, each a Python int."""
    if not isinstance(got, dict):
        return _not_a_dict(got, kind, where, hidden)
    labels = sorted(expected)
    keys = list(got)
    if all(type(k) is int for k in keys) and set(keys) == set(labels):
        return PASSED
    shown = Shown("{" + ", ".join(repr(k) for k in keys[:8]) + (", …" if len(keys) > 8 else "") + "}")
    expected_keys = Shown("{" + ", ".join(str(k) for k in labels) + "} (ints)")
    if any(isinstance(k, float) for k in keys):
        return Outcome(False, Problem.TYPE, kind=kind, where=where, expected=expected_keys, got=shown,
                       detail="the keys must be the labels as Python ints" if hidden else "",
                       slip="the keys are floats (such as 0.0): use the labels themselves as Python ints, "
                            "int(label), as scikit-learn's classes are")
    if any(isinstance(k, str) for k in keys):
        return Outcome(False, Problem.TYPE, kind=kind, where=where, expected=expected_keys, got=shown,
                       detail="the keys must be the labels as Python ints" if hidden else "",
                       slip="the keys are text (such as '0'): use the labels themselves as Python ints")
    if any(not isinstance(k, int) or isinstance(k, bool) for k in keys):
        return Outcome(False, Problem.TYPE, kind=kind, where=where, expected=expected_keys, got=shown,
                       detail="the keys must be the labels as Python ints" if hidden else "")
    if set(keys) == set(range(len(labels))):
        slip = ("the keys are 0..n_classes-1, not the labels themselves: you numbered the classes (range or "
                "enumerate) instead of using each label as its key; model.fit would then give the other "
                "labels weight 1.0, silently")
    elif set(keys) < set(labels):
        slip = "some labels present in y have no key (one entry per label present)"
    elif set(keys) > set(labels):
        slip = "the dict has keys that are not labels of y (one entry per label present, and no others)"
    else:
        slip = ""
    return Outcome(False, Problem.VALUES, kind=kind, where=where, expected=expected_keys, got=shown, slip=slip)


def _keys(y):
    kind = "labels that are not 0..k-1"

    def run(ctx: Context) -> Outcome:
        where = _show(y) + ", its keys"
        try:
            expected, got = ctx.both("value", args=[y])
        except FatalProbeError:
            raise
        except ProbeError as exc:
            return failed_call(exc, kind=kind, where=where)
        return judge_keys(expected, got, kind, where, ctx.hidden)
    return run


# =========================================================================== a Python list

def _same(a, b) -> bool:
    """The same dict: the same keys of the same types, and weights equal within 1e-9."""
    if not (isinstance(a, dict) and isinstance(b, dict)) or list(map(type, a)) != list(map(type, b)):
        return False
    if set(a) != set(b):
        return False
    for k in a:
        if not (_is_number(a[k]) and _is_number(b[k])):
            if a[k] != b[k]:
                return False
        elif not np.isclose(float(a[k]), float(b[k]), rtol=1e-9, atol=0.0, equal_nan=True):
            return False
    return True


def _list(labels):
    kind = "a Python list of labels"

    def run(ctx: Context) -> Outcome:
        as_list = [int(v) for v in labels]
        where = _show(as_list)
        try:
            as_array = ctx.learner("value", args=[np.asarray(as_list, dtype=np.int64)])
        except FatalProbeError:
            raise
        except ProbeError:
            as_array = None                     # then the list's answer is judged against the reference alone
        try:
            got = ctx.learner("value", args=[as_list])
        except FatalProbeError:
            raise
        except ProbeError as exc:
            return failed_call(exc, kind=kind, where=where)
        present = set(np.unique(labels).tolist())
        if isinstance(as_array, dict) and set(_lenient(as_array)) == present:
            if _same(got, as_array):
                return PASSED
            return Outcome(False, Problem.VALUES, kind=kind, where=where,
                           expected=Shown(f"the dict the same labels in an int64 array give, {as_array!r}"),
                           got=got, slip="your code treats a list differently from an array: convert the "
                                         "labels first, np.asarray(y)")
        if not isinstance(got, dict):
            return _not_a_dict(got, kind, where, ctx.hidden)
        expected = ctx.key("value", args=[as_list])
        return judge_values(expected, got, labels, kind, where, ctx.hidden)
    return run


# =========================================================================== the checks

TITLES = {
    "values": "the weights are n_samples / (n_classes·count): binary labels, three to five classes, a single class",
    "keys": "the keys are the labels themselves, as Python ints (labels that are not 0..k-1)",
    "list": "a Python list of labels gives the same dict as an array",
}
WEIGHTS = {"values": 4, "keys": 2, "list": 1}


def balanced_class_weight_checks(ex, rng, hidden) -> list[Check]:
    name = ex.name
    values = value_sets(rng)
    keys = _sparse_labels(rng)
    listed = _several(rng, dtype=np.int64)
    data = None if hidden else outcome_set(rng)
    suffix = " (hidden label sets)" if hidden else ""
    runs = {"values": _values(values, data), "keys": _keys(keys), "list": _list(listed)}
    return [Check(name, key, TITLES[key] + suffix, WEIGHTS[key], guarded(runs[key]), hidden=hidden) for key in TITLES]
