"""Chapter 09's reference for diagnose(history, noise_floor), and the thresholds of its five rules.

Part of the answer key: the grader reads this file as text and sends it to the answer key's
process; it never imports it. The checks (autograder/checks/diagnosis.py) read THRESHOLDS
from this file's text, so the rules' numbers are written here and only here (the chapter's
text and the hint state them in prose; tests/checks/test_exercise_diagnose.py compares them).
"""
import keras
from keras import ops
import numpy as np

# rise, rise_share: rule 1's "L[i+1] > rise * L[i] in at least rise_share * (n - 1) steps";
# start: rule 1's "max(L[1:]) > start * L[0]"; leak: rule 2's "mean(V[-t:]) < leak * noise_floor";
# climb, gap: rule 3; underfit: rule 4; tail: t = max(1, n // tail), the epochs of the last third.
THRESHOLDS = {"rise": 1.1, "rise_share": 1 / 3, "start": 1.0, "leak": 0.5, "climb": 1.2, "gap": 2.0,
              "underfit": 0.8, "tail": 3}


def diagnose(history, noise_floor):
    """The first of the five rules that fires (see the chapter), as one of the five strings.

    noise_floor: the lowest validation loss an honest model can reach (the chapter measures it)."""
    th = THRESHOLDS
    L = np.asarray(history["loss"], dtype=np.float64).reshape(-1)
    V = np.asarray(history["val_loss"], dtype=np.float64).reshape(-1)
    floor = float(noise_floor)
    n = len(L)
    t = max(1, n // th["tail"])
    if not (np.isfinite(L).all() and np.isfinite(V).all()):
        return "learning_rate_too_high"
    rises = int(np.sum(L[1:] > th["rise"] * L[:-1]))
    if L[1:].max() > th["start"] * L[0] or rises >= th["rise_share"] * (n - 1):
        return "learning_rate_too_high"
    if V[-t:].mean() < th["leak"] * floor:
        return "leakage_suspected"
    if (int(np.argmin(V)) < n - t and V[-1] > th["climb"] * V.min()) or V[-1] > th["gap"] * L[-1]:
        return "overfitting"
    if L[-1] > th["underfit"] * L[0]:
        return "underfitting"
    return "healthy"
