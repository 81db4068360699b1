# expect: F1Score:zero-division
# says: 0/0 gave NaN
"""F1Score, right except that result() divides plainly: with no positives at all it gives NaN."""
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
        return 2.0 * self.tp / (2.0 * self.tp + self.fp + self.fn)

    def reset_state(self):
        for v in (self.tp, self.fp, self.fn):
            v.assign(0.0)
