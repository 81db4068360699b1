# expect: F1Score:values
# says: returned the precision
"""F1Score, right except that result() returns the precision TP / (TP + FP) instead of F1."""
import keras
from keras import ops
class F1Score(keras.metrics.Metric):
    def __init__(self, threshold=0.5, name="f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.tp = self.add_variable(shape=(), initializer="zeros", name="tp")
        self.fp = self.add_variable(shape=(), initializer="zeros", name="fp")
        self.fn = self.add_variable(shape=(), initializer="zeros", name="fn")
    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        pos = ops.cast(y_pred > self.threshold, y_pred.dtype)
        self.tp.assign_add(ops.cast(ops.sum(pos * y_true), self.tp.dtype))
        self.fp.assign_add(ops.cast(ops.sum(pos * (1 - y_true)), self.fp.dtype))
        self.fn.assign_add(ops.cast(ops.sum((1 - pos) * y_true), self.fn.dtype))
    def result(self):
        return ops.divide_no_nan(self.tp, self.tp + self.fp)
    def reset_state(self):
        for v in (self.tp, self.fp, self.fn):
            v.assign(0.0)
