"""huber uses keras.losses.Huber(reduction=None); mse uses MeanSquaredError(reduction=None) through getattr."""
import keras
from keras import ops
import numpy as np


def mse(y_true, y_pred):
    cls = getattr(keras.losses, "Mean" + "SquaredError")
    return cls(reduction=None)(y_true, y_pred)


def mae(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    return keras.losses.Huber(delta=delta, reduction=None)(y_true, y_pred)


def log_cosh(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    error = y_pred - y_true
    log2 = ops.cast(np.log(2.0), error.dtype)
    return ops.mean(error + ops.softplus(-2.0 * error) - log2, axis=-1)
