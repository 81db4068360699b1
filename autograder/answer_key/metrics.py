"""Chapter 06's references: Keras' confusion-count metrics, Precision, Recall and F1.

Part of the answer key: the grader reads this file as text and sends it to the answer key's
process; it never imports it.
"""
import keras
from keras import ops
import numpy as np


def _flat(y_true, y_pred, threshold, sample_weight):
    """Every element one prediction: flat float32 labels, scores and weights, and Keras' `thresholds`."""
    y_true = ops.reshape(ops.convert_to_tensor(y_true, "float32"), (-1,))
    y_pred = ops.reshape(ops.convert_to_tensor(y_pred, "float32"), (-1,))
    if sample_weight is not None:
        sample_weight = ops.broadcast_to(ops.reshape(ops.convert_to_tensor(sample_weight, "float32"), (-1,)),
                                         ops.shape(y_pred))
    thresholds = list(threshold) if isinstance(threshold, (list, tuple)) else threshold
    return y_true, y_pred, sample_weight, thresholds


def confusion_counts(y_true, y_pred, threshold=0.5, sample_weight=None):
    """Keras' TruePositives, FalsePositives, FalseNegatives and TrueNegatives, on every element."""
    y_true, y_pred, sample_weight, thresholds = _flat(y_true, y_pred, threshold, sample_weight)
    counts = []
    for cls in (keras.metrics.TruePositives, keras.metrics.FalsePositives,
                keras.metrics.FalseNegatives, keras.metrics.TrueNegatives):
        metric = cls(thresholds=thresholds)
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)
        counts.append(metric.result())
    return tuple(counts)


def precision_recall_f1(y_true, y_pred, threshold=0.5, sample_weight=None):
    """Keras' Precision and Recall at the threshold(s), and f1 = 2·p·r / (p + r) (0.0 when p + r is 0)."""
    y_true, y_pred, sample_weight, thresholds = _flat(y_true, y_pred, threshold, sample_weight)
    precision = keras.metrics.Precision(thresholds=thresholds)
    recall = keras.metrics.Recall(thresholds=thresholds)
    for metric in (precision, recall):
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    p, r = precision.result(), recall.result()
    return p, r, ops.divide_no_nan(2.0 * p * r, p + r)
