"""The learner's self-check: public checks only, one readable line per check.

`self_check("02")` in a notebook runs the checks on the functions defined in
that notebook, prints the report, and then raises `SelfCheckFailed` unless every
check passed, so the cell fails (in Jupyter, and under `pytest --nbval-lax`) until
the exercises are done. `python -m autograder check NOTEBOOK` runs the same checks
on a saved notebook, in the sandbox.
"""
from __future__ import annotations

import inspect
import sys

from . import exercises
from .report import Result
from .runner import InProcess, run_exercise
from .shortcuts import find_shortcuts

PASS, FAIL = "✓", "✗"


class SelfCheckFailed(AssertionError):
    """Some public checks fail; the printed report above says which."""


def _names_for(selection) -> list[str]:
    names: list[str] = []
    for item in selection:
        item = str(item)
        if item.isdigit():
            names += [ex.name for ex in exercises.exercises_for(item)]
        else:
            exercises.exercise(item)          # KeyError for an unknown name
            names.append(item)
    return names


def format_report(results: list[Result], heading: str) -> str:
    lines, by_exercise = [], {}
    for r in results:
        by_exercise.setdefault(r.exercise, []).append(r)
    for name, rs in by_exercise.items():
        lines.append(name)
        if all(not r.passed for r in rs) and rs[0].outcome.error.startswith(f"NotImplementedError: {name}:"):
            lines.append(f"  {FAIL} not written yet (it still raises NotImplementedError)")
            continue
        for r in rs:
            line = f"  {PASS if r.passed else FAIL} {r.title}"
            if not r.passed and r.message:
                line += f"\n      {r.message}"
            lines.append(line)
    passed = sum(r.passed for r in results)
    lines.append(f"{heading}: {passed} of {len(results)} checks pass."
                 + (" Well done!" if passed == len(results) and results else ""))
    return "\n".join(lines)


def _source_of(obj) -> list[str]:
    try:
        return [inspect.getsource(obj)]
    except (OSError, TypeError):
        return []


def self_check(*selection, namespace=None, quiet=False) -> bool | None:
    """Run the public checks of a chapter ("02") or of named exercises on this notebook's code.

    Prints one line per check, then raises SelfCheckFailed unless all of them
    pass (returns nothing, so nothing is echoed twice). With quiet=True it prints
    nothing, raises nothing, and returns True when everything passes.
    """
    from .probes import Tripwires
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    names = _names_for(selection or [])
    forbidden = {n: list(exercises.exercise(n).forbidden) for n in names}
    tripwires = Tripwires().install(forbidden, namespaces=[namespace])
    try:
        target = InProcess(namespace, tripwires)
        results = []
        for name in names:
            static = find_shortcuts(_source_of(namespace[name]), name) if name in namespace else []
            results += run_exercise(name, target, seed=None, static_shortcuts=static)
    finally:
        tripwires.uninstall()
    if quiet:
        return all(r.passed for r in results)
    heading = "Self-check" if not selection else f"Self-check ({', '.join(map(str, selection))})"
    print(format_report(results, heading))
    failing = sum(not r.passed for r in results)
    if failing or not results:
        raise SelfCheckFailed(f"{failing} of {len(results)} checks fail (the report above says which)")
    return None
