# expect: diagnose:inputs
# says: your code read another key
"""diagnose, right except that it takes the validation loss from the first key starting with "val"."""
import numpy as np


def diagnose(history, noise_floor):
    L = np.asarray(history["loss"], dtype=float)
    V = np.asarray(next(v for k, v in history.items() if k.startswith("val")), dtype=float)
    n = len(L)
    t = max(1, n // 3)
    if not (np.isfinite(L).all() and np.isfinite(V).all()):
        return "learning_rate_too_high"
    if L[1:].max() > L[0] or np.sum(L[1:] > 1.1 * L[:-1]) >= (n - 1) / 3:
        return "learning_rate_too_high"
    if V[-t:].mean() < 0.5 * noise_floor:
        return "leakage_suspected"
    if (np.argmin(V) < n - t and V[-1] > 1.2 * V.min()) or V[-1] > 2 * L[-1]:
        return "overfitting"
    if L[-1] > 0.8 * L[0]:
        return "underfitting"
    return "healthy"
