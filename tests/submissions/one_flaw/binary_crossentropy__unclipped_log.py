# expect: edges
# says: the log is not clipped
"""binary_crossentropy, right except that the probabilities are not clipped before the log."""
from keras import ops


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        per_element = ops.maximum(y_pred, 0.0) - y_pred * y_true + ops.log1p(ops.exp(-ops.abs(y_pred)))
    else:
        per_element = -(y_true * ops.log(y_pred) + (1.0 - y_true) * ops.log(1.0 - y_pred))
    return ops.mean(per_element, axis=-1)
