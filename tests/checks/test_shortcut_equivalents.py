"""Meaning, not identity: every ready-made equivalent of an exercise that ships in the sandbox is forbidden.

The candidates are enumerated from the installed libraries: every public callable
of Keras's losses, metrics and ops, TensorFlow's (`tf.keras`, `tf.losses`,
`tf.metrics`, `tf.nn`, `tf.math`, `tf.keras.backend`, `tf.compat.v1`, `tf.raw_ops`),
Keras's internal `keras.src` loss, metric, legacy and nn modules, and scikit-learn's
metrics and class-weight helpers. Each is called with an exercise's sample inputs
in the forms a library takes them (probabilities or logits, scores or thresholded
predictions, `labels=`/`logits=` keywords; classes instantiated with the usual
arguments and called), and a candidate whose output reproduces the answer key's
(its values, their batch mean, or the per-element values the answer averages or
sums) must be forbidden for that exercise, or be a building block on BUILDING_BLOCKS
with the reason the exercise allows it. Each forbidden equivalent must then be
caught in the source (written as a learner would, or imported under another name)
and by the tripwires (called while that exercise is probed).

The hostile submissions tests/submissions/hostile/shortcut_*.py answer some
exercises with TensorFlow's and scikit-learn's equivalents: graded by the real
command line, in the sandbox, those exercises score 0 and say why, and the other
exercises of the file keep their points.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import io
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from autograder import exercises, references
from autograder.probes import Tripwires, _resolve
from autograder.shortcuts import find_shortcuts

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "submissions" / "hostile"

# Where ready-made answers live: searched attribute by attribute ("tensorflow.losses" is an attribute of
# tensorflow, not a module), plus every keras.src module about losses, metrics or nn (_keras_internals).
NAMESPACES = (
    "keras.losses", "keras.metrics", "keras.ops", "keras.ops.nn",
    "tensorflow.keras.losses", "tensorflow.keras.metrics", "tensorflow.keras.backend",
    "tensorflow.losses", "tensorflow.metrics", "tensorflow.nn", "tensorflow.math",
    "tensorflow.compat.v1.losses", "tensorflow.compat.v1.nn", "tensorflow.compat.v1.math",
    "tensorflow.raw_ops",
    "sklearn.metrics", "sklearn.utils", "sklearn.utils.class_weight",
)


def _changes_settings(attr: str) -> bool:
    """Never called: it changes the process's settings (keras.backend.set_epsilon(array) breaks Keras)."""
    return attr.startswith("set_") or attr == "clear_session"


# Library callables that reproduce an answer on these inputs but are building blocks the exercise
# allows: {exercise: {path: why}}. Everything else that reproduces an answer must be forbidden.
WEIGHTED_SUM = "a weighted sum, as ops.sum(values * weights); the exercise is built from such blocks"
WEIGHTED_MEAN = "a weighted mean, as np.average(values, weights=...); the exercise is built from such blocks"
INNER_PRODUCT = "an inner product (sum of products), as keras.ops allows; the exercise is built from such blocks"
INNER_PRODUCTS = {f"keras.ops.{op}": INNER_PRODUCT for op in ("correlate", "dot", "inner", "matmul", "vdot")}
BUILDING_BLOCKS = {
    "mse": {"tensorflow.math.squared_difference": "the squared error element by element: the exercise's "
                                                  "first step, as ops.square(y_true - y_pred)"},
    "confusion_counts": {"keras.metrics.Sum": WEIGHTED_SUM, **INNER_PRODUCTS},
    "precision_recall_f1": {"keras.metrics.Mean": WEIGHTED_MEAN,
                            "tensorflow.compat.v1.losses.compute_weighted_loss": WEIGHTED_MEAN},
    "reduce_loss": {"keras.metrics.Mean": WEIGHTED_MEAN, "keras.metrics.Sum": WEIGHTED_SUM, **INNER_PRODUCTS},
}
# Exercises no library answers: their answers are words (diagnose), need an argument no library has
# (WeightedMSE's high_penalty) or are a whole procedure graded by its outcome (decide: train, choose a
# threshold on validation, decide); a test checks that no other exercise is left out.
NO_SAMPLES = {"diagnose", "WeightedMSE", "decide"}


