"""Chapter 08's references: a custom loss function, a Loss subclass and a stateful metric.

Part of the answer key: the grader reads this file as text and sends it to the answer key's
process; it never imports it.
"""
import keras
from keras import ops
import numpy as np


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
    """keras.metrics.F1Score(threshold=0.5) on inputs of any shape, pooled over every batch, as a scalar;
    without sample weights."""

    def __init__(self, threshold=0.5, name="f1", **kwargs):
        super().__init__(threshold=threshold, name=name, **kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None):
        # sample_weight is accepted and ignored, as the exercise states: every sample counts once
        y_true = ops.reshape(ops.convert_to_tensor(y_true, "float32"), (-1, 1))
        y_pred = ops.reshape(ops.convert_to_tensor(y_pred, "float32"), (-1, 1))
        super().update_state(y_true, y_pred)

    def result(self):
        return ops.reshape(super().result(), ())
