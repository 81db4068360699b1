"""The checks: what is asked of each exercise, as tables of cases judged against the answer key.

A check has a stable `key` (`values`, `edges`, `float64`, `rank3`, `graph`, `fit`,
`option:delta`, `ties`, `zero-division`, …): one property of the exercise. It
asks the target (the learner's code, in their kernel or in the sandbox) a probe,
asks the answer key the same probe, and returns an `Outcome` (data: see
`autograder.verdict`). Public checks use fixed inputs (the learner's self-check
runs them); each may have a hidden twin with the same key whose inputs are drawn
from the grading seed, and that exercise only its own property: a flaw costs
the same checks under every seed.

This package never imports Keras or TensorFlow: the answer key is a separate
process (or, in a learner's kernel, the same one) reached through `Context`.
"""
from __future__ import annotations

import hashlib
import importlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol

import numpy as np

from .. import exercises
from ..probes import FatalProbeError, ProbeError, advice_for
from ..verdict import PASSED, Outcome, Problem

PUBLIC_SEED = 20261122


class Target(Protocol):
    """Something that answers probes: the learner's code (in-process or sandboxed) or the answer key."""

    runs_elsewhere: bool        # answers in another process (so the reference can be computed meanwhile)

    def probe(self, op: str, name: str, **params): ...


@dataclass
class Check:
    exercise: str
    key: str                    # stable: what tests, weights and corpus expectations name
    title: str                  # for people
    weight: float
    run: Callable[["Context"], Outcome]
    hidden: bool = False


@dataclass
class Context:
    """What a check may use: the learner's target and the answer key."""
    target: Target
    reference: Target
    exercise: str
    hidden: bool = False

    def both(self, op, **params):
        """(expected, got): the reference's answer and the learner's.

        A target in another process is asked first and answers while the
        reference is computed; a target in this process is asked after.
        """
        if self.target.runs_elsewhere:
            pending = _ASKER.submit(self.target.probe, op, self.exercise, **params)
            try:
                expected = self.reference.probe(op, self.exercise, **params)
            finally:
                got = pending.result()
            return expected, got
        expected = self.reference.probe(op, self.exercise, **params)
        got = self.target.probe(op, self.exercise, **params)
        return expected, got

    def learner(self, op, name=None, **params):
        """The learner's answer alone (for another exercise when `name` is given)."""
        return self.target.probe(op, name or self.exercise, **params)

    def key(self, op, name=None, **params):
        """The answer key's answer alone."""
        return self.reference.probe(op, name or self.exercise, **params)


_ASKER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="ask-sandbox")


# --------------------------------------------------------------------------- building

def checks_for(name: str, seed: int | None = None) -> list[Check]:
    """Public checks for exercise `name`, plus hidden ones when a seed is given.

    Both come from the builder the registry names, with the same input generators:
    the public ones from a fixed seed, the hidden ones from the grading seed.
    """
    ex = exercises.exercise(name)
    build = builder_of(ex)
    checks = build(ex, np.random.default_rng(PUBLIC_SEED), hidden=False)
    if seed is not None:
        checks += build(ex, np.random.default_rng([seed, stable_hash(name)]), hidden=True)
    return checks


def builder_of(ex) -> Callable:
    """The registry's `checks` entry ("module.name" under autograder/checks/), imported."""
    module, _, attr = ex.checks.rpartition(".")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attr)


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


# --------------------------------------------------------------------------- tables of cases

@dataclass(frozen=True)
class Case:
    """One input of a check. `kind` is shown for hidden checks too: it names the kind of input, never
    its values; `where` (public checks only) says exactly what was called."""
    args: tuple
    kwargs: dict = field(default_factory=dict)
    tensors: bool = False
    kind: str = ""
    where: str = ""


def first_failure(cases: Iterable, judge: Callable[[object], Outcome]) -> Outcome:
    """The first case whose outcome fails, else PASSED: every check's loop over its cases. A learner's
    error on a `Case` becomes that case's failed outcome (its kind and where kept); a fatal one
    propagates."""
    for case in cases:
        try:
            outcome = judge(case)
        except FatalProbeError:
            raise
        except ProbeError as exc:
            if isinstance(case, Case):
                return failed_call(exc, kind=case.kind, where=case.where)
            raise
        if not outcome.passed:
            return outcome
    return PASSED


