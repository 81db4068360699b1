# expect: edges
# says: were mapped again
"""hinge, right except that it maps every batch with 2*y - 1, also labels that are already -1/+1."""
from keras import ops


def hinge(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.maximum(1.0 - (2.0 * y_true - 1.0) * y_pred, 0.0), axis=-1)
