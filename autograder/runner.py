"""Run the checks of some exercises against one target and score them.

A target is anything with `names()` and `probe(op, name, **params)`: the
learner's live namespace (self-check) or a sandboxed submission (grading).
"""
from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass

from . import exercises, probes
from .checks import Context, Outcome, checks_for
from .probes import FatalProbeError


@dataclass
class Result:
    exercise: str
    title: str
    score: float
    max_score: float
    passed: bool
    message: str
    hidden: bool

    def to_dict(self):
        return asdict(self)


class InProcess:
    """A namespace in this process: the learner's kernel, or the Keras answer key."""

    def __init__(self, namespace, tripwires=None):
        self.namespace = namespace
        self.tripwires = tripwires

    def names(self):
        return [k for k, v in self.namespace.items() if not k.startswith("_") and callable(v)]

    def probe(self, op, name, **params):
        if self.tripwires is not None:
            self.tripwires.active = name
        try:
            return probes.run(op, self.namespace, name, params)
        finally:
            if self.tripwires is not None:
                self.tripwires.active = None

    def shortcut_hits(self, name):
        return sorted(self.tripwires.hits.get(name, ())) if self.tripwires else []


_reference = None


def reference_target() -> InProcess:
    global _reference
    if _reference is None:
        from .references import NAMESPACE
        _reference = InProcess(NAMESPACE)
    return _reference


def run_exercise(name: str, target, seed: int | None = None, static_shortcuts=()) -> list[Result]:
    """Every check of one exercise (hidden ones too when `seed` is given), scored."""
    ex = exercises.exercise(name)
    checks = checks_for(name, seed)
    total_weight = sum(c.weight for c in checks)
    results: list[Result] = []
    available = target.names()
    if name not in available:
        close = difflib.get_close_matches(name, available, n=1)
        found = ", ".join(sorted(n for n in available if not n[0].isupper() or n in ("WeightedMSE", "F1Score"))[:12])
        message = f"{name} not found" + (f" — did you mean {close[0]}?" if close else "") + \
                  (f" Your code defines: {found}." if found else " Your code defines no functions.")
        return [Result(name, c.title, 0.0, ex.points * c.weight / total_weight, False, message, c.hidden)
                for c in checks]
    reference = reference_target()
    fatal = None
    for check in checks:
        max_score = ex.points * check.weight / total_weight
        if fatal:
            outcome = Outcome(False, f"not run: {fatal}")
        else:
            ctx = Context(target=target, reference=reference, exercise=name, hidden=check.hidden)
            try:
                outcome = check.run(ctx)
            except FatalProbeError as exc:
                fatal = str(exc)
                outcome = Outcome(False, str(exc))
        results.append(Result(name, check.title, max_score if outcome.passed else 0.0, max_score,
                              outcome.passed, outcome.message, check.hidden))
    used = list(static_shortcuts) + [h for h in getattr(target, "shortcut_hits", lambda n: [])(name)
                                     if h not in static_shortcuts]
    if used:
        why = (f"{name} calls {', '.join(used)} — the Keras {'object' if len(used) == 1 else 'objects'} "
               f"it is meant to reimplement — so {name} scores 0")
        for r in results:
            r.score, r.passed = 0.0, False
            r.message = f"{why}. {r.message}".strip()
    return results
