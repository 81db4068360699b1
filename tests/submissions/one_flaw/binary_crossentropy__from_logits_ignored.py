# expect: option:from_logits
# says: from_logits=True is ignored
"""binary_crossentropy, right except that from_logits is ignored: logits are clipped and logged as probabilities."""
import keras
from keras import ops


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    eps = keras.config.epsilon()
    p = ops.clip(y_pred, eps, 1.0 - eps)
    return ops.mean(-(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p)), axis=-1)
