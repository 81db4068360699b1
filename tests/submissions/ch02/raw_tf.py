"""Correct: raw TensorFlow ops, one cell."""
# batch: nothing
import tensorflow as tf


def _cast(y_true, y_pred):
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    if y_true.shape.rank == 1 and y_pred.shape.rank == 2:    # (n,) with (n, 1): line up
        y_true = tf.expand_dims(y_true, -1)
    if y_pred.shape.rank == 1 and y_true.shape.rank == 2:
        y_pred = tf.expand_dims(y_pred, -1)
    return y_true, y_pred


def mse(y_true, y_pred):
    y_true, y_pred = _cast(y_true, y_pred)
    return tf.reduce_mean(tf.math.squared_difference(y_pred, y_true), axis=-1)


def mae(y_true, y_pred):
    y_true, y_pred = _cast(y_true, y_pred)
    return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    y_true, y_pred = _cast(y_true, y_pred)
    delta = tf.cast(delta, y_pred.dtype)
    error = tf.abs(y_pred - y_true)
    clipped = tf.minimum(error, delta)           # the quadratic part, capped at delta
    return tf.reduce_mean(0.5 * tf.square(clipped) + delta * (error - clipped), axis=-1)


def log_cosh(y_true, y_pred):
    y_true, y_pred = _cast(y_true, y_pred)
    error = y_pred - y_true
    return tf.reduce_mean(error + tf.nn.softplus(-2.0 * error) - tf.math.log(tf.cast(2.0, error.dtype)), axis=-1)
