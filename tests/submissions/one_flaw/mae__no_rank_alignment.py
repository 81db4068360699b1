# expect: rank-alignment
# says: (n, n) matrix
"""mae, right except that y_true (n,) and y_pred (n, 1) broadcast to (n, n)."""
from keras import ops


def mae(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)
