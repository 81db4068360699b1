"""Returns a list (mse), a tuple of NumPy scalars (mae), a Python float (huber), NaN (log_cosh)."""
# batch: mse:rank-alignment, mse:graph, mse:fit, mae:rank-alignment, mae:graph, mae:fit, huber, log_cosh
# %%
import keras
from keras import ops
import numpy as np

# %%
def mse(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return np.mean((y_pred - y_true) ** 2, axis=-1).tolist()

# %%
def mae(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return tuple(np.mean(np.abs(y_pred - y_true), axis=-1))

# %%
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_pred, np.float64) - np.asarray(y_true, np.float64)
    a = np.abs(e)
    return float(np.mean(np.where(a <= delta, 0.5 * e ** 2, delta * (a - 0.5 * delta))))

# %%
def log_cosh(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    return ops.mean(y_pred, axis=-1) * float('nan')
