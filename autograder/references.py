"""The answer key: each exercise's Keras counterpart, shaped like a correct submission.

The checks run the same probes on this namespace (in the grader's process) and
on the learner's code, and compare. Importing this module imports Keras.
"""
from __future__ import annotations

import keras
from keras import ops


def binary_focal_crossentropy(y_true, y_pred, gamma=2.0, alpha=0.25):
    return keras.losses.binary_focal_crossentropy(
        y_true, y_pred, apply_class_balancing=True, gamma=gamma, alpha=alpha)


def _counts(y_true, y_pred, threshold):
    metrics = [keras.metrics.TruePositives(thresholds=threshold), keras.metrics.FalsePositives(thresholds=threshold),
               keras.metrics.FalseNegatives(thresholds=threshold), keras.metrics.TrueNegatives(thresholds=threshold)]
    for m in metrics:
        m.update_state(y_true, y_pred)
    return tuple(m.result() for m in metrics)


def confusion_counts(y_true, y_pred, threshold=0.5):
    return _counts(y_true, y_pred, threshold)


def precision_recall_f1(y_true, y_pred, threshold=0.5):
    p = keras.metrics.Precision(thresholds=threshold)
    r = keras.metrics.Recall(thresholds=threshold)
    p.update_state(y_true, y_pred)
    r.update_state(y_true, y_pred)
    y_true2 = ops.reshape(ops.convert_to_tensor(y_true, "float32"), (-1, 1))
    y_pred2 = ops.reshape(ops.convert_to_tensor(y_pred, "float32"), (-1, 1))
    # F1Score rejects threshold=0.0: threshold here (as F1Score does, in float32), then F1Score at 0.5
    f = keras.metrics.F1Score(threshold=0.5)
    f.update_state(y_true2, ops.cast(ops.greater(y_pred2, threshold), "float32"))
    return p.result(), r.result(), ops.reshape(f.result(), ())


def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    from keras.src.losses.loss import reduce_weighted_values
    return reduce_weighted_values(per_sample, sample_weight=sample_weight, reduction=reduction)


def mse_l1(y_true, y_pred):
    return keras.losses.mean_squared_error(y_true, y_pred) + 0.5 * keras.losses.mean_absolute_error(y_true, y_pred)


class WeightedMSE(keras.losses.Loss):
    def __init__(self, high_penalty=2.0, name="weighted_mse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.high_penalty = high_penalty

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        weight = ops.where(y_true > 0.5, ops.cast(self.high_penalty, y_pred.dtype), ops.cast(1.0, y_pred.dtype))
        return ops.mean(ops.square(y_true - y_pred) * weight, axis=-1)

    def get_config(self):
        return {**super().get_config(), "high_penalty": self.high_penalty}


class F1Score(keras.metrics.F1Score):
    def __init__(self, threshold=0.5, name="f1", **kwargs):
        super().__init__(threshold=threshold, name=name, **kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.reshape(ops.convert_to_tensor(y_true, "float32"), (-1, 1))
        y_pred = ops.reshape(ops.convert_to_tensor(y_pred, "float32"), (-1, 1))
        super().update_state(y_true, y_pred, sample_weight)

    def result(self):
        return ops.reshape(super().result(), ())


NAMESPACE = {
    "binary_accuracy": keras.metrics.binary_accuracy,
    "mse": keras.losses.mean_squared_error,
    "mae": keras.losses.mean_absolute_error,
    "huber": keras.losses.huber,
    "log_cosh": keras.losses.log_cosh,
    "binary_crossentropy": keras.losses.binary_crossentropy,
    "categorical_crossentropy": keras.losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": keras.losses.sparse_categorical_crossentropy,
    "hinge": keras.losses.hinge,
    "poisson": keras.losses.poisson,
    "kl_divergence": keras.losses.kl_divergence,
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "confusion_counts": confusion_counts,
    "precision_recall_f1": precision_recall_f1,
    "reduce_loss": reduce_loss,
    "mse_l1": mse_l1,
    "WeightedMSE": WeightedMSE,
    "F1Score": F1Score,
}
