# expect: rank-alignment
# says: broadcast
"""mse, right except that y_true (n,) and y_pred (n, 1) broadcast to (n, n)."""
from keras import ops


def mse(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)
