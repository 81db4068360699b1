# expect: option:from_logits
# says: you took softmax and then the log
"""categorical_crossentropy, right except that from_logits takes softmax then a clipped log (saturates)."""
import keras
from keras import ops


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if label_smoothing:
        num_classes = ops.cast(ops.shape(y_true)[-1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=-1)
    eps = keras.config.epsilon()
    p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
    return -ops.sum(y_true * ops.log(ops.clip(p, eps, 1.0 - eps)), axis=-1)
