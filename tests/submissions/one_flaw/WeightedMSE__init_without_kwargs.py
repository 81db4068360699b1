# expect: WeightedMSE:save-load
"""WeightedMSE, right except that __init__ takes no **kwargs, so from_config (and load_model) cannot pass
the base config's name, reduction and dtype back."""
import keras
from keras import ops
class WeightedMSE(keras.losses.Loss):
    def __init__(self, high_penalty=2.0):
        super().__init__(name="weighted_mse")
        self.high_penalty = high_penalty
    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        weight = ops.where(y_true > 0.5, ops.cast(self.high_penalty, y_pred.dtype), ops.cast(1.0, y_pred.dtype))
        return ops.mean(ops.square(y_true - y_pred) * weight, axis=-1)
    def get_config(self):
        return {**super().get_config(), "high_penalty": self.high_penalty}
