"""Chapter 05, written by following each exercise's hint literally."""
import keras
import numpy as np


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0):
    y_pred = keras.ops.convert_to_tensor(y_pred)
    y = keras.ops.cast(y_true, y_pred.dtype)
    y = y * (1 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        x = y_pred
        bce = keras.ops.maximum(x, 0) - x * y + keras.ops.log(1 + keras.ops.exp(-keras.ops.abs(x)))
        p = keras.ops.sigmoid(x)
    else:
        eps = keras.config.epsilon()
        p = y_pred
        clipped = keras.ops.clip(p, eps, 1 - eps)
        bce = -(y * keras.ops.log(clipped) + (1 - y) * keras.ops.log(1 - clipped))
    p_t = y * p + (1 - y) * (1 - p)
    loss = bce * (1 - p_t) ** gamma
    if apply_class_balancing:
        loss = loss * (alpha * y + (1 - alpha) * (1 - y))
    return keras.ops.mean(loss, axis=-1)


def balanced_class_weight(y):
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    return {int(c): len(np.asarray(y)) / (len(classes) * int(k)) for c, k in zip(classes, counts)}
