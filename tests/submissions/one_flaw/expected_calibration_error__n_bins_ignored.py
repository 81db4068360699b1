# expect: expected_calibration_error:n_bins
# says: n_bins was ignored
"""expected_calibration_error, right except that it always uses 10 bins, whatever n_bins says."""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y = np.asarray(y_true, dtype=float).reshape(-1)
    p = np.asarray(y_prob, dtype=float).reshape(-1)
    index = np.minimum((p * 10).astype(int), 9)
    total = 0.0
    for b in range(10):
        inside = index == b
        if inside.any():
            total += inside.mean() * abs(y[inside].mean() - p[inside].mean())
    return total
