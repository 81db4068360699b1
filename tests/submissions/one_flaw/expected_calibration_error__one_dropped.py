# expect: expected_calibration_error:one
# says: a probability of exactly 1.0 fell in no bin
"""expected_calibration_error, right except that a probability of exactly 1.0 gets bin index n_bins and so falls in no bin."""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y = np.asarray(y_true, dtype=float).reshape(-1)
    p = np.asarray(y_prob, dtype=float).reshape(-1)
    index = np.floor(p * n_bins).astype(int)          # the slip: no np.minimum(index, n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        inside = index == b
        if inside.any():
            total += inside.mean() * abs(y[inside].mean() - p[inside].mean())
    return total
