# expect: expected_calibration_error:empty-bins
# says: an empty bin gave 0/0
"""expected_calibration_error, right except that an empty bin's mean label and mean probability are 0/0 (NaN), which spreads to the sum."""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y = np.asarray(y_true, dtype=float).reshape(-1)
    p = np.asarray(y_prob, dtype=float).reshape(-1)
    index = np.minimum((p * n_bins).astype(int), n_bins - 1)
    count = np.bincount(index, minlength=n_bins).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.bincount(index, weights=y, minlength=n_bins) / count
        confidence = np.bincount(index, weights=p, minlength=n_bins) / count
    return float(np.sum(count / p.size * np.abs(accuracy - confidence)))
