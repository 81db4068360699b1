"""Chapter 05 (imbalanced data): a correct submission, written with keras.ops and NumPy."""
import keras
import numpy as np
from keras import ops


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        x = y_pred
        bce = ops.maximum(x, 0.0) - x * y_true + ops.log1p(ops.exp(-ops.abs(x)))
        p = ops.sigmoid(x)
    else:
        eps = keras.config.epsilon()
        p = y_pred
        q = ops.clip(p, eps, 1.0 - eps)
        bce = -(y_true * ops.log(q) + (1.0 - y_true) * ops.log(1.0 - q))
    p_t = y_true * p + (1.0 - y_true) * (1.0 - p)
    loss = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        loss = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * loss
    return ops.mean(loss, axis=-1)


def balanced_class_weight(y):
    labels = np.asarray(y).reshape(-1)
    classes, counts = np.unique(labels, return_counts=True)
    n_samples, n_classes = labels.size, classes.size
    return {int(c): n_samples / (n_classes * int(m)) for c, m in zip(classes, counts)}
