# expect: mse_l1:float64
# says: mixes float32 and float64
"""mse_l1, right except for a float32 weight that float64 inputs cannot mix with."""
from keras import ops


def mse_l1(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    error = y_true - y_pred
    half = ops.convert_to_tensor(0.5, "float32")
    return ops.mean(ops.square(error), axis=-1) + half * ops.mean(ops.abs(error), axis=-1)
