# expect: balanced_class_weight:keys
# says: the keys are floats
"""balanced_class_weight, right except that the keys are floats (0.0, 2.0, 7.0), not the labels as ints."""
import numpy as np


def balanced_class_weight(y):
    labels = np.asarray(y, dtype=float)
    classes, counts = np.unique(labels, return_counts=True)
    return {c.item(): labels.size / (classes.size * int(m)) for c, m in zip(classes, counts)}