# --------------------------------------------------------------------------- judging values

def describe_input(arr) -> str:
    arr = np.asarray(arr)
    return f"shape {tuple(arr.shape)} {arr.dtype}"


def tolerances(dtype) -> tuple[float, float]:
    """(rtol, atol) for results computed at this precision. float64 is tight enough that float32
    arithmetic (relative error ~1e-7) fails it."""
    return (1e-4, 1e-5) if np.dtype(dtype) in (np.float16, np.float32) else (1e-9, 1e-12)


def compare(expected, got, rtol, atol, *, kind="", where="", mistakes=(), dtype=None) -> Outcome:
    """Compare arrays; on failure, the outcome says where, what was expected, what came back, and
    which slip it looks like. With `dtype`, the result must also have that dtype."""
    exp = np.asarray(expected, dtype=np.float64)
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return Outcome(False, Problem.TYPE, kind=kind, where=where, expected="numbers", got=type(got).__name__,
                       detail="the result is not an array of numbers")
    if g.shape != exp.shape:
        return Outcome(False, Problem.SHAPE, kind=kind, where=where, expected=exp.shape, got=g.shape,
                       slip=find_slip(g, mistakes, exp, rtol, atol))
    close = np.isclose(g, exp, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        nonfinite = not np.isfinite(g).all() and np.isfinite(exp).all()
        with np.errstate(all="ignore"):
            largest = float(np.nanmax(np.abs(np.where(close, 0, g - exp)))) if not nonfinite else None
        return Outcome(False, Problem.NONFINITE if nonfinite else Problem.VALUES, kind=kind, where=where,
                       expected=exp, got=g, differing=int((~close).sum()), of=int(close.size), largest=largest,
                       slip=find_slip(g, mistakes, exp, rtol, atol))
    if dtype is not None:
        got_dtype = np.asarray(got).dtype          # a tuple or list of numbers: the dtype NumPy gives it
        if got_dtype != np.dtype(dtype):
            return Outcome(False, Problem.DTYPE, kind=kind, where=where, expected=np.dtype(dtype).name,
                           got=str(got_dtype),
                           slip=f"the result was computed in another dtype: keep the inputs' dtype "
                                f"({np.dtype(dtype).name}) for constants and casts")
    return PASSED


def find_slip(got, mistakes, expected=None, rtol=0.0, atol=0.0) -> str:
    """The explanation of the first classic mistake whose value the answer equals (and the reference
    does not, on these inputs), else ""."""
    for mistake_value, explanation in mistakes:
        try:
            mv = np.asarray(mistake_value, dtype=np.float64)
            if expected is not None and mv.size == expected.size and \
                    np.allclose(mv.reshape(expected.shape), expected, rtol=rtol, atol=atol, equal_nan=True):
                continue        # this slip gives the reference's values here: it explains nothing
            if mv.shape == got.shape and np.allclose(got, mv, rtol=max(rtol, 1e-4), atol=max(atol, 1e-6),
                                                     equal_nan=True):
                return explanation
        except (TypeError, ValueError):
            continue
    return ""


def failed_call(exc: ProbeError, kind="", where="") -> Outcome:
    """The outcome of a learner's error."""
    if isinstance(exc, FatalProbeError):
        return Outcome(False, Problem.FATAL, kind=kind, detail=str(exc))
    text = str(exc)
    advice = exc.advice if exc.advice is not None else advice_for(text)
    return Outcome(False, Problem.ERROR, kind=kind, where=where, error=text, advice=advice)


def guarded(fn):
    """Turn a learner failure (ProbeError) into a failed Outcome; a fatal one propagates."""
    def run(ctx: Context) -> Outcome:
        try:
            return fn(ctx)
        except FatalProbeError:
            raise
        except ProbeError as exc:
            return failed_call(exc)
    run.__name__ = getattr(fn, "__name__", "check")
    return run
