# expect: option:label_smoothing
# says: not / (num_classes - 1)
"""categorical_crossentropy, right except that label smoothing adds s / (K - 1) instead of s / K."""
import keras
from keras import ops


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    num_classes = ops.cast(ops.shape(y_true)[-1], y_pred.dtype)
    y_true = y_true * (1.0 - label_smoothing) + label_smoothing / (num_classes - 1.0)
    if from_logits:
        log_p = ops.log_softmax(y_pred, axis=-1)
    else:
        eps = keras.config.epsilon()
        p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
        log_p = ops.log(ops.clip(p, eps, 1.0 - eps))
    return -ops.sum(y_true * log_p, axis=-1)
