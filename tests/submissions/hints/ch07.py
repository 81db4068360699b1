"""Chapter 07, written by following each exercise's hint literally."""
import keras


def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    values = keras.ops.convert_to_tensor(per_sample)
    if sample_weight is not None:
        weights = keras.ops.cast(sample_weight, values.dtype)
        if len(values.shape) == len(weights.shape) + 1:
            weights = keras.ops.expand_dims(weights, -1)
        elif len(weights.shape) == len(values.shape) + 1:
            values = keras.ops.expand_dims(values, -1)
        values = values * weights
    if reduction == "none":
        return values
    total = keras.ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return keras.ops.divide_no_nan(total, keras.ops.sum(weights))
    return keras.ops.divide_no_nan(total, keras.ops.cast(keras.ops.size(values), total.dtype))
