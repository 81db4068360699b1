# expect: edges
# says: without + epsilon
"""poisson, right except that the log has no epsilon (a predicted rate of 0 gives inf or NaN)."""
from keras import ops


def poisson(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(y_pred - y_true * ops.log(y_pred), axis=-1)
