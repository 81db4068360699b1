"""Chapter 10's reference for expected_calibration_error: binary ECE with equal-width bins.

Part of the answer key: the grader reads this file as text and sends it to the answer key's
process; it never imports it. Written with np.digitize and np.bincount (the chapter's solution
loops over the bins with masks; the checks' classic mistakes are a third, flag-driven version),
so that the three agree only if the definition is read the same way.
"""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    """Sum over bins of (bin count / n) * |mean label - mean probability| in that bin.

    Bins are equal-width over [0, 1] on the predicted probability of the positive class:
    bin i holds i/n_bins <= p < (i+1)/n_bins, and p = 1.0 goes in the last bin. Empty bins
    contribute nothing. Computed in float64; returns a Python float.
    """
    y = np.asarray(y_true, dtype=np.float64).reshape(-1)
    p = np.asarray(y_prob, dtype=np.float64).reshape(-1)
    inner = (np.arange(1, n_bins) / n_bins)               # the n_bins - 1 inner edges, i / n_bins
    index = np.digitize(p, inner, right=False)           # inner[i-1] <= p < inner[i] -> i; 1.0 -> n_bins - 1
    count = np.bincount(index, minlength=n_bins).astype(np.float64)
    label_sum = np.bincount(index, weights=y, minlength=n_bins)
    prob_sum = np.bincount(index, weights=p, minlength=n_bins)
    # |mean label - mean probability| * count / n == |label_sum - prob_sum| / n: no 0/0 for empty bins
    return float(np.sum(np.abs(label_sum - prob_sum)) / p.size)
