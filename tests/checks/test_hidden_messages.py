"""Hidden checks' messages never show what the submission returned, raised or defined, nor a hidden input.

Every exercise is graded (in this process) against hostile submissions that return strings holding the
repr of their inputs, the inputs themselves or arrays made from them, raise exceptions carrying them,
return huge or odd objects (a 10 MB string, an object whose repr and class name are markers, nested
lists, dicts of the inputs) or dicts and tuples embedding input values. No hidden message may hold a
marker, a telltale of a hidden input or of what the submission returned (numbers printed with .4g, .5f
or repr, of 4 significant digits or more), nor the public renderer's `got [` / `expected [` /
`values differ`; every hidden message is short. The runner's own messages (a missing name, a shortcut,
a fatal error, the advice of an error) are attacked directly.
"""
from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from autograder import exercises
from autograder.checks import checks_for
from autograder.probes import FatalProbeError, ProbeError
from autograder.runner import InProcess, run_exercises
from autograder.targets import CachedReference

MARK = "ZQXLEAK"
HUGE = MARK + "x" * 10_000_000          # 10 MB of text
SEEDS = (3, 11)
MAX_HIDDEN = 600
FORBIDDEN_TEXT = ("got [", "expected [", "values differ")
NAMES = [ex.name for ex in exercises.EXERCISES]
VALUE_EXERCISES = {"balanced_class_weight", "diagnose", "threshold_for_recall"}
TUPLE_SIZES = {"confusion_counts": 4, "precision_recall_f1": 3}


@pytest.fixture(scope="module")
def reference():
    from autograder.references import namespace
    return CachedReference(namespace())


# --------------------------------------------------------------------------- telltales

def _numbers_in(obj, seen, out):
    """Every number an object holds: arrays, Python and NumPy numbers, in lists, tuples, dicts, dataclasses
    and the closures of functions (a check's inputs)."""
    if id(obj) in seen or isinstance(obj, (str, bytes, bool, type)) or obj is None:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "biuf":
            out.append(np.asarray(obj, np.float64).ravel())
    elif isinstance(obj, (int, float, np.number)):
        out.append(np.array([float(obj)]))
    elif isinstance(obj, (list, tuple, set)):
        for item in obj:
            _numbers_in(item, seen, out)
    elif isinstance(obj, dict):
        for key, item in obj.items():
            _numbers_in(key, seen, out)
            _numbers_in(item, seen, out)
    elif dataclasses.is_dataclass(obj):
        for item in vars(obj).values():
            _numbers_in(item, seen, out)
    elif callable(obj) and getattr(obj, "__closure__", None):
        for cell in obj.__closure__:
            try:
                _numbers_in(cell.cell_contents, seen, out)
            except ValueError:          # an empty cell
                pass


def telltales(values, digits=4) -> set:
    """How these numbers would look in a message: .4g, .5f and repr, when that shows >= `digits` digits."""
    out = set()
    arrays = []
    _numbers_in(values, set(), arrays)
    for a in arrays:
        for v in a[np.isfinite(a)][:5000]:
            for text in (f"{v:.4g}", f"{v:.5f}", repr(float(v))):
                significant = re.sub(r"\D", "", text.split("e")[0]).strip("0")
                if len(significant) >= digits:
                    out.add(text)
    return out


def hidden_input_telltales(name, seed) -> set:
    return telltales([c.run for c in checks_for(name, seed) if c.hidden])


# --------------------------------------------------------------------------- what the hostile code saw

class Log:
    """What the hostile code received and returned once the hidden checks started."""

    def __init__(self):
        self.hidden = False
        self.seen = []

    def keep(self, *values):
        if self.hidden:
            for v in values:
                self.seen.append(_concrete(v))

    def start_hidden(self):
        self.hidden = True


def _concrete(value):
    """NumPy values of tensors (symbolic ones dropped), recursively."""
    if isinstance(value, (list, tuple)):
        return [_concrete(v) for v in value]
    if isinstance(value, dict):
        return {k: _concrete(v) for k, v in value.items()}
    if hasattr(value, "numpy") and callable(value.numpy):
        try:
            return np.asarray(value.numpy())
        except Exception:           # symbolic (inside tf.function)
            return None
    return value


def _text_of(args, kwargs):
    try:
        return repr(args) + repr(kwargs)
    except Exception:
        return "?"


def _main_input(name, args):
    """The float input the answer is made from: y_pred, scores, per_sample, the loss history..."""
    if name == "diagnose":
        return np.asarray(args[0]["loss"], np.float64)
    if name in ("balanced_class_weight", "reduce_loss"):
        return args[0]
    return args[1] if len(args) > 1 else args[0]


def _odd(kind, args, kwargs):
    """Huge or odd objects."""
    if kind == "dict":
        return {MARK: args, "kwargs": kwargs}
    if kind == "huge":
        return HUGE
    if kind == "object":
        text = MARK + _text_of(args, kwargs)
        return type(MARK + "Type", (), {"__repr__": lambda self: text, "__str__": lambda self: text})()
    if kind == "nested":
        return [[[[MARK, 1.2345678]]], [[[2.3456789]]]]
    raise AssertionError(kind)


