# expect: option:gamma
# says: the gamma argument is ignored
"""binary_focal_crossentropy, right except that the focal factor always uses gamma=2."""
import keras
from keras import ops


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        bce = ops.maximum(y_pred, 0.0) - y_pred * y_true + ops.log1p(ops.exp(-ops.abs(y_pred)))
        y_pred = ops.sigmoid(y_pred)
    else:
        eps = keras.config.epsilon()
        p = ops.clip(y_pred, eps, 1.0 - eps)
        bce = -(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p))
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    loss = ops.square(1.0 - p_t) * bce
    if apply_class_balancing:
        loss = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * loss
    return ops.mean(loss, axis=-1)
