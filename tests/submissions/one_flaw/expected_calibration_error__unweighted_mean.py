# expect: expected_calibration_error:values
# says: averaged without their shares
"""expected_calibration_error, right except that it averages the gaps of the non-empty bins, not weighting each by its share of the samples."""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y = np.asarray(y_true, dtype=float).reshape(-1)
    p = np.asarray(y_prob, dtype=float).reshape(-1)
    index = np.minimum((p * n_bins).astype(int), n_bins - 1)
    gaps = [abs(y[index == b].mean() - p[index == b].mean()) for b in range(n_bins) if (index == b).any()]
    return float(np.mean(gaps))
