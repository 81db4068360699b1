"""Run the checks of some exercises against one target and score them.

A target is anything with `names()` and `probe(op, name, **params)`: the
learner's live namespace (self-check) or a sandboxed submission (grading).
"""
from __future__ import annotations

import difflib
import re
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
        from .references import namespace
        _reference = InProcess(namespace())
    return _reference


def run_exercise(name: str, target, seed: int | None = None, static_shortcuts=()) -> list[Result]:
    """Every check of one exercise (hidden ones too when `seed` is given), scored."""
    return run_exercises([name], target, seed, {name: static_shortcuts})


WITHHELD = ("your code failed on this hidden input; for hidden checks the error's text is not shown "
            "(the public checks show it)")


class _Withheld:
    """The target as hidden checks see it: an error's text comes from the submission, which could
    carry hidden inputs back, so only the fact that it failed is kept."""

    def __init__(self, target):
        self.target = target
        self.runs_elsewhere = getattr(target, "runs_elsewhere", False)

    def probe(self, op, name, **params):
        try:
            return self.target.probe(op, name, **params)
        except FatalProbeError:
            raise                       # the grader's own words: stopped, died, timed out
        except probes.ProbeError as exc:
            hints = "".join(h for h in probes.HINTS if h in str(exc))    # one of a few fixed texts
            raise probes.ProbeError(WITHHELD + hints) from None


def _hidden_message(text: str) -> str:
    """Drop what a submission could choose from a hidden check's message: the shape it returned
    and how far its values were off."""
    text = re.sub(r", got \([^)]*\)", ", got another shape", text)
    return re.sub(r" \(largest difference [^)]*\)", "", text)


def _not_found(name, available, broken) -> str:
    if broken and not available:
        return f"not run: {broken}"
    close = difflib.get_close_matches(name, available, n=1)
    found = ", ".join(sorted(n for n in available if not n[0].isupper() or n in ("WeightedMSE", "F1Score"))[:12])
    return f"{name} not found" + (f" — did you mean {close[0]}?" if close else "") + \
        (f" Your code defines: {found}." if found else " Your code defines no functions.")


def run_exercises(names, target, seed: int | None = None, static_shortcuts=None, before_hidden=None) -> list[Result]:
    """The checks of these exercises, scored: every public check first, then (when `seed` is given)
    every hidden one, so that nothing a submission learns from a hidden input can reach a public
    check's message. `before_hidden()` is called between the two."""
    static_shortcuts = static_shortcuts or {}
    plans = {}
    for name in names:
        checks = checks_for(name, seed)
        plans[name] = (exercises.exercise(name), checks, sum(c.weight for c in checks))
    available = target.names()
    broken = getattr(target, "broken", None)
    reference = reference_target()
    slots: dict[str, list] = {name: [None] * len(plans[name][1]) for name in names}
    fatal: dict[str, str] = {}
    for hidden in (False, True):
        if hidden:
            if seed is None:
                break
            if before_hidden is not None:
                before_hidden()
        for name in names:
            ex, checks, total_weight = plans[name]
            missing = None if name in available else _not_found(name, available, broken)
            for i, check in enumerate(checks):
                if check.hidden != hidden:
                    continue
                max_score = ex.points * check.weight / total_weight
                if missing:
                    outcome = Outcome(False, missing)
                elif name in fatal:
                    outcome = Outcome(False, f"not run: {fatal[name]}")
                else:
                    ctx = Context(target=_Withheld(target) if hidden else target, reference=reference,
                                  exercise=name, hidden=check.hidden)
                    try:
                        outcome = check.run(ctx)
                    except FatalProbeError as exc:
                        fatal[name] = str(exc)
                        outcome = Outcome(False, str(exc))
                    if hidden and not outcome.passed:
                        outcome = Outcome(False, _hidden_message(outcome.message))
                slots[name][i] = Result(name, check.title, max_score if outcome.passed else 0.0, max_score,
                                        outcome.passed, outcome.message, check.hidden)
    results: list[Result] = []
    for name in names:
        done = [r for r in slots[name] if r is not None]
        static = list(static_shortcuts.get(name, ()))
        used = [] if name not in available else \
            static + [h for h in getattr(target, "shortcut_hits", lambda n: [])(name) if h not in static]
        if used:
            library = "Keras" if all(u.startswith("keras.") for u in used) else "library"
            why = (f"{name} calls {', '.join(used)} — the {library} {'object' if len(used) == 1 else 'objects'} "
                   f"it is meant to reimplement — so {name} scores 0")
            for r in done:
                r.score, r.passed = 0.0, False
                r.message = f"{why}. {r.message}".strip()
        results += done
    return results
