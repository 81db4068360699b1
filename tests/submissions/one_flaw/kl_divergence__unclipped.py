# expect: edges
# says: is not clipped
"""kl_divergence, right except that nothing is clipped (zeros give NaN or inf)."""
from keras import ops


def kl_divergence(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)
