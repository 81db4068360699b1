# exercise: mse, mae, huber, log_cosh
# expect: graph, fit
# says: use keras.ops instead
"""Right numbers, but NumPy only: fails inside tf.function and model.fit."""
import numpy as np


def _arrays(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    if y_true.ndim == 1 and y_pred.ndim == 2:    # (n,) with (n, 1): line up
        y_true = y_true[:, None]
    if y_pred.ndim == 1 and y_true.ndim == 2:
        y_pred = y_pred[:, None]
    return y_true, y_pred


def mse(y_true, y_pred):
    y_true, y_pred = _arrays(y_true, y_pred)
    return np.mean((y_pred - y_true) ** 2, axis=-1)


def mae(y_true, y_pred):
    y_true, y_pred = _arrays(y_true, y_pred)
    return np.mean(np.abs(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    y_true, y_pred = _arrays(y_true, y_pred)
    e = y_pred - y_true
    a = np.abs(e)
    return np.mean(np.where(a <= delta, 0.5 * e ** 2, delta * (a - 0.5 * delta)), axis=-1)


def log_cosh(y_true, y_pred):
    y_true, y_pred = _arrays(y_true, y_pred)
    e = y_pred - y_true
    return np.mean(np.logaddexp(e, -e) - np.log(2.0), axis=-1).astype(y_pred.dtype)
