# expect: float64
# says: float32 arithmetic
"""mse, right except that it computes in float32 (a cast that float64 inputs lose precision in)."""
from keras import ops


def mse(y_true, y_pred):
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), "float32")
    y_true = ops.cast(y_true, "float32")
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)