def _floats(x):
    return [float(v) for v in np.asarray(x, np.float64).ravel()]


def _embedded(name, args, kwargs, which):
    """(e): a dict or tuple of the exercise's form, embedding input values."""
    if name == "balanced_class_weight":
        labels = sorted({int(v) for v in np.asarray(args[0]).ravel()})
        return [{k: 1.2345678 * (i + 1) + float(k) / 7 for i, k in enumerate(labels)},
                {MARK + _text_of(args, kwargs)[:500]: 1.0},
                {float(k) + 0.000123: float(k) / 3 for k in labels},
                {k: float("inf") if i == 0 else 1.2345678 for i, k in enumerate(labels)}][which]
    if name == "diagnose":
        loss = _floats(args[0]["loss"])
        return [(MARK + _text_of(args, kwargs)[:500],), loss[:3], {"pattern": "healthy", "loss": loss[:3]},
                ["overfitting"], " Healthy", "LEARNING-RATE-TOO-HIGH"][which]
    if name == "threshold_for_recall":
        scores = _floats(args[1])
        return [(scores[0] * 1.000123, float(args[2]) * 1.000123), (float(args[2]), MARK),
                (scores[0], scores[1], scores[2])][which]
    if name in TUPLE_SIZES:
        import keras
        y = keras.ops.convert_to_tensor(args[1])
        size = TUPLE_SIZES[name]
        return [tuple(keras.ops.sum(y) * (1.000123 + i) for i in range(size)),
                (MARK,) + tuple(1.0 for _ in range(size - 1)),
                tuple(y * 1.000123 for _ in range(size))][which]
    return None


def behaviour(name, variant, log):
    """A function answering like a hostile submission of exercise `name`."""
    def hostile(*args, **kwargs):
        log.keep(args, kwargs)
        kind, _, which = variant.partition(":")
        if kind == "repr":
            out = MARK + _text_of(args, kwargs)
        elif kind == "echo":
            x = _main_input(name, args)
            out = _floats(x)[:50] if name in VALUE_EXERCISES else x * 1.000123
        elif kind == "inputs":
            out = args if name not in VALUE_EXERCISES else list(args)
        elif kind == "raise":
            raise ValueError(MARK + _text_of(args, kwargs)[:5000])
        elif kind == "probe-error":
            raise ProbeError(MARK + _text_of(args, kwargs)[:500], advice=MARK + " advice")
        elif kind == "odd":
            out = _odd(which, args, kwargs)
        elif kind == "embedded":
            out = _embedded(name, args, kwargs, int(which))
        else:
            raise AssertionError(variant)
        log.keep(out)
        return out
    return hostile


def hostile_weighted_mse(variant, log):
    import keras

    def call(self, y_true, y_pred):
        return behaviour("WeightedMSE", variant, log)(y_true, y_pred, high_penalty=self.high_penalty)

    def __init__(self, high_penalty=2.0, name="weighted_mse", **kwargs):
        keras.losses.Loss.__init__(self, name=name, **kwargs)
        self.high_penalty = high_penalty

    def get_config(self):
        return {**keras.losses.Loss.get_config(self), "high_penalty": self.high_penalty, MARK: MARK}

    return type(MARK + "Loss", (keras.losses.Loss,), {"__init__": __init__, "call": call, "get_config": get_config})


def hostile_f1_score(variant, log):
    import keras

    def __init__(self, threshold=0.5, name="f1", **kwargs):
        keras.metrics.Metric.__init__(self, name=name, **kwargs)
        self.threshold = threshold
        self.batches = []

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.batches.append((y_true, y_pred))

    def result(self):
        y_true, y_pred = self.batches[-1] if self.batches else (np.zeros(1), np.full(1, 0.4321987))
        return behaviour("F1Score", variant, log)(y_true, y_pred)

    def reset_state(self):
        self.batches = []

    return type(MARK + "Metric", (keras.metrics.Metric,),
                {"__init__": __init__, "update_state": update_state, "result": result, "reset_state": reset_state})


GENERIC = ["repr", "echo", "inputs", "raise", "probe-error", "odd:dict", "odd:huge", "odd:object", "odd:nested"]
EMBEDDED = {"diagnose": 6, "balanced_class_weight": 4, "threshold_for_recall": 3, "confusion_counts": 3,
            "precision_recall_f1": 3}
DERIVED = ("repr", "echo", "embedded")     # what the later seeds try again (answers made from the inputs)


def variants(name, first=True):
    every = GENERIC + [f"embedded:{i}" for i in range(EMBEDDED.get(name, 0))]
    return every if first else [v for v in every if v.partition(":")[0] in DERIVED]


