# expect: edges, graph
# says: not normalised
"""categorical_crossentropy, right except that y_pred is not divided by its sum over the classes.

The drawn probabilities sum to 1, so only the edge case shows it in the values; the gradient differs on
every batch (the division by the sum has a derivative), so graph and its hidden twin fail too."""
import keras
from keras import ops


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    num_classes = ops.cast(ops.shape(y_true)[-1], y_pred.dtype)
    y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    if from_logits:
        log_p = ops.log_softmax(y_pred, axis=-1)
    else:
        eps = keras.config.epsilon()
        log_p = ops.log(ops.clip(y_pred, eps, 1.0 - eps))
    return -ops.sum(y_true * log_p, axis=-1)
