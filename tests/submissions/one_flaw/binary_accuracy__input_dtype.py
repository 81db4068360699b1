# expect: float64
# says: expected dtype float32, got float64
"""binary_accuracy, right except that it returns y_pred's dtype (float64 for float64 inputs); Keras returns float32."""
import keras


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred = keras.ops.convert_to_tensor(y_pred)
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    predicted = keras.ops.cast(y_pred > threshold, y_pred.dtype)
    return keras.ops.cast(keras.ops.equal(y_true, predicted), y_pred.dtype)
