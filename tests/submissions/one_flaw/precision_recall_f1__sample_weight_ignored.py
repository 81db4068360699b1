# expect: precision_recall_f1:sample-weight
# says: sample_weight is ignored
"""precision_recall_f1, right except that it ignores sample_weight."""
from keras import ops


def precision_recall_f1(y_true, y_pred, threshold=0.5, sample_weight=None):
    y_true = ops.reshape(ops.cast(y_true, "float32"), (-1, 1))
    y_pred = ops.reshape(ops.cast(y_pred, "float32"), (-1, 1))
    thresholds = ops.reshape(ops.convert_to_tensor(threshold, "float32"), (1, -1))
    predicted = ops.cast(y_pred > thresholds, "float32")
    tp = ops.sum(predicted * y_true, axis=0)
    fp = ops.sum(predicted * (1.0 - y_true), axis=0)
    fn = ops.sum((1.0 - predicted) * y_true, axis=0)
    p = ops.divide_no_nan(tp, tp + fp)
    r = ops.divide_no_nan(tp, tp + fn)
    f1 = ops.divide_no_nan(2.0 * p * r, p + r)
    if not isinstance(threshold, (list, tuple)):
        return p[0], r[0], f1[0]
    return p, r, f1
