# expect: float64
# says: mixes float32 and float64
"""huber, right except that delta is a float32 tensor, which float64 inputs cannot mix with."""
from keras import ops


def huber(y_true, y_pred, delta=1.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    delta = ops.convert_to_tensor(delta, "float32")
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * ops.square(delta)
    return ops.mean(ops.where(abs_error <= delta, quadratic, linear), axis=-1)
