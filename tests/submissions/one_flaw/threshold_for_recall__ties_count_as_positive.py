# expect: threshold_for_recall:ties
# says: strictly above
"""threshold_for_recall, right except that a score equal to a threshold counts as positive (>=)."""
import numpy as np


def threshold_for_recall(y_true, scores, target_recall, num_thresholds=200):
    y_true = np.asarray(y_true).reshape(-1) > 0.5
    scores = np.asarray(scores).reshape(-1)
    thresholds = np.arange(num_thresholds) / (num_thresholds - 1)
    predicted = scores[None, :] >= thresholds[:, None]
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
