# expect: WeightedMSE:float64
# says: mixes float32 and float64
"""WeightedMSE, right except that the weights are float32, which float64 inputs cannot mix with."""
import keras
from keras import ops


class WeightedMSE(keras.losses.Loss):
    def __init__(self, high_penalty=2.0, name="weighted_mse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.high_penalty = high_penalty

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        weight = ops.where(y_true > 0.5, ops.convert_to_tensor(self.high_penalty, "float32"),
                           ops.convert_to_tensor(1.0, "float32"))
        return ops.mean(ops.square(y_true - y_pred) * weight, axis=-1)

    def get_config(self):
        return {**super().get_config(), "high_penalty": self.high_penalty}
