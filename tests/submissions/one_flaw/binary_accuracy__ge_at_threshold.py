# expect: edges
# says: strictly above the threshold
"""binary_accuracy, right except that a score equal to the threshold counts as 1 (>= instead of >)."""
import keras


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred = keras.ops.convert_to_tensor(y_pred)
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    predicted = keras.ops.cast(y_pred >= threshold, y_pred.dtype)
    return keras.ops.cast(keras.ops.equal(y_true, predicted), keras.config.floatx())
