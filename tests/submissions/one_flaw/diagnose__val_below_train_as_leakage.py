# expect: diagnose:leakage_suspected
# says: leakage was not judged against the noise floor
"""diagnose, right except that it keeps the old leakage rule: a validation loss below half the training
loss (mean(V[-t:]) < 0.5 * mean(L[-t:])), ignoring noise_floor. Dropout alone makes the validation loss
fall below the training loss, and a leaked model trained without dropout has a validation loss above
its training loss but far below the noise floor: this rule gets both wrong."""
import numpy as np


def diagnose(history, noise_floor):
    L = np.asarray(history["loss"], dtype=float)
    V = np.asarray(history["val_loss"], dtype=float)
    n = len(L)
    t = max(1, n // 3)
    if not (np.isfinite(L).all() and np.isfinite(V).all()):
        return "learning_rate_too_high"
    if L[1:].max() > L[0] or np.sum(L[1:] > 1.1 * L[:-1]) >= (n - 1) / 3:
        return "learning_rate_too_high"
    if V[-t:].mean() < 0.5 * L[-t:].mean():
        return "leakage_suspected"
    if (np.argmin(V) < n - t and V[-1] > 1.2 * V.min()) or V[-1] > 2 * L[-1]:
        return "overfitting"
    if L[-1] > 0.8 * L[0]:
        return "underfitting"
    return "healthy"
