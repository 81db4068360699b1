# expect: F1Score:reset
# says: reset_state() did not reset the counts
"""F1Score, right except that reset_state() does not reset the counts."""
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
        y_true = ops.reshape(ops.cast(y_true, "float32"), (-1,))
        y_pred = ops.reshape(ops.cast(y_pred, "float32"), (-1,))
        predicted = ops.cast(y_pred > self.threshold, "float32")
        self.tp.assign_add(ops.sum(predicted * y_true))
        self.fp.assign_add(ops.sum(predicted * (1.0 - y_true)))
        self.fn.assign_add(ops.sum((1.0 - predicted) * y_true))

    def result(self):
        return ops.divide_no_nan(2.0 * self.tp, 2.0 * self.tp + self.fp + self.fn)

    def reset_state(self):
        pass
