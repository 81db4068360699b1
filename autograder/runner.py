"""Run the checks of some exercises against one target and score them.

A target answers probes (`checks.Target`): the learner's live namespace
(self-check, `targets.InProcess`) or a sandboxed submission (grading,
`targets.SandboxTarget`).
Every public check runs first, then every hidden one against the target seen
through `Withheld`, so nothing a submission learns from a hidden input can reach
a public check's message, and no error text of a hidden check is kept. The
runner's own messages obey the same rule: a hidden check's message names no name
the submission defined, no text it wrote, and no text a sandbox child sent.
"""
from __future__ import annotations

import difflib
from typing import Protocol

from . import exercises, weights
from .checks import Check, Context, Target, checks_for, failed_call
from .probes import FatalProbeError
from .report import Result
from .targets import InProcess, Withheld, withheld_fatal
from .verdict import Outcome, Problem, neutral


class Submission(Target, Protocol):
    """A learner's code as the runner sees it."""

    broken: str | None              # why nothing could be run, when that is so

    def names(self) -> list[str]: ...

    def shortcut_hits(self, name: str) -> list[str]: ...


_reference: Target | None = None


def reference_target() -> Target:
    """The answer key in this process (a learner's self-check)."""
    global _reference
    if _reference is None:
        from .references import namespace
        _reference = InProcess(namespace())
    return _reference


def _shown_names(available) -> list[str]:
    """The submission's names fit to show (public messages only): identifiers of a sensible length."""
    return [n for n in available if isinstance(n, str) and n.isidentifier() and len(n) <= 60]


def _not_found(name, available, broken, hidden=False) -> Outcome:
    if broken and not available:
        return Outcome(False, Problem.FATAL, detail=f"not run: {withheld_fatal(broken) if hidden else broken}")
    if hidden:          # the names are the submission's: the public checks show them
        return Outcome(False, Problem.MISSING, detail=f"{name} not found (the public checks say more)")
    available = _shown_names(available)
    close = difflib.get_close_matches(name, available, n=1)
    shown = sorted(n for n in available if not n[0].isupper() or any(n == ex.name for ex in exercises.EXERCISES))
    found = ", ".join(shown[:12])
    return Outcome(False, Problem.MISSING,
                   detail=f"{name} not found" + (f" — did you mean {close[0]}?" if close else ".")
                   + (f" Your code defines: {found}." if found else " Your code defines no functions."))


UNNAMED_SHORTCUT = "an object it may not call"


def _shortcuts_used(name, target, static, public_hits, available) -> list[str]:
    """The forbidden objects exercise `name` used: its source's, then the tripwires'. When hidden checks ran,
    only the calls seen before them are named; a forbidden call made only while hidden inputs were in play
    is reported in fixed words (its names, or how many, could carry hidden inputs)."""
    if not available:
        return []
    static = list(static)
    if public_hits is None:                                   # no hidden checks: every hit is public
        return static + [h for h in target.shortcut_hits(name) if h not in static]
    named = static + [h for h in public_hits if h not in static]
    if named:
        return named
    return [UNNAMED_SHORTCUT] if target.shortcut_hits(name) else []


def _shortcut(name, used, outcome: Outcome, hidden=False) -> Outcome:
    """A hidden check names only the forbidden objects themselves (the registry's words); a public one shows
    what the submission wrote, bounded."""
    forbidden = exercises.exercise(name).forbidden
    if used == [UNNAMED_SHORTCUT]:
        return Outcome(False, Problem.SHORTCUT, kind=outcome.kind,
                       detail=f"{name} calls an object it may not call (its own counterpart in Keras or another "
                              f"library) — so {name} scores 0")
    if hidden:
        used = list(dict.fromkeys(_forbidden_name(u, forbidden) for u in used))
    else:
        used = [neutral(u, 80) for u in dict.fromkeys(used)][:12]
    library = "Keras" if all(u.startswith("keras.") for u in used) else "library"
    why = (f"{name} calls {', '.join(used)} — the {library} {'object' if len(used) == 1 else 'objects'} "
           f"it is meant to reimplement — so {name} scores 0")
    return Outcome(False, Problem.SHORTCUT, kind=outcome.kind, detail=why)


