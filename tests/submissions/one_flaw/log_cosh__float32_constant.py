# expect: float64
# says: mixes float32 and float64
"""log_cosh, right except for a float32 log(2) that float64 inputs cannot mix with."""
from keras import ops


def log_cosh(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    error = y_pred - y_true
    return ops.mean(error + ops.softplus(-2.0 * error) - ops.log(ops.convert_to_tensor(2.0, "float32")), axis=-1)