# --------------------------------------------------------------------------- reproducing an answer

def _close(a, b) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-4, atol=1e-6))


def per_sample(answer, outputs) -> bool:
    """The values, their batch mean, or per-element values whose mean or sum over the last axis they are."""
    answer = np.asarray(answer, dtype=np.float64)
    for out in outputs:
        if _close(out, answer) or _close(out, answer.mean()):
            return True
        if out.ndim == answer.ndim + 1 and out.shape[:-1] == answer.shape and \
                (_close(out.mean(-1), answer) or _close(out.sum(-1), answer)):
            return True
    return False


def per_element(answer, outputs) -> bool:
    """The values, or their mean."""
    answer = np.asarray(answer, dtype=np.float64)
    return any(_close(out, answer) or _close(out, answer.mean()) for out in outputs)


def counts(answer, outputs) -> bool:
    """One of the four counts alone, or all four in any layout (a confusion matrix)."""
    values = sorted(float(v) for v in answer)
    return any((out.size == 1 and any(_close(out.reshape(()), v) for v in values))
               or (out.size == 4 and _close(np.sort(out.ravel()), values)) for out in outputs)


def one_of(answer, outputs) -> bool:
    """One of the answer's numbers, alone or in a small array (per-class results)."""
    targets = np.ravel(np.asarray(answer, dtype=np.float64))
    return any(out.size <= 4 and np.isclose(out.ravel()[:, None], targets[None, :], rtol=1e-4, atol=1e-6).any()
               for out in outputs)


def class_weights(answer, outputs) -> bool:
    """The weights: as one value per class or per sample."""
    weights = np.sort(np.asarray(list(answer.values()), dtype=np.float64))
    return any(out.ndim == 1 and out.size and _close(np.unique(np.round(out, 9)), np.round(weights, 9))
               for out in outputs)


# --------------------------------------------------------------------------- sample inputs
# Small: a candidate that takes an input as a list of axes (expand_dims) must stay below TensorFlow's
# limit of 254 dimensions, past which it aborts the whole process.

@dataclass(frozen=True)
class Case:
    """One input: how the answer key is called, and the forms a library may take the same input in."""
    args: tuple
    kwargs: dict
    forms: tuple                  # ((args, kwargs), ...)


@dataclass(frozen=True)
class Samples:
    cases: tuple
    reproduces: Callable          # (answer, [arrays a candidate returned]) -> bool
    inits: tuple = (((), {}),)    # how a candidate class is instantiated
    answer: Callable | None = None    # (reference, case) -> the answer; default reference(*args, **kwargs)


def _rng():
    return np.random.default_rng(20)


def _rows(rng, shape):
    x = rng.uniform(0.05, 1.0, size=shape)
    return (x / x.sum(-1, keepdims=True)).astype("float32")


def _regression():
    rng = _rng()
    y_true = rng.normal(size=(6, 3)).astype("float32")
    y_pred = (y_true + 1.5 * rng.normal(size=(6, 3))).astype("float32")
    return (Case((y_true, y_pred), {}, (((y_true, y_pred), {}),
                                        ((), {"labels": y_true, "predictions": y_pred}))),)


def _binary():
    rng = _rng()
    y_true = rng.integers(0, 2, size=(6, 3)).astype("float32")
    logits = (2 * rng.normal(size=(6, 3))).astype("float32")
    p = (1 / (1 + np.exp(-logits))).astype("float32")
    return (Case((y_true, p), {}, (((y_true, p), {}), ((y_true.ravel(), p.ravel()), {}),
                                   ((), {"labels": y_true, "predictions": p}))),
            Case((y_true, logits), {"from_logits": True},
                 (((y_true, logits), {}), ((), {"labels": y_true, "logits": logits}),
                  ((), {"multi_class_labels": y_true, "logits": logits}),
                  ((), {"labels": y_true, "logits": logits, "pos_weight": 1.0}),
                  ((), {"targets": y_true, "logits": logits, "pos_weight": 1.0}))))


