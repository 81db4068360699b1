# expect: balanced_class_weight:list
# says: AttributeError
"""balanced_class_weight, right except that it reads y.size, so a Python list of labels fails."""
import numpy as np


def balanced_class_weight(y):
    classes, counts = np.unique(y, return_counts=True)
    return {int(c): y.size / (len(classes) * int(m)) for c, m in zip(classes, counts)}
