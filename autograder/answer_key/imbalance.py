"""Chapter 05's reference for balanced_class_weight, and the training its checks show.

Part of the answer key: the grader reads this file as text and sends it to the answer key's
process; it never imports it. `minority_recalls` is exposed to the checks (EXPOSED) as
"answer_key.imbalance.minority_recalls": it trains a logistic regression with class weights
(a learner's, sent as data) beside the answer key, never in the grader.
"""
import logging
import threading

import keras
from keras import ops
import numpy as np

EXPOSED = ("minority_recalls",)

FIT_STEPS = 50              # full-batch Adam steps of the outcome model


def balanced_class_weight(y):
    """{label: n_samples / (n_classes * count)} for each label in y, like scikit-learn's "balanced"."""
    labels = np.asarray(y).reshape(-1)
    classes, counts = np.unique(labels, return_counts=True)
    n_samples, n_classes = labels.size, classes.size
    return {c.item(): n_samples / (n_classes * int(m)) for c, m in zip(classes, counts)}


def minority_recalls(x, y, x_test, y_test, weightings):
    """Minority (label 1) recall at 0.5 of a logistic regression trained with each class_weight dict.

    `weightings` is a list of {label: weight} dicts for labels 0 and 1 (keys are read as
    int(key)). Each run starts from zero weights and a fresh Adam state and takes FIT_STEPS
    full-batch steps (one epoch over FIT_STEPS copies of the data, in order), so the runs differ
    only in their weights. The compiled model is kept for the next call with data of the same
    shape (tracing the training step again is the slow part).
    """
    x, x_test = np.asarray(x, np.float32), np.asarray(x_test, np.float32)
    y, y_test = np.asarray(y).reshape(-1), np.asarray(y_test).reshape(-1)
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)              # retracing notices
    try:
        with _LOCK:
            model, optimizer = _outcome_model(x.shape)
            xs = np.tile(x, (FIT_STEPS, 1))
            ys = np.tile(y, FIT_STEPS).astype(np.float32)[:, None]
            recalls = []
            for weights in weightings:
                class_weight = {int(k): float(v) for k, v in weights.items()}
                keras.utils.set_random_seed(0)
                model.set_weights([np.zeros((x.shape[1], 1), np.float32), np.zeros(1, np.float32)])
                for v in optimizer.variables:
                    if v.path.endswith(("iteration", "momentum", "velocity")):
                        v.assign(ops.zeros(v.shape, v.dtype))
                model.fit(xs, ys, batch_size=len(x), epochs=1, shuffle=False, class_weight=class_weight,
                          verbose=0)
                scores = ops.convert_to_numpy(model(x_test))[:, 0]
                recalls.append(float(((scores > 0.5) & (y_test == 1)).sum() / (y_test == 1).sum()))
            return recalls
    finally:
        logger.setLevel(level)


_LOCK = threading.Lock()
_MODELS = {}


def _outcome_model(shape):
    """One sigmoid unit with Adam(0.1), compiled once per data shape."""
    if shape not in _MODELS:
        model = keras.Sequential([keras.Input(shape=(shape[1],)), keras.layers.Dense(1, activation="sigmoid")])
        optimizer = keras.optimizers.Adam(0.1)
        model.compile(optimizer=optimizer, loss="binary_crossentropy", steps_per_execution=FIT_STEPS)
        _MODELS[shape] = (model, optimizer)
    return _MODELS[shape]
