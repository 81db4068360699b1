"""Correct, and compares itself with the Keras counterparts at top level (outside the exercise functions), which is allowed."""
# batch: nothing
import keras
from keras import ops
import numpy as np


def mse(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def mae(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    delta = ops.cast(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * (abs_error - 0.5 * delta)
    return ops.mean(ops.where(abs_error <= delta, quadratic, linear), axis=-1)


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


a = np.array([[1.0, 2.0, 30.0]])
b = np.array([[1.5, 0.0, -3.0]])
assert np.allclose(mse(a, b), keras.losses.mean_squared_error(a, b))
assert np.allclose(mae(a, b), keras.losses.MeanAbsoluteError(reduction=None)(a, b))
assert np.allclose(huber(a, b, 2.0), keras.losses.huber(a, b, delta=2.0))
assert np.allclose(log_cosh(a, b), keras.losses.get("log_cosh")(a, b))
print("all four agree with Keras")
