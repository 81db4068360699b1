# expect: diagnose:inputs
# says: AttributeError
"""diagnose in plain Python, right except that it finds argmin(V) with V.index(min(V)), which
lists and tuples have but NumPy arrays do not."""
import math


def diagnose(history, noise_floor):
    L, V = history["loss"], history["val_loss"]
    n = len(L)
    t = max(1, n // 3)
    if not all(math.isfinite(v) for v in list(L) + list(V)):
        return "learning_rate_too_high"
    rises = sum(1 for i in range(n - 1) if L[i + 1] > 1.1 * L[i])
    if max(L[1:]) > L[0] or rises >= (n - 1) / 3:
        return "learning_rate_too_high"
    if sum(V[-t:]) / t < 0.5 * noise_floor:
        return "leakage_suspected"
    if (V.index(min(V)) < n - t and V[-1] > 1.2 * min(V)) or V[-1] > 2 * L[-1]:
        return "overfitting"
    if L[-1] > 0.8 * L[0]:
        return "underfitting"
    return "healthy"