def _categorical():
    rng = _rng()
    y_true = _rows(rng, (6, 4))         # soft labels: one-hot ones would make KL divergence equal it
    logits = (2 * rng.normal(size=(6, 4))).astype("float32")
    p = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype("float32")
    return (Case((y_true, p), {}, (((y_true, p), {}),)),
            Case((y_true, logits), {"from_logits": True},
                 (((y_true, logits), {}), ((), {"labels": y_true, "logits": logits}),
                  ((), {"onehot_labels": y_true, "logits": logits}), ((), {"labels": y_true, "features": logits}))))


def _sparse():
    rng = _rng()
    labels = rng.integers(0, 4, size=6)
    logits = (2 * rng.normal(size=(6, 4))).astype("float32")
    p = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype("float32")
    y_true = labels.astype("float32")
    return (Case((y_true, p), {}, (((y_true, p), {}), ((labels, p), {}))),
            Case((y_true, logits), {"from_logits": True},
                 (((y_true, logits), {}), ((), {"labels": labels, "logits": logits}),
                  ((), {"labels": labels, "features": logits}))))


def _hinge():
    rng = _rng()
    y_true = rng.integers(0, 2, size=(6, 3)).astype("float32")
    y_pred = rng.normal(size=(6, 3)).astype("float32")
    return (Case((y_true, y_pred), {}, (((y_true, y_pred), {}), ((2 * y_true - 1, y_pred), {}),
                                        ((2 * y_true.ravel() - 1, y_pred.ravel()), {}),
                                        ((), {"labels": y_true, "logits": y_pred}))),)


def _poisson():
    rng = _rng()
    y_true = rng.poisson(2.0, size=(6, 3)).astype("float32")
    y_pred = rng.uniform(0.5, 3.0, size=(6, 3)).astype("float32")
    return (Case((y_true, y_pred), {}, (((y_true, y_pred), {}), ((y_true, np.log(y_pred)), {}),
                                        ((), {"targets": y_true, "log_input": np.log(y_pred)}))),)


def _kl():
    rng = _rng()
    y_true, y_pred = _rows(rng, (6, 4)), _rows(rng, (6, 4))
    return (Case((y_true, y_pred), {}, (((y_true, y_pred), {}),)),)


def _accuracy():
    rng = _rng()
    y_true = rng.integers(0, 2, size=(6, 3)).astype("float32")
    scores = rng.uniform(size=(6, 3)).astype("float32")
    return (Case((y_true, scores), {}, (((y_true, scores), {}),)),)


def _confusion(column=False):
    """tp=2, fp=3, fn=6, tn=11: no count equals the positives (8), negatives (14), predicted positives (5),
    predicted negatives (17) or the size (22); precision 0.4, recall 0.25, f1 4/13."""
    y_true = np.array([1] * 2 + [0] * 3 + [1] * 6 + [0] * 11, dtype="float32")
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.95] + [0.1, 0.3, 0.45, 0.2, 0.05, 0.4] + [0.15, 0.35] * 5 + [0.25],
                      dtype="float32")
    order = _rng().permutation(len(y_true))
    y_true, scores = y_true[order], scores[order]
    if column:
        y_true, scores = y_true[:, None], scores[:, None]
    predicted = (scores > 0.5).astype("int64")
    labels = y_true.astype("int64")
    return (Case((y_true, scores), {}, (((y_true, scores), {}), ((y_true, predicted), {}), ((labels, predicted), {}),
                                        ((labels.ravel(), predicted.ravel()), {}),
                                        ((labels.astype(bool), predicted.astype(bool)), {}),
                                        ((), {"labels": labels, "predictions": predicted}),
                                        ((labels, predicted), {"num_classes": 2}))),)


def _ranking():
    rng = np.random.default_rng(21)
    y_true = rng.integers(0, 2, size=48).astype("float32")
    scores = np.clip(0.3 * y_true + 0.7 * rng.uniform(size=48), 0, 1).astype("float32")
    return (Case((y_true, scores, 0.7), {}, (((y_true, scores), {}),)),)


