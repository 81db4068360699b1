"""Correct mse, but every call ignores the sandbox alarm and answers 6 s later: past the call limit
(2 s in the test) yet well inside the socket timeout the grader used to allow (call + 10 s)."""
import signal
import time

import keras
from keras import ops

signal.signal(signal.SIGALRM, signal.SIG_IGN)        # the alarm the sandbox set for each call: ignored


def mse(y_true, y_pred):
    time.sleep(6)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)
