# expect: threshold_for_recall:values, threshold_for_recall:ties, threshold_for_recall:exact-target, threshold_for_recall:zero-division
# says: the grid is off by one
"""threshold_for_recall, right except that its grid is i / num_thresholds (np.arange(num_thresholds) / num_thresholds), not i / (num_thresholds - 1)."""
import numpy as np


def threshold_for_recall(y_true, scores, target_recall, num_thresholds=200):
    y = np.asarray(y_true).reshape(-1) != 0
    s = np.asarray(scores, dtype="float64").reshape(-1)
    thresholds = np.arange(num_thresholds) / num_thresholds   # the slip: 1.0 is not on the grid
    predicted = s[None, :] > thresholds[:, None]
    tp = np.sum(predicted & y, axis=1)
    fp = np.sum(predicted & ~y, axis=1)
    recall = tp / max(int(np.sum(y)), 1)
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    qualifies = recall >= target_recall
    if not qualifies.any():
        return 0.0, 0.0
    best = precision[qualifies].max()
    i = np.flatnonzero(qualifies & (precision == best)).max()
    return float(thresholds[i]), float(best)
