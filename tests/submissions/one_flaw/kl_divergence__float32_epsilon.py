# expect: float64
# says: mixes float32 and float64
"""kl_divergence, right except for a float32 epsilon tensor that float64 inputs cannot mix with."""
import keras
from keras import ops


def kl_divergence(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    eps = ops.convert_to_tensor(keras.config.epsilon(), "float32")
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)
