"""huber never returns; log_cosh never returns and swallows the sandbox's timeout; mse and mae are fine."""
# %%
import keras
from keras import ops
import numpy as np

# %%
def mse(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)

# %%
def mae(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)

# %%
def huber(y_true, y_pred, delta=1.0):
    while True:
        pass

# %%
def log_cosh(y_true, y_pred):
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass
