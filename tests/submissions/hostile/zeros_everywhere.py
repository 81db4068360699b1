"""Every exercise answers zeros of the right shape (or does nothing): a wrong answer everywhere must earn nothing."""
import numpy as np, keras
from keras import ops
def binary_accuracy(y_true, y_pred, threshold=0.5): return ops.zeros_like(ops.convert_to_tensor(y_pred))
def mse(y_true, y_pred): return ops.sum(ops.convert_to_tensor(y_pred) * 0.0, axis=-1)
def mae(y_true, y_pred): return ops.sum(ops.convert_to_tensor(y_pred) * 0.0, axis=-1)
def huber(y_true, y_pred, delta=1.0): return ops.sum(ops.convert_to_tensor(y_pred) * 0.0, axis=-1)
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1): return ops.sum(ops.convert_to_tensor(y_pred) * 0.0, axis=-1)
def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    v = ops.convert_to_tensor(per_sample)
    return v * 0.0 if reduction == "none" else ops.sum(v) * 0.0
def mse_l1(y_true, y_pred): return ops.sum(ops.convert_to_tensor(y_pred) * 0.0, axis=-1)
class WeightedMSE(keras.losses.Loss):
    def __init__(self, high_penalty=2.0, name="weighted_mse", **kwargs):
        super().__init__(name=name, **kwargs); self.high_penalty = high_penalty
    def call(self, y_true, y_pred): return ops.sum(ops.convert_to_tensor(y_pred) * 0.0, axis=-1)
    def get_config(self): return {**super().get_config(), "high_penalty": self.high_penalty}
class F1Score(keras.metrics.Metric):
    def __init__(self, threshold=0.5, name="f1", **kw):
        super().__init__(name=name, **kw); self.threshold = threshold
    def update_state(self, y_true, y_pred, sample_weight=None): pass
    def result(self): return ops.convert_to_tensor(0.0)
    def reset_state(self): pass
def expected_calibration_error(y_true, y_prob, n_bins=10): return 0.0
def decide(x_train, y_train, x_val, y_val, x_test, cost_fp, cost_fn): return np.zeros(len(x_test), dtype=int)
