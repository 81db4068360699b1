# expect: precision_recall_f1:values, precision_recall_f1:ties, precision_recall_f1:float64, precision_recall_f1:thresholds-list, precision_recall_f1:sample-weight, precision_recall_f1:graph
# says: the Jaccard index
"""precision_recall_f1, right except that f1 is tp / (tp + fp + fn) (the Jaccard index), not 2·tp / (2·tp + fp + fn) (its confusion_counts is right)."""
from keras import ops


def confusion_counts(y_true, y_pred, threshold=0.5, sample_weight=None):
    y_pred = ops.convert_to_tensor(y_pred, "float32")
    actual = ops.reshape(ops.not_equal(ops.convert_to_tensor(y_true), 0), (1, -1))
    if sample_weight is None:
        weight = ops.ones_like(y_pred)
    else:
        weight = ops.convert_to_tensor(sample_weight, "float32")
        while len(weight.shape) < len(y_pred.shape):
            weight = ops.expand_dims(weight, -1)
    weight = ops.reshape(ops.broadcast_to(weight, ops.shape(y_pred)), (1, -1))
    several = isinstance(threshold, (list, tuple)) and len(threshold) > 1
    t = ops.reshape(ops.convert_to_tensor(threshold, "float32"), (-1, 1))
    predicted = ops.greater(ops.reshape(y_pred, (1, -1)), t)

    def count(mask):
        total = ops.sum(ops.where(mask, weight, 0.0), axis=1)
        return total if several else total[0]

    no, both = ops.logical_not, ops.logical_and
    return (count(both(predicted, actual)), count(both(predicted, no(actual))),
            count(both(no(predicted), actual)), count(both(no(predicted), no(actual))))


def precision_recall_f1(y_true, y_pred, threshold=0.5, sample_weight=None):
    tp, fp, fn, _ = confusion_counts(y_true, y_pred, threshold, sample_weight)
    precision = ops.divide_no_nan(tp, tp + fp)
    recall = ops.divide_no_nan(tp, tp + fn)
    f1 = ops.divide_no_nan(tp, tp + fp + fn)            # the slip: the Jaccard index (IoU)
    return precision, recall, f1
