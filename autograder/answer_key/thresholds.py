"""Chapter 06's reference for threshold_for_recall: where PrecisionAtRecall operates.

Part of the answer key: the grader reads this file as text and sends it to the answer key's
process; it never imports it.
"""
import keras
from keras import ops
import numpy as np


def threshold_for_recall(y_true, scores, target_recall, num_thresholds=200):
    """(threshold, precision): where keras.metrics.PrecisionAtRecall(target_recall, num_thresholds) operates.

    Among the thresholds i / (num_thresholds - 1) whose recall is >= target_recall, the best
    precision, and the highest threshold reaching it; (0.0, 0.0) when no threshold qualifies.
    Computed in float32 exactly as Keras does: a score s is positive at threshold i when
    s * (num_thresholds - 1) > i.
    """
    y = np.asarray(y_true).reshape(-1) != 0
    s = np.clip(np.asarray(scores, dtype=np.float32).reshape(-1), 0.0, 1.0)
    steps = num_thresholds - 1
    scaled = s * np.float32(steps)                       # float32, as Keras computes it
    index = np.arange(num_thresholds)
    predicted = scaled[None, :] > index[:, None]         # (thresholds, scores)
    tp = np.sum(predicted & y, axis=1).astype(np.float32)
    fp = np.sum(predicted & ~y, axis=1).astype(np.float32)
    positives = np.float32(np.sum(y))
    recall = tp / positives if positives > 0 else np.zeros_like(tp)
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, np.float32(1)), np.float32(0))
    qualifies = recall >= np.float32(target_recall)
    if not qualifies.any():
        return 0.0, 0.0
    best = precision[qualifies].max()
    i = int(index[qualifies & (precision == best)].max())
    return i / steps, float(best)


EXPOSED = ("keras_precision_at_recall",)


def keras_precision_at_recall(y_true, scores, target_recall, num_thresholds=200):
    """What keras.metrics.PrecisionAtRecall reports for these scores (the checks' oracle for the precision)."""
    metric = keras.metrics.PrecisionAtRecall(target_recall, num_thresholds=num_thresholds)
    metric.update_state(np.asarray(y_true, dtype=np.float32).reshape(-1),
                        np.asarray(scores, dtype=np.float32).reshape(-1))
    return float(metric.result())