def namespace_for(name, variant, log):
    if name == "WeightedMSE":
        return {name: hostile_weighted_mse(variant, log)}
    if name == "F1Score":
        return {name: hostile_f1_score(variant, log)}
    ns = {name: behaviour(name, variant, log)}
    if name == "precision_recall_f1":          # its checks may call the learner's confusion_counts
        ns["confusion_counts"] = behaviour("confusion_counts", variant, log)
    return ns


# --------------------------------------------------------------------------- the attack

def assert_hidden_messages_clean(results, tells, markers=(MARK,)):
    hidden = [r for r in results if r.hidden]
    assert hidden, "no hidden check ran"
    for r in hidden:
        text = r.message
        assert len(text) < MAX_HIDDEN, (r.exercise, r.key, len(text), text[:300])
        for bad in FORBIDDEN_TEXT + tuple(markers):
            assert bad not in text, (r.exercise, r.key, bad, text)
        leaked = [t for t in tells if t in text]
        assert not leaked, (r.exercise, r.key, leaked[:5], text)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_messages_of_hostile_submissions_show_nothing_of_theirs(name, reference):
    for i, seed in enumerate(SEEDS):
        tells = hidden_input_telltales(name, seed)
        assert tells or name == "balanced_class_weight", name
        for variant in variants(name, first=i == 0):
            log = Log()
            target = InProcess(namespace_for(name, variant, log))
            results = run_exercises([name], target, seed=seed, before_hidden=log.start_hidden, reference=reference)
            assert any(not r.passed for r in results if r.hidden), (name, variant)
            assert_hidden_messages_clean(results, tells | telltales(log.seen))
            for r in results:                 # public messages are bounded too
                assert len(r.message) < 2000, (name, variant, r.key, r.message[:300])


# --------------------------------------------------------------------------- the runner's own messages

def _answer(*args, **kwargs):
    raise ValueError("not this one")


def test_a_missing_exercise_names_no_learner_name_in_hidden_messages(reference):
    marker = MARK.lower()
    ns = {marker + "_" + "a" * 5000: _answer, marker + "_mse": _answer, "mes": _answer}
    results = run_exercises(["mse"], InProcess(ns), seed=5, reference=reference)
    assert_hidden_messages_clean(results, set(), markers=(marker, "mes"))
    public = [r for r in results if not r.hidden]
    assert all(len(r.message) < MAX_HIDDEN for r in public), [len(r.message) for r in public]
    assert "did you mean mes?" in public[0].message


def test_a_shortcut_message_shows_only_the_graders_names_in_hidden_checks(reference):
    written = "(" + repr(MARK + "y" * 10000) + ").metrics.F1Score"
    ns = {"F1Score": hostile_f1_score("echo", Log())}
    results = run_exercises(["F1Score"], InProcess(ns), seed=5, static_shortcuts={"F1Score": [written]},
                            reference=reference)
    assert all(r.score == 0 for r in results)
    assert_hidden_messages_clean(results, set())
    assert all(len(r.message) < MAX_HIDDEN for r in results)
    assert any("keras.metrics.F1Score" in r.message for r in results if r.hidden)


class _Breaking(InProcess):
    """Answers until the hidden checks start, then fails as a sandbox whose child sent garbage would."""

    def __init__(self, namespace, error):
        super().__init__(namespace)
        self.hidden, self.error = False, error

    def start_hidden(self):
        self.hidden = True

    def probe(self, op, name, **params):
        if self.hidden:
            raise self.error
        return super().probe(op, name, **params)


@pytest.mark.parametrize("error", [
    FatalProbeError(f"mae the submission's process sent an unreadable answer (malformed message: the dict key "
                    f"'{MARK}' is given twice)"),
    FatalProbeError(f"mae the submission's process sent an unreadable answer (message of 1234567 bytes is over "
                    f"the 1000-byte limit) {MARK}"),
    ProbeError(MARK, advice=f" — {MARK} 1234567"),
], ids=["fatal-key", "fatal-size", "advice"])
def test_errors_met_in_hidden_checks_bring_no_text_of_the_submission(error, reference):
    target = _Breaking({"mae": lambda y_true, y_pred: np.mean(np.abs(y_true - y_pred), axis=-1)}, error)
    results = run_exercises(["mae"], target, seed=5, before_hidden=target.start_hidden, reference=reference)
    assert_hidden_messages_clean(results, {"1234567"})
    assert all(not r.passed for r in results if r.hidden)


def test_a_fatal_error_of_the_public_checks_reaches_hidden_ones_without_its_text(reference):
    class Dies(InProcess):
        def probe(self, op, name, **params):
            raise FatalProbeError(f"mae the submission's process sent an unreadable answer ({MARK})")
    results = run_exercises(["mae"], Dies({"mae": _answer}), seed=5, reference=reference)
    assert_hidden_messages_clean(results, set())
    assert any(MARK in r.message for r in results if not r.hidden)       # public checks say everything
