# expect: diagnose:strings
# says: is not exactly its string
"""diagnose, right except that it returns the answer inside a list (["overfitting"]), not the string."""
import numpy as np


def diagnose(history, noise_floor):
    L = np.asarray(history["loss"], dtype=float)
    V = np.asarray(history["val_loss"], dtype=float)
    n = len(L)
    t = max(1, n // 3)
    found = []
    if not (np.isfinite(L).all() and np.isfinite(V).all()):
        found.append("learning_rate_too_high")
    elif L[1:].max() > L[0] or np.sum(L[1:] > 1.1 * L[:-1]) >= (n - 1) / 3:
        found.append("learning_rate_too_high")
    elif V[-t:].mean() < 0.5 * noise_floor:
        found.append("leakage_suspected")
    elif (np.argmin(V) < n - t and V[-1] > 1.2 * V.min()) or V[-1] > 2 * L[-1]:
        found.append("overfitting")
    elif L[-1] > 0.8 * L[0]:
        found.append("underfitting")
    else:
        found.append("healthy")
    return found
