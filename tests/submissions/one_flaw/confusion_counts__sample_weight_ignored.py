# expect: confusion_counts:sample-weight
# says: sample_weight is ignored
"""confusion_counts, right except that it ignores sample_weight."""
from keras import ops


def confusion_counts(y_true, y_pred, threshold=0.5, sample_weight=None):
    y_true = ops.reshape(ops.cast(y_true, "float32"), (-1, 1))
    y_pred = ops.reshape(ops.cast(y_pred, "float32"), (-1, 1))
    thresholds = ops.reshape(ops.convert_to_tensor(threshold, "float32"), (1, -1))
    predicted = ops.cast(y_pred > thresholds, "float32")
    tp = ops.sum(predicted * y_true, axis=0)
    fp = ops.sum(predicted * (1.0 - y_true), axis=0)
    fn = ops.sum((1.0 - predicted) * y_true, axis=0)
    tn = ops.sum((1.0 - predicted) * (1.0 - y_true), axis=0)
    if not isinstance(threshold, (list, tuple)):
        return tp[0], fp[0], fn[0], tn[0]
    return tp, fp, fn, tn
