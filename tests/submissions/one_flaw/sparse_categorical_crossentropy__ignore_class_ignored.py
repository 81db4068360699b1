# expect: option:ignore_class
# says: ignore_class=
"""sparse_categorical_crossentropy, right except that it accepts ignore_class and does nothing with it."""
import keras
from keras import ops


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None):
    y_pred = ops.convert_to_tensor(y_pred)
    labels = ops.convert_to_tensor(y_true)
    if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, axis=-1)
    y = ops.one_hot(ops.cast(labels, "int32"), y_pred.shape[-1], dtype=y_pred.dtype)
    if from_logits:
        log_p = ops.log_softmax(y_pred, axis=-1)
    else:
        eps = keras.config.epsilon()
        p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
        log_p = ops.log(ops.clip(p, eps, 1.0 - eps))
    return -ops.sum(y * log_p, axis=-1)
