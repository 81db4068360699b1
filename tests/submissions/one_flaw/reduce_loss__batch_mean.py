# expect: reduce_loss:values
# says: you divided by the batch size
"""reduce_loss, right except that the means divide by the batch size (the first axis), not the number of values."""
from keras import ops


def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    values = ops.convert_to_tensor(per_sample)
    if sample_weight is not None:
        weights = ops.cast(sample_weight, values.dtype)
        # Bring both to the same rank the way Keras does: add the missing trailing axis of size 1.
        if len(values.shape) == len(weights.shape) + 1 and values.shape[-1] == 1:
            weights = ops.expand_dims(weights, axis=-1)
        elif len(weights.shape) == len(values.shape) + 1 and weights.shape[-1] == 1:
            if len(values.shape) == 1:
                values = ops.expand_dims(values, axis=-1)
            else:
                weights = ops.squeeze(weights, axis=-1)
        values = values * weights
    if reduction is None or reduction == "none":
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = ops.sum(weights)
    else:
        divisor = ops.cast(ops.shape(values)[0], total.dtype)
    return ops.divide_no_nan(total, divisor)
