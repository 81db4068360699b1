"""Four forked grandchildren each touch 1.5 GB and hold it: 6 GB together, far over one submission's share.

Prints how many started and how many held their 1.5 GB at the same time. Its exercises are correct (and defined first).
"""
# batch: nothing
# %%
import keras
import numpy as np
from keras import ops


def mse(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def mae(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    delta = ops.cast(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    return ops.mean(ops.where(abs_error <= delta, 0.5 * ops.square(error), delta * (abs_error - 0.5 * delta)), axis=-1)


def log_cosh(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:    # (n,) with (n, 1): line up
        y_true = ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = ops.expand_dims(y_pred, -1)
    error = y_pred - y_true
    return ops.mean(error + ops.softplus(-2.0 * error) - ops.cast(np.log(2.0), error.dtype), axis=-1)


def attack_ran():          # reading ATTACK ties the cell below to the exercises, so the grader runs it
    return ATTACK

# %%
ATTACK = "ran"
import os
import select
import time

r, w = os.pipe()
kids = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        try:
            with open("/proc/self/oom_score_adj", "w") as f:
                f.write("1000")                  # if something must die, let it be these
            hoard = np.ones(3 * 64 * 1024 ** 2, dtype=np.float64)   # 1.5 GB, every page touched
            os.write(w, b"1")
            time.sleep(20)
        finally:
            os._exit(0)
    kids.append(pid)
print(f"grandchildren started: {len(kids)}")
held, deadline = 0, time.time() + 4
while time.time() < deadline:
    ready, _, _ = select.select([r], [], [], max(0.0, deadline - time.time()))
    if ready:
        held += len(os.read(r, 16))
for pid in kids:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
print(f"grandchildren holding 1.5 GB at the same time: {held}")
