# expect: precision_recall_f1:zero-division
# says: 0/0
"""precision_recall_f1, right except that a 0/0 ratio gives NaN (plain division, not divide_no_nan)."""
from keras import ops


def precision_recall_f1(y_true, y_pred, threshold=0.5, sample_weight=None):
    y_pred = ops.convert_to_tensor(y_pred, "float32")
    actual = ops.cast(ops.reshape(ops.not_equal(ops.convert_to_tensor(y_true), 0), (1, -1)), "float32")
    if sample_weight is None:
        weight = ops.ones_like(y_pred)
    else:
        weight = ops.convert_to_tensor(sample_weight, "float32")
        while len(weight.shape) < len(y_pred.shape):
            weight = ops.expand_dims(weight, -1)
    weight = ops.reshape(ops.broadcast_to(weight, ops.shape(y_pred)), (1, -1))
    several = isinstance(threshold, (list, tuple)) and len(threshold) > 1
    t = ops.reshape(ops.convert_to_tensor(threshold, "float32"), (-1, 1))
    predicted = ops.cast(ops.greater(ops.reshape(y_pred, (1, -1)), t), "float32")
    tp = ops.sum(weight * predicted * actual, axis=1)
    fp = ops.sum(weight * predicted * (1.0 - actual), axis=1)
    fn = ops.sum(weight * (1.0 - predicted) * actual, axis=1)
    precision = tp / (tp + fp)                  # the slip: NaN where tp + fp is 0
    recall = tp / (tp + fn)
    f1 = 2.0 * precision * recall / (precision + recall)
    if not several:
        return precision[0], recall[0], f1[0]
    return precision, recall, f1
