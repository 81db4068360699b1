# expect: WeightedMSE:values
# says: you summed over the last axis
"""WeightedMSE, right except that call() sums over the last axis instead of taking the mean."""
import keras
from keras import ops


class WeightedMSE(keras.losses.Loss):
    def __init__(self, high_penalty=2.0, name="weighted_mse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.high_penalty = high_penalty

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        weight = ops.where(y_true > 0.5, ops.cast(self.high_penalty, y_pred.dtype), ops.cast(1.0, y_pred.dtype))
        return ops.sum(ops.square(y_true - y_pred) * weight, axis=-1)

    def get_config(self):
        return {**super().get_config(), "high_penalty": self.high_penalty}