def _reduction():
    rng = _rng()
    values = rng.uniform(0.1, 2.0, size=7).astype("float32")
    weights = rng.uniform(0.2, 1.5, size=7).astype("float32")
    forms = (((values, weights), {}), ((), {"losses": values, "weights": weights}),
             ((), {"per_example_loss": values, "sample_weight": weights}),
             ((), {"values": values, "sample_weight": weights}))
    # "none" is left out: values times weights, one multiplication
    return tuple(Case((values, weights, r), {}, forms)
                 for r in ("sum", "sum_over_batch_size", "mean", "mean_with_sample_weight"))


def _labels():
    y = np.array([0] * 5 + [2] * 2 + [7] * 3, dtype="int64")
    return (Case((y,), {}, (((y,), {}), (("balanced", y), {}),
                            ((), {"class_weight": "balanced", "classes": np.unique(y), "y": y}))),)


def _calibration():
    """Probabilities of the positive class in every one of ten bins, labels drawn from a miscalibrated truth."""
    rng = np.random.default_rng(22)
    probs = np.clip(np.repeat(np.arange(10) / 10, 4) + rng.uniform(0.01, 0.09, size=40), 0, 1)
    y_true = (rng.uniform(size=40) < probs ** 1.5).astype("float64")
    return (Case((y_true, probs), {}, (((y_true, probs), {}), ((y_true, probs), {"n_bins": 10}),
                                       ((), {"y_true": y_true, "y_prob": probs}))),)


def _precision(reference, case):
    return reference(*case.args, **case.kwargs)[1]     # (threshold, precision): a grid point alone is no answer


def _stream(reference, case):
    metric = reference()
    metric.update_state(*case.args)
    return metric.result()


REGRESSION = Samples(_regression(), per_sample)
SAMPLES = {
    "binary_accuracy": Samples(_accuracy(), per_element),
    "mse": REGRESSION, "mae": REGRESSION, "huber": REGRESSION, "log_cosh": REGRESSION, "mse_l1": REGRESSION,
    "binary_crossentropy": Samples(_binary(), per_sample),
    "categorical_crossentropy": Samples(_categorical(), per_sample),
    "sparse_categorical_crossentropy": Samples(_sparse(), per_sample),
    "hinge": Samples(_hinge(), per_sample),
    "poisson": Samples(_poisson(), per_sample),
    "kl_divergence": Samples(_kl(), per_sample),
    "binary_focal_crossentropy": Samples(_binary(), per_sample),
    "balanced_class_weight": Samples(_labels(), class_weights),
    "confusion_counts": Samples(_confusion(), counts, inits=(((), {}), ((), {"thresholds": 0.5}))),
    "precision_recall_f1": Samples(_confusion(), one_of,
                                   inits=(((), {}), ((), {"thresholds": 0.5}), ((), {"threshold": 0.5}))),
    "threshold_for_recall": Samples(_ranking(), one_of, inits=(((0.7,), {}), ((0.7,), {"num_thresholds": 200})),
                                    answer=_precision),
    "reduce_loss": Samples(_reduction(), one_of),
    "F1Score": Samples(_confusion(column=True), one_of, inits=(((), {}), ((), {"threshold": 0.5})), answer=_stream),
    "expected_calibration_error": Samples(_calibration(), one_of),
}


# --------------------------------------------------------------------------- the candidates

def _lookup(path: str):
    """The object at a dotted path, attribute by attribute (importing submodules as needed), or None."""
    parts = path.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=2):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                return None
    return obj


def _keras_internals() -> list[str]:
    import keras  # noqa: F401  (imports keras.src)
    return sorted(name for name in list(sys.modules) if name.startswith("keras.src.")
                  and (any(word in name for word in ("loss", "metric", "legacy")) or name.endswith(".nn")))


