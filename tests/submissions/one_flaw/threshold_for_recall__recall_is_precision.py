# expect: threshold_for_recall:values, threshold_for_recall:precision, threshold_for_recall:ties, threshold_for_recall:exact-target, threshold_for_recall:zero-division
# says: tp / (tp + fp)
"""threshold_for_recall, right except that its recall is tp / (tp + fp) (that is precision), not tp / (tp + fn)."""
import numpy as np


def threshold_for_recall(y_true, scores, target_recall, num_thresholds=200):
    y = np.asarray(y_true).reshape(-1) != 0
    s = np.asarray(scores, dtype="float64").reshape(-1)
    thresholds = np.arange(num_thresholds) / (num_thresholds - 1)
    predicted = s[None, :] > thresholds[:, None]
    tp = np.sum(predicted & y, axis=1)
    fp = np.sum(predicted & ~y, axis=1)
    recall = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)   # the slip: that is precision
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    qualifies = recall >= target_recall
    if not qualifies.any():
        return 0.0, 0.0
    best = precision[qualifies].max()
    i = np.flatnonzero(qualifies & (precision == best)).max()
    return float(thresholds[i]), float(best)