def _forbidden_name(used: str, forbidden) -> str:
    """The registry's name of the forbidden object a hit stands for."""
    if used in forbidden:
        return used
    last = str(used).rsplit(".", 1)[-1]
    return next((f for f in forbidden if f.rsplit(".", 1)[-1] == last), "an object it may not call")


def _withheld_outcome(outcome: Outcome) -> Outcome:
    """A fatal or missing outcome met in the public pass, as hidden checks show it."""
    if outcome.problem is Problem.FATAL:
        return Outcome(False, Problem.FATAL, kind=outcome.kind, detail=withheld_fatal(outcome.detail))
    return outcome


def plan(name: str, seed: int | None, overrides: weights.Overrides | None = None) -> list[Check]:
    """The checks of one exercise, each weight its share of the exercise's points (`weights.shares`:
    the course's weights, hidden checks carrying half)."""
    return weights.shares(weights.apply(checks_for(name, seed), overrides))


def scored(ex, check: Check, total_weight: float, outcome: Outcome) -> Result:
    max_score = ex.points * check.weight / total_weight if total_weight else 0.0
    return Result(ex.name, check.key, check.title, max_score if outcome.passed else 0.0, max_score,
                  check.hidden, outcome)


def run_exercise(name: str, target, seed: int | None = None, static_shortcuts=(), overrides=None) -> list[Result]:
    """Every check of one exercise (hidden ones too when `seed` is given), scored."""
    return run_exercises([name], target, seed, {name: static_shortcuts}, overrides=overrides)


def run_exercises(names, target: Submission, seed: int | None = None, static_shortcuts=None, before_hidden=None,
                  reference: Target | None = None, overrides: weights.Overrides | None = None) -> list[Result]:
    """The checks of these exercises, scored: every public check first, then (when `seed` is given)
    every hidden one. `before_hidden()` is called between the two."""
    static_shortcuts = static_shortcuts or {}
    reference = reference or reference_target()
    plans = {name: plan(name, seed, overrides) for name in names}
    available = target.names()
    outcomes: dict[str, list[Outcome | None]] = {name: [None] * len(plans[name]) for name in names}
    fatal: dict[str, Outcome] = {}
    public_hits: dict[str, list[str]] = {}
    for hidden in (False, True):
        if hidden:
            if seed is None:
                break
            # what the tripwires saw before any hidden input was sent: the only hits a message may name
            public_hits = {name: target.shortcut_hits(name) for name in names if name in available}
            if before_hidden is not None:
                before_hidden()
        asked = Withheld(target) if hidden else target
        for name in names:
            missing = None if name in available else _not_found(name, available, target.broken, hidden)
            for i, check in enumerate(plans[name]):
                if check.hidden != hidden:
                    continue
                if missing is not None:
                    outcome = missing
                elif name in fatal:
                    outcome = _withheld_outcome(fatal[name]) if hidden else fatal[name]
                else:
                    ctx = Context(target=asked, reference=reference, exercise=name, hidden=hidden)
                    try:
                        outcome = check.run(ctx)
                    except FatalProbeError as exc:
                        outcome = failed_call(exc)
                        fatal[name] = Outcome(False, Problem.FATAL, detail=f"not run: {exc}")
                outcomes[name][i] = outcome
    results: list[Result] = []
    for name in names:
        ex, checks = exercises.exercise(name), plans[name]
        total = sum(c.weight for c in checks)
        used = _shortcuts_used(name, target, static_shortcuts.get(name, ()), public_hits.get(name),
                               name in available)
        for check, outcome in zip(checks, outcomes[name]):
            if outcome is None:
                continue
            if used:
                outcome = _shortcut(name, used, outcome, check.hidden)
            results.append(scored(ex, check, total, outcome))
    return results
