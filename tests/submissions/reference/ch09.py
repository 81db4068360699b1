"""Chapter 09 (diagnosing training): a correct submission, written with NumPy."""
import numpy as np


def diagnose(history, noise_floor):
    loss = np.asarray(history["loss"], dtype=float).ravel()
    val = np.asarray(history["val_loss"], dtype=float).ravel()
    n = len(loss)
    tail = max(1, n // 3)
    if not (np.all(np.isfinite(loss)) and np.all(np.isfinite(val))):
        return "learning_rate_too_high"
    big_rises = np.count_nonzero(loss[1:] > 1.1 * loss[:-1])
    if np.max(loss[1:]) > loss[0] or 3 * big_rises >= n - 1:
        return "learning_rate_too_high"
    if np.mean(val[-tail:]) < 0.5 * noise_floor:
        return "leakage_suspected"
    best = int(np.argmin(val))
    if (best < n - tail and val[-1] > 1.2 * val[best]) or val[-1] > 2 * loss[-1]:
        return "overfitting"
    if loss[-1] > 0.8 * loss[0]:
        return "underfitting"
    return "healthy"
