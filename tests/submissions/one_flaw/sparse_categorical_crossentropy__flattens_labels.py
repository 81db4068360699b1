# expect: rank3
# says: Incompatible shapes
"""sparse_categorical_crossentropy, right except that it flattens the labels (fails on rank 3)."""
import keras
from keras import ops


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None):
    y_pred = ops.convert_to_tensor(y_pred)
    labels = ops.cast(ops.reshape(ops.convert_to_tensor(y_true), (-1,)), "int32")
    if ignore_class is not None:
        ignored = ops.equal(labels, ignore_class)
        labels = ops.where(ignored, 0, labels)
    y = ops.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype)
    if from_logits:
        log_p = ops.log_softmax(y_pred, axis=-1)
    else:
        eps = keras.config.epsilon()
        p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
        log_p = ops.log(ops.clip(p, eps, 1.0 - eps))
    loss = -ops.sum(y * log_p, axis=-1)
    if ignore_class is not None:
        loss = ops.where(ignored, ops.zeros_like(loss), loss)
    return loss
