# expect: confusion_counts:ties
# says: strictly above
"""confusion_counts, right except that a score equal to the threshold counts as positive (>=, not >)."""
from keras import ops


def confusion_counts(y_true, y_pred, threshold=0.5, sample_weight=None):
    y_pred = ops.convert_to_tensor(y_pred, "float32")
    actual = ops.reshape(ops.not_equal(ops.convert_to_tensor(y_true), 0), (1, -1))
    if sample_weight is None:
        weight = ops.ones_like(y_pred)
    else:
        weight = ops.convert_to_tensor(sample_weight, "float32")
        while len(weight.shape) < len(y_pred.shape):
            weight = ops.expand_dims(weight, -1)
    weight = ops.reshape(ops.broadcast_to(weight, ops.shape(y_pred)), (1, -1))
    several = isinstance(threshold, (list, tuple)) and len(threshold) > 1
    t = ops.reshape(ops.convert_to_tensor(threshold, "float32"), (-1, 1))
    predicted = ops.greater_equal(ops.reshape(y_pred, (1, -1)), t)      # the slip: >= instead of >

    def count(mask):
        total = ops.sum(ops.where(mask, weight, 0.0), axis=1)
        return total if several else total[0]

    no, both = ops.logical_not, ops.logical_and
    return (count(both(predicted, actual)), count(both(predicted, no(actual))),
            count(both(no(predicted), actual)), count(both(no(predicted), no(actual))))
