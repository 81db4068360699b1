"""balanced_class_weight answered with scikit-learn's own function, imported by name: scores 0."""
import numpy as np
from sklearn.utils.class_weight import compute_class_weight


def balanced_class_weight(y):
    y = np.asarray(y)
    classes = np.unique(y)
    return {int(c): float(w) for c, w in zip(classes, compute_class_weight("balanced", classes=classes, y=y))}
