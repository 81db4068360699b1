# expect: expected_calibration_error:inputs
"""expected_calibration_error, right for 1-D inputs, but it does not flatten: labels of shape (n,) and probabilities of shape (n, 1) broadcast to an (n, n) table of gaps."""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_prob, dtype=float)
    index = np.minimum((p * n_bins).astype(int), n_bins - 1)
    residual = y - p                                   # (n, n) when p is (n, 1) and y is (n,)
    total = 0.0
    for b in range(n_bins):
        inside = np.broadcast_to(index == b, residual.shape)
        if inside.any():
            total += abs(residual[inside].sum()) / residual.size
    return total
