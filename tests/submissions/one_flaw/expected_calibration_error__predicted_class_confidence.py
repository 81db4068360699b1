# expect: expected_calibration_error:values, expected_calibration_error:edges, expected_calibration_error:one, expected_calibration_error:n_bins, expected_calibration_error:inputs
# says: the predicted class's confidence
"""expected_calibration_error, right except that it bins the predicted class's confidence max(p, 1 - p) and compares it with that class's accuracy (the multi-class top-label ECE), not the positive class's probability with the labels."""
import numpy as np


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y = np.asarray(y_true, dtype=float).reshape(-1)
    p = np.asarray(y_prob, dtype=float).reshape(-1)
    predicted = (p >= 0.5).astype(float)
    confidence = np.where(predicted == 1, p, 1 - p)
    correct = (predicted == y).astype(float)
    index = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        inside = index == b
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return total
