# expect: option:threshold
# says: the threshold argument is ignored
"""binary_accuracy, right except that it ignores its threshold argument (always 0.5)."""
from keras import ops


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    predicted = ops.cast(y_pred > 0.5, y_pred.dtype)
    return ops.cast(ops.equal(y_true, predicted), "float32")
