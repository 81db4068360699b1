"""Chapter 06 with confusion_counts answered by scikit-learn's confusion_matrix instead of Keras's counters.

confusion_counts must score 0 (scikit-learn's confusion_matrix is a ready-made equivalent of
keras.metrics.TruePositives and its three siblings); precision_recall_f1 and threshold_for_recall,
written with keras.ops and NumPy (precision_recall_f1 counts with a helper of its own), keep their points.
"""
import numpy as np
from keras import ops
from sklearn.metrics import confusion_matrix


def confusion_counts(y_true, y_pred, threshold=0.5, sample_weight=None):
    labels = np.asarray(y_true).reshape(-1) != 0
    scores = np.asarray(y_pred, dtype="float64").reshape(-1)
    weight = None if sample_weight is None else np.broadcast_to(
        np.asarray(sample_weight, dtype="float64").reshape(np.shape(sample_weight) + (1,) * (
            np.ndim(y_pred) - np.ndim(sample_weight))), np.shape(y_pred)).reshape(-1)
    several = isinstance(threshold, (list, tuple)) and len(threshold) > 1
    counts = []
    for t in np.atleast_1d(threshold):
        (tn, fp), (fn, tp) = confusion_matrix(labels, scores > t, labels=[False, True], sample_weight=weight)
        counts.append((tp, fp, fn, tn))
    counts = np.asarray(counts, dtype="float32")
    return tuple(counts[:, i] if several else counts[0, i] for i in range(4))


def _counts(y_true, y_pred, threshold=0.5, sample_weight=None):
    y_pred = ops.convert_to_tensor(y_pred, "float32")
    actual = ops.reshape(ops.not_equal(ops.convert_to_tensor(y_true), 0), (1, -1))
    if sample_weight is None:
        weight = ops.ones_like(y_pred)
    else:
        weight = ops.convert_to_tensor(sample_weight, "float32")
        while len(weight.shape) < len(y_pred.shape):        # (n,) against (n, 1) or (n, k)
            weight = ops.expand_dims(weight, -1)
    weight = ops.reshape(ops.broadcast_to(weight, ops.shape(y_pred)), (1, -1))
    several = isinstance(threshold, (list, tuple)) and len(threshold) > 1
    t = ops.reshape(ops.convert_to_tensor(threshold, "float32"), (-1, 1))
    predicted = ops.greater(ops.reshape(y_pred, (1, -1)), t)   # (thresholds, n)

    def count(mask):
        total = ops.sum(ops.where(mask, weight, 0.0), axis=1)
        return total if several else total[0]

    no, both = ops.logical_not, ops.logical_and
    return (count(both(predicted, actual)), count(both(predicted, no(actual))),
            count(both(no(predicted), actual)), count(both(no(predicted), no(actual))))


def precision_recall_f1(y_true, y_pred, threshold=0.5, sample_weight=None):
    tp, fp, fn, _ = _counts(y_true, y_pred, threshold, sample_weight)
    precision = ops.divide_no_nan(tp, tp + fp)
    recall = ops.divide_no_nan(tp, tp + fn)
    f1 = ops.divide_no_nan(2.0 * precision * recall, precision + recall)
    return precision, recall, f1


def threshold_for_recall(y_true, scores, target_recall, num_thresholds=200):
    y = np.asarray(y_true).reshape(-1) != 0
    s = np.asarray(scores, dtype="float64").reshape(-1)
    thresholds = np.arange(num_thresholds) / (num_thresholds - 1)
    predicted = s[None, :] > thresholds[:, None]            # (thresholds, scores)
    tp = np.sum(predicted & y, axis=1)
    fp = np.sum(predicted & ~y, axis=1)
    recall = tp / max(int(np.sum(y)), 1)                    # 0.0 without positives
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    qualifies = recall >= target_recall
    if not qualifies.any():
        return 0.0, 0.0
    best = precision[qualifies].max()
    i = np.flatnonzero(qualifies & (precision == best)).max()
    return float(thresholds[i]), float(best)
