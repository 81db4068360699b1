"""Chapter 06 (metrics): a correct submission, written with keras.ops."""
from keras import ops


def confusion_counts(y_true, y_pred, threshold=0.5):
    actual = ops.reshape(ops.not_equal(ops.convert_to_tensor(y_true), 0), (-1,))
    predicted = ops.reshape(ops.greater(ops.convert_to_tensor(y_pred), threshold), (-1,))

    def count(mask):
        return ops.sum(ops.cast(mask, "float32"))

    tp = count(ops.logical_and(predicted, actual))
    fp = count(ops.logical_and(predicted, ops.logical_not(actual)))
    fn = count(ops.logical_and(ops.logical_not(predicted), actual))
    tn = count(ops.logical_and(ops.logical_not(predicted), ops.logical_not(actual)))
    return tp, fp, fn, tn


def precision_recall_f1(y_true, y_pred, threshold=0.5):
    tp, fp, fn, _ = confusion_counts(y_true, y_pred, threshold)
    precision = ops.divide_no_nan(tp, tp + fp)
    recall = ops.divide_no_nan(tp, tp + fn)
    f1 = ops.divide_no_nan(2.0 * precision * recall, precision + recall)
    return precision, recall, f1
