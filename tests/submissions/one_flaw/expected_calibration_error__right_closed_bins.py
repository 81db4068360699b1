# expect: expected_calibration_error:edges
# says: closed on the right
"""expected_calibration_error, right except that its bins are closed on the right, (i/B, (i+1)/B], as np.searchsorted(inner_edges, p) and scikit-learn's calibration_curve make them."""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y = np.asarray(y_true, dtype=float).reshape(-1)
    p = np.asarray(y_prob, dtype=float).reshape(-1)
    inner = np.arange(1, n_bins) / n_bins
    index = np.searchsorted(inner, p)                 # side="left": p == inner[i] goes to bin i
    total = 0.0
    for b in range(n_bins):
        inside = index == b
        if inside.any():
            total += inside.mean() * abs(y[inside].mean() - p[inside].mean())
    return total
