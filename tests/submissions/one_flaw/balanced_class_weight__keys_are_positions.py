# expect: balanced_class_weight:keys
# says: numbered the classes
"""balanced_class_weight, right except that the keys are positions 0..k-1, not the labels themselves."""
import numpy as np


def balanced_class_weight(y):
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    n = len(np.asarray(y))
    return {i: n / (len(classes) * int(k)) for i, k in enumerate(counts)}
