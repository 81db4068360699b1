"""Chapter 06, written by following each exercise's hint literally."""
import keras
import numpy as np


def confusion_counts(y_true, y_pred, threshold=0.5, sample_weight=None):
    y_true = keras.ops.reshape(keras.ops.cast(y_true, "float32"), (-1,))
    y_pred = keras.ops.reshape(keras.ops.cast(y_pred, "float32"), (-1,))
    w = keras.ops.ones_like(y_pred) if sample_weight is None else \
        keras.ops.reshape(keras.ops.cast(sample_weight, "float32"), (-1,))

    def counts(t):
        pos = keras.ops.cast(y_pred > t, "float32")
        return (keras.ops.sum(w * pos * y_true), keras.ops.sum(w * pos * (1 - y_true)),
                keras.ops.sum(w * (1 - pos) * y_true), keras.ops.sum(w * (1 - pos) * (1 - y_true)))

    if isinstance(threshold, (list, tuple)):
        per_threshold = [counts(t) for t in threshold]
        return tuple(keras.ops.stack([c[i] for c in per_threshold]) for i in range(4))
    return counts(threshold)


def precision_recall_f1(y_true, y_pred, threshold=0.5, sample_weight=None):
    tp, fp, fn, _ = confusion_counts(y_true, y_pred, threshold, sample_weight)
    p = keras.ops.divide_no_nan(tp, tp + fp)
    r = keras.ops.divide_no_nan(tp, tp + fn)
    return p, r, keras.ops.divide_no_nan(2 * p * r, p + r)


def threshold_for_recall(y_true, scores, target_recall, num_thresholds=200):
    y_true = np.asarray(y_true).reshape(-1) > 0.5
    scores = np.asarray(scores).reshape(-1)
    thresholds = np.arange(num_thresholds) / (num_thresholds - 1)
    predicted = scores[None, :] > thresholds[:, None]
    tp = (predicted & y_true).sum(axis=1)
    fp = (predicted & ~y_true).sum(axis=1)
    positives = y_true.sum()
    recall = tp / positives if positives else np.zeros(len(thresholds))
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    kept = recall >= target_recall
    if not kept.any():
        return (0.0, 0.0)
    best = precision[kept].max()
    return (float(thresholds[kept & (precision == best)].max()), float(best))
