# expect: reduce_loss:graph
# says: tf.function
"""reduce_loss written with NumPy: right on arrays and eager tensors, but it cannot run inside tf.function."""
import numpy as np


def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    values = np.asarray(per_sample)
    if sample_weight is not None:
        weights = np.asarray(sample_weight).astype(values.dtype)
        if values.ndim == weights.ndim + 1 and values.shape[-1] == 1:
            weights = weights[..., None]
        elif weights.ndim == values.ndim + 1 and weights.shape[-1] == 1:
            if values.ndim == 1:
                values = values[..., None]
            else:
                weights = weights[..., 0]
        values = values * weights
    if reduction is None or reduction == "none":
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = weights.sum()
    else:
        divisor = values.dtype.type(values.size)
    return np.divide(total, divisor) if divisor else values.dtype.type(0.0)
