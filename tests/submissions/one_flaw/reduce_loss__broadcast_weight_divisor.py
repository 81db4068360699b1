# expect: reduce_loss:weight-shape
# says: sum of the weights broadcast to every step
"""reduce_loss, right except that "mean_with_sample_weight" divides by the sum of the weights broadcast
to the losses' shape: (n, t) losses with (n, 1) weights give the weighted average, t times smaller than
Keras' number (which divides by the n weights as passed)."""
from keras import ops


def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    values = ops.convert_to_tensor(per_sample)
    if sample_weight is not None:
        weights = ops.cast(sample_weight, values.dtype)
        if len(weights.shape) == len(values.shape) + 1 and weights.shape[-1] == 1:
            values = ops.expand_dims(values, -1)
        elif len(values.shape) == len(weights.shape) + 1 and values.shape[-1] == 1:
            weights = ops.expand_dims(weights, -1)
        weights = ops.broadcast_to(weights, ops.shape(values))     # one weight per value
        values = values * weights
    if reduction is None or reduction == "none":
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = ops.sum(weights)
    else:
        divisor = ops.cast(ops.size(values), total.dtype)
    return ops.divide_no_nan(total, divisor)
