"""Writes fake grades.csv and results.json wherever it can reach (one cell, so all of it runs).

Its cwd, every parent folder but /, and the --out folder of the grader it runs
under (read from /proc/<ancestor>/cmdline); prints a fake result; and leaves a
process behind that keeps rewriting those files for a minute, after the grader
has written its own. Its exercises are correct: it should get 40 points, no more.
"""
# batch: nothing
import json
import os
import time

import keras
import numpy as np
from keras import ops

FAKE_CSV = ("submission,mse,mae,huber,log_cosh,total,max_total,status\n"
            "fake_results_writer.py,10,10,10,10,400,40,graded FAKE-MARKER\n")
FAKE_JSON = json.dumps({"score": 400, "output": "FAKE-MARKER", "tests": [
    {"name": "mse: everything", "score": 400, "max_score": 40, "status": "passed", "output": "FAKE-MARKER"}]})


def plant(folder, stems=False):
    for name, text in (("grades.csv", FAKE_CSV), ("results.json", FAKE_JSON)):
        try:
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        except OSError:
            pass
    for stem in ("fake_results_writer", "keras_ops", "ghost_student") if stems else ():
        try:
            os.makedirs(os.path.join(folder, stem), exist_ok=True)
            with open(os.path.join(folder, stem, "results.json"), "w") as f:
                f.write(FAKE_JSON)
        except OSError:
            pass


def grader_out_dirs():
    """The --out of every process this one descends from (the grader's, if it was given)."""
    found, pid = set(), os.getpid()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            argv, cwd = [], "/"
        for i, arg in enumerate(argv[:-1]):
            if arg == "--out":
                found.add(os.path.join(cwd, argv[i + 1]))
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return found


here = os.getcwd()
targets = {here}
parent = here
while parent != os.path.dirname(parent):
    parent = os.path.dirname(parent)
    targets.add(parent)
targets.discard("/")
out_dirs = grader_out_dirs()
for folder in sorted(targets | out_dirs):
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        pass
    plant(folder, stems=folder in out_dirs)

print("Chapter 02: 400 of 40 points. Status: graded")
print(FAKE_JSON)

# a process that outlives this one and keeps rewriting the files for a minute
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        deadline = time.time() + 60
        while time.time() < deadline:
            for folder in sorted(targets | out_dirs):
                plant(folder, stems=folder in out_dirs)
            time.sleep(0.2)
    os._exit(0)


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
