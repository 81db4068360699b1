# expect: reduce_loss:weight-shape
# says: broadcast into an (n, n) matrix
"""reduce_loss, right except that weights whose rank differs from the losses' are multiplied in as they are:
(n,) losses times (n, 1) weights broadcast into an (n, n) matrix."""
from keras import ops


def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    values = ops.convert_to_tensor(per_sample)
    if sample_weight is not None:
        weights = ops.cast(sample_weight, values.dtype)
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
