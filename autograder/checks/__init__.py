"""The checks: what is asked of each exercise, and how a failure is explained.

A check asks the target (the learner's code, in their kernel or in the sandbox)
a probe, asks the Keras reference the same probe in this process, and compares.
Public checks use fixed inputs (the learner's self-check runs them); hidden
checks draw their inputs from a seed given at grading time.
"""
from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import exercises
from ..probes import FatalProbeError, ProbeError

PUBLIC_SEED = 20261122


@dataclass
class Outcome:
    passed: bool
    message: str = ""


@dataclass
class Check:
    exercise: str
    title: str
    weight: float
    run: Callable[["Context"], Outcome]
    hidden: bool = False


@dataclass
class Context:
    """What a check may use: the learner's target and the reference target."""
    target: object          # has .probe(op, name, **params)
    reference: object       # same interface, Keras-backed, in this process
    exercise: str
    hidden: bool = False

    def both(self, op, **params):
        """(expected, got): the reference's answer and the learner's.

        A sandboxed target (`runs_elsewhere`) is asked first and answers while the
        reference is computed here; a target in this process is asked after.
        """
        if getattr(self.target, "runs_elsewhere", False):
            pending = _ASKER.submit(self.target.probe, op, self.exercise, **params)
            try:
                expected = self.reference.probe(op, self.exercise, **params)
            finally:
                got = pending.result()
            return expected, got
        expected = self.reference.probe(op, self.exercise, **params)
        got = self.target.probe(op, self.exercise, **params)
        return expected, got


_ASKER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="ask-sandbox")


def checks_for(name: str, seed: int | None = None) -> list[Check]:
    """Public checks for exercise `name`, plus hidden ones when a seed is given.

    Both come from the builder the registry names, with the same input generators:
    the public ones from a fixed seed, the hidden ones from the grading seed.
    """
    ex = exercises.exercise(name)
    build = builder_of(ex)
    checks = build(ex, np.random.default_rng(PUBLIC_SEED), hidden=False)
    if seed is not None:
        checks += build(ex, np.random.default_rng([seed, _stable_hash(name)]), hidden=True)
    return checks


def builder_of(ex) -> Callable:
    """The registry's `checks` entry ("module.name" under autograder/checks/), imported."""
    module, _, attr = ex.checks.rpartition(".")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attr)


def _stable_hash(text: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


# --------------------------------------------------------------------------- describing arrays

def short(arr, n: int = 4) -> str:
    arr = np.asarray(arr)
    flat = arr.reshape(-1)
    shown = ", ".join(f"{v:.4g}" for v in flat[:n])
    more = ", …" if flat.size > n else ""
    return f"[{shown}{more}]" if arr.ndim else f"{float(arr):.6g}"


def describe_input(arr) -> str:
    arr = np.asarray(arr)
    return f"shape {tuple(arr.shape)} {arr.dtype}"


def tolerances(dtype) -> tuple[float, float]:
    return (1e-4, 1e-5) if np.dtype(dtype) in (np.float16, np.float32) else (1e-6, 1e-8)


def compare(expected, got, rtol, atol, hidden, inputs_text, mistakes=()) -> Outcome:
    """Compare arrays; on failure say where, what was expected (unless hidden) and which slip it looks like."""
    expected, got = np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64)
    if got.shape != expected.shape:
        msg = f"{inputs_text}: expected shape {expected.shape}, got {got.shape}"
        return Outcome(False, _with_mistake(msg, got, mistakes, expected, rtol, atol))
    close = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return Outcome(True)
    bad = int((~close).sum())
    if hidden:
        diff = np.nanmax(np.abs(np.where(close, 0, got - expected))) if np.isfinite(got).all() else float("inf")
        msg = f"{inputs_text}: {bad} of {close.size} values differ (largest difference {diff:.3g})"
    else:
        msg = f"{inputs_text}: expected {short(expected)}, got {short(got)}"
    if not np.isfinite(got).all() and np.isfinite(expected).all():
        msg += "; your result has inf or NaN where Keras' is finite"
    return Outcome(False, _with_mistake(msg, got, mistakes, expected, rtol, atol))


def _with_mistake(msg, got, mistakes, expected=None, rtol=0.0, atol=0.0) -> str:
    for mistake_value, explanation in mistakes:
        try:
            mv = np.asarray(mistake_value, dtype=np.float64)
            if expected is not None and mv.size == expected.size and \
                    np.allclose(mv.reshape(expected.shape), expected, rtol=rtol, atol=atol, equal_nan=True):
                continue        # this slip gives Keras' values on these inputs: it explains nothing
            if mv.shape == got.shape and np.allclose(got, mv, rtol=1e-4, atol=1e-6, equal_nan=True):
                return f"{msg}. Looks like {explanation}"
        except (TypeError, ValueError):
            continue
    return msg


def guarded(fn):
    """Turn a learner failure (ProbeError) into a failed Outcome with its message."""
    def run(ctx: Context) -> Outcome:
        try:
            return fn(ctx)
        except FatalProbeError:
            raise
        except ProbeError as exc:
            return Outcome(False, str(exc))
    run.__name__ = getattr(fn, "__name__", "check")
    return run