@functools.cache
def candidates() -> dict[int, tuple[object, tuple[str, ...]]]:
    """{id: (callable, the paths it is published at)} for every public callable of NAMESPACES."""
    import tensorflow  # noqa: F401
    found: dict[int, tuple[object, list[str]]] = {}
    for namespace in NAMESPACES + tuple(_keras_internals()):
        module = _lookup(namespace)
        assert module is not None, namespace
        for attr in dir(module):
            if attr.startswith("_"):
                continue
            try:
                obj = getattr(module, attr)
            except Exception:
                continue
            if callable(obj) and not inspect.ismodule(obj) and not _changes_settings(attr):
                found.setdefault(id(obj), (obj, []))[1].append(f"{namespace}.{attr}")
    return {key: (obj, tuple(paths)) for key, (obj, paths) in found.items()}


def _as_arrays(out) -> list[np.ndarray]:
    """What a candidate returned, as float arrays (items of a tuple, list or dict each on its own)."""
    items = out.values() if isinstance(out, dict) else out if isinstance(out, (tuple, list)) else [out]
    arrays = []
    for item in items:
        try:
            array = np.asarray(item)
        except Exception:
            continue
        if array.dtype.kind in "biuf":
            arrays.append(array.astype(np.float64))
    return arrays


def _call(obj, args, kwargs, init):
    """obj(*args, **kwargs), or obj(*init)(*args, **kwargs) for a class; silent."""
    args = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in args)
    kwargs = {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(obj, type):
            obj = obj(*init[0], **init[1])
        return obj(*args, **kwargs)


@dataclass(frozen=True)
class Equivalent:
    obj: object
    paths: tuple
    args: tuple              # the call that reproduced the answer
    kwargs: dict
    init: tuple | None


def _answer(name, samples, case):
    reference = references.namespace()[name]
    got = samples.answer(reference, case) if samples.answer else reference(*case.args, **case.kwargs)
    if isinstance(got, tuple):
        return np.array([float(np.asarray(v)) for v in got])
    return got if isinstance(got, dict) else np.asarray(got)


def _reproduction(obj, samples, answers) -> tuple | None:
    inits = samples.inits if isinstance(obj, type) else (None,)
    for case, answer in zip(samples.cases, answers):
        for args, kwargs in case.forms:
            for init in inits:
                try:
                    out = _call(obj, args, kwargs, init)
                except BaseException:         # most candidates refuse most inputs
                    continue
                with np.errstate(all="ignore"):
                    if out is not None and samples.reproduces(answer, _as_arrays(out)):
                        return args, kwargs, init
    return None


@functools.cache
def equivalents(name: str) -> tuple[Equivalent, ...]:
    """The library callables that reproduce exercise `name`'s answer on its sample inputs."""
    samples = SAMPLES[name]
    answers = [_answer(name, samples, case) for case in samples.cases]
    import keras
    settings = keras.config.epsilon(), keras.config.floatx(), keras.config.image_data_format()
    found = []
    for obj, paths in candidates().values():
        how = _reproduction(obj, samples, answers)
        if how is not None:
            found.append(Equivalent(obj, paths, *how))
    assert (keras.config.epsilon(), keras.config.floatx(), keras.config.image_data_format()) == settings
    return tuple(found)


def forbidden_objects(name: str) -> set[int]:
    return {id(_resolve(dotted)) for dotted in exercises.exercise(name).forbidden}


def forbidden_equivalents(name: str) -> list[Equivalent]:
    ids = forbidden_objects(name)
    return [eq for eq in equivalents(name) if id(eq.obj) in ids]


NAMES = sorted(SAMPLES)


# --------------------------------------------------------------------------- enumeration

def test_every_exercise_but_those_no_library_answers_has_sample_inputs():
    assert {ex.name for ex in exercises.EXERCISES} - set(SAMPLES) == NO_SAMPLES


@pytest.mark.parametrize("name", [n for n in NAMES if exercises.exercise(n).forbidden])
def test_the_enumeration_finds_the_exercise_s_own_counterpart(name):
    """The search works: the first object the registry forbids (the counterpart) is among what it finds."""
    counterpart = _resolve(exercises.exercise(name).forbidden[0])
    assert any(eq.obj is counterpart for eq in equivalents(name))


@pytest.mark.parametrize("name", NAMES)
def test_every_ready_made_equivalent_in_the_installed_libraries_is_forbidden(name):
    ids = forbidden_objects(name)
    allowed = BUILDING_BLOCKS.get(name, {})
    open_ = [eq.paths for eq in equivalents(name) if id(eq.obj) not in ids and not set(eq.paths) & set(allowed)]
    assert open_ == []


@pytest.mark.parametrize("name", sorted(BUILDING_BLOCKS))
def test_each_allowed_building_block_reproduces_the_answer_and_is_not_forbidden(name):
    """The allow-list holds no stale entry: each one is found by the search and stays callable."""
    found = {path for eq in equivalents(name) for path in eq.paths}
    ids = forbidden_objects(name)
    for path in BUILDING_BLOCKS[name]:
        assert path in found, path
        assert id(_lookup(path)) not in ids, path


# --------------------------------------------------------------------------- caught in the source

def _as_written(path: str) -> str:
    return "tf." + path[len("tensorflow."):] if path.startswith("tensorflow.") else path


def _attribute_source(name, path):
    return (f"import keras\nimport sklearn\nimport tensorflow as tf\n\n\n"
            f"def {name}(*args, **kwargs):\n    return {_as_written(path)}(*args, **kwargs)\n")


def _imported_source(name, path):
    module, _, attr = path.rpartition(".")
    return (f"from {module} import {attr} as ready_made\n\n\n"
            f"def {name}(*args, **kwargs):\n    return ready_made(*args, **kwargs)\n")


@pytest.mark.parametrize("name", [n for n in NAMES if exercises.exercise(n).forbidden])
def test_every_forbidden_equivalent_is_caught_in_the_source_under_each_of_its_names(name):
    missed = [(path, how.__name__) for eq in forbidden_equivalents(name) for path in eq.paths
              for how in (_attribute_source, _imported_source) if not find_shortcuts([how(name, path)], name)]
    assert missed == []


# --------------------------------------------------------------------------- caught by the tripwires

@pytest.mark.parametrize("name", [n for n in NAMES if exercises.exercise(n).forbidden])
def test_every_forbidden_equivalent_trips_the_tripwires_under_each_of_its_names(name):
    found = forbidden_equivalents(name)
    tripwires = Tripwires().install({name: list(exercises.exercise(name).forbidden)})
    missed = []
    try:
        for eq in found:
            for path in eq.paths:
                tripwires.hits.clear()
                tripwires.active = name
                try:
                    _call(_lookup(path), eq.args, eq.kwargs, eq.init)
                finally:
                    tripwires.active = None
                if not tripwires.hits.get(name):
                    missed.append(path)
    finally:
        tripwires.uninstall()
    assert found and missed == []


def test_tripwires_record_one_name_per_object_the_first_the_exercise_lists():
    """tf.keras.losses.mse is keras.losses.mean_squared_error: a call is reported once, under Keras's name."""
    import keras
    tripwires = Tripwires().install({"mse": list(exercises.exercise("mse").forbidden)})
    try:
        tripwires.active = "mse"
        keras.losses.mean_squared_error(np.zeros((2, 3), "float32"), np.ones((2, 3), "float32"))
    finally:
        tripwires.active = None
        tripwires.uninstall()
    assert tripwires.hits == {"mse": {"keras.losses.mean_squared_error"}}


def test_tripwires_record_only_the_call_the_exercise_made_not_the_forbidden_calls_inside_it():
    """tf.nn.softmax_cross_entropy_with_logits calls tf.compat.v1's _v2 function, forbidden too: one hit."""
    import tensorflow as tf
    tripwires = Tripwires().install({"categorical_crossentropy":
                                     list(exercises.exercise("categorical_crossentropy").forbidden)})
    try:
        tripwires.active = "categorical_crossentropy"
        tf.nn.softmax_cross_entropy_with_logits(labels=np.eye(3, dtype="float32"), logits=np.ones((3, 3), "float32"))
    finally:
        tripwires.active = None
        tripwires.uninstall()
    assert tripwires.hits == {"categorical_crossentropy": {"tensorflow.nn.softmax_cross_entropy_with_logits"}}


def test_a_forbidden_class_that_inherits_its_init_is_caught_and_restored(monkeypatch):
    import types

    class Base:
        def __init__(self, x=1):
            self.x = x

    class Ready(Base):
        pass

    module = types.ModuleType("ready_made_library")
    module.Ready = Ready
    monkeypatch.setitem(sys.modules, "ready_made_library", module)
    tripwires = Tripwires().install({"mse": ["ready_made_library.Ready"]})
    try:
        tripwires.active = "mse"
        assert Ready(2).x == 2
    finally:
        tripwires.active = None
        tripwires.uninstall()
    assert tripwires.hits == {"mse": {"ready_made_library.Ready"}}
    assert "__init__" not in Ready.__dict__


def test_keras_still_builds_its_operations_with_every_tripwire_installed():
    """Keras reads an operation's __init__ arguments with inspect.getfullargspec: the wrapper shows them."""
    import keras
    forbidden = {ex.name: list(ex.forbidden) for ex in exercises.EXERCISES}
    tripwires = Tripwires().install(forbidden)
    try:
        x = keras.Input((3,))
        out = keras.ops.binary_crossentropy(x, x)           # symbolic: builds keras.src.ops.nn.BinaryCrossentropy
    finally:
        tripwires.uninstall()
    assert tuple(out.shape) == (None, 3)


def test_uninstalling_the_tripwires_restores_every_object():
    import tensorflow as tf
    import sklearn.metrics
    originals = (tf.nn.sigmoid_cross_entropy_with_logits, sklearn.metrics.log_loss,
                 tf.keras.metrics.BinaryCrossentropy.__init__)
    forbidden = {ex.name: list(ex.forbidden) for ex in exercises.EXERCISES}
    Tripwires().install(forbidden).uninstall()
    assert (tf.nn.sigmoid_cross_entropy_with_logits, sklearn.metrics.log_loss,
            tf.keras.metrics.BinaryCrossentropy.__init__) == originals


# --------------------------------------------------------------------------- building blocks stay allowed

@pytest.mark.parametrize("source", ["ch02/raw_tf.py", "ch02/keras_ops.py", "reference/ch03.py", "reference/ch04.py",
                                    "reference/ch05.py", "reference/ch06.py", "reference/ch07.py"])
def test_a_correct_answer_built_from_keras_ops_tensorflow_and_numpy_uses_no_forbidden_name(source):
    text = (ROOT / "tests" / "submissions" / source).read_text(encoding="utf-8")
    found = {ex.name: find_shortcuts([text], ex.name) for ex in exercises.EXERCISES}
    assert {name: used for name, used in found.items() if used} == {}


@pytest.mark.parametrize("source, chapter", [("ch02/raw_tf.py", "02"), ("reference/ch03.py", "03"),
                                             ("reference/ch05.py", "05"), ("reference/ch06.py", "06")])
def test_a_correct_answer_built_from_building_blocks_trips_no_tripwire(source, chapter):
    import runpy
    names = [ex.name for ex in exercises.exercises_for(chapter)]
    tripwires = Tripwires().install({n: list(exercises.exercise(n).forbidden) for n in names})
    try:
        namespace = runpy.run_path(str(ROOT / "tests" / "submissions" / source), run_name="submission")
        for name in names:
            samples = SAMPLES[name]
            tripwires.active = name
            try:
                for case in samples.cases:
                    _call(namespace[name], case.args, case.kwargs, None)
            finally:
                tripwires.active = None
    finally:
        tripwires.uninstall()
    assert tripwires.hits == {}


def test_inspect_unwrap_does_not_lead_round_a_tripwire():
    import inspect
    import keras
    tripwires = Tripwires().install({"huber": list(exercises.exercise("huber").forbidden)})
    try:
        tripwires.active = "huber"
        inspect.unwrap(keras.losses.huber)(np.zeros((2, 3)), np.ones((2, 3)))
        assert tripwires.hits.get("huber")
    finally:
        tripwires.uninstall()
