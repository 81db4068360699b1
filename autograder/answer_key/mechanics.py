"""Chapter 07's reference: Keras' reduction of weighted per-sample losses.

Part of the answer key: the grader reads this file as text and sends it to the answer key's
process; it never imports it.
"""
import keras
from keras import ops
import numpy as np


def reduce_loss(per_sample, sample_weight=None, reduction="sum_over_batch_size"):
    """The reference: Keras' own reduction, from its private module (it has no public name)."""
    from keras.src.losses.loss import reduce_weighted_values
    return reduce_weighted_values(per_sample, sample_weight=sample_weight, reduction=reduction)
