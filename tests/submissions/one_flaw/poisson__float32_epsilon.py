# expect: float64
# says: mixes float32 and float64
"""poisson, right except for a float32 epsilon tensor that float64 inputs cannot mix with."""
import keras
from keras import ops


def poisson(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    eps = ops.convert_to_tensor(keras.config.epsilon(), "float32")
    return ops.mean(y_pred - y_true * ops.log(y_pred + eps), axis=-1)
