"""Chapter 10, written by following each exercise's hint literally."""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y = np.asarray(y_true, float).reshape(-1)
    p = np.asarray(y_prob, float).reshape(-1)
    index = np.minimum((p * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        inside = index == b
        if inside.sum() == 0:
            continue
        total += (inside.sum() / len(p)) * abs(y[inside].mean() - p[inside].mean())
    return float(total)
