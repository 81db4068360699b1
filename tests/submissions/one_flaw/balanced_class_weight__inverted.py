# expect: balanced_class_weight:values
# says: the weights are inverted
# says: a logistic regression finds
"""balanced_class_weight, right except that the weights are inverted: n_classes * count / n_samples."""
import numpy as np


def balanced_class_weight(y):
    labels = np.asarray(y).reshape(-1)
    classes, counts = np.unique(labels, return_counts=True)
    return {int(c): classes.size * int(m) / labels.size for c, m in zip(classes, counts)}
