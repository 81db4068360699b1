# expect: float64
# says: mixes float32 and float64
"""hinge, right except for a float32 constant that float64 inputs cannot mix with."""
from keras import ops


def hinge(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    one = ops.convert_to_tensor(1.0, "float32")
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0.0), ops.equal(y_true, 1.0)))
    y_true = ops.where(is_binary, 2.0 * y_true - 1.0, y_true)
    return ops.mean(ops.maximum(one - y_true * y_pred, 0.0), axis=-1)
