"""Check weights: each check declares its own, and a course file may override them without code.

A course file is TOML, one table per exercise, one weight per check key; the
key's public check and its hidden twin both take that weight:

    [confusion_counts]
    values = 4
    ties = 1

An exercise's points are shared among its checks by `shares`: when it has hidden
checks, they carry half of its points and its public checks the other half (so a
file that only reproduces the published answers can earn at most half); within
each half, checks share in proportion to their keys' weights.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from . import exercises

Overrides = dict[str, dict[str, float]]


class WeightsError(Exception):
    """A course file names an unknown exercise or check key, or a weight that is not a number >= 0."""


def load(path: str | Path) -> Overrides:
    from .checks import checks_for
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WeightsError(f"{path}: {exc}") from None
    overrides: Overrides = {}
    for name, table in data.items():
        try:
            exercises.exercise(name)
        except KeyError:
            raise WeightsError(f"{path}: no exercise {name!r}") from None
        if not isinstance(table, dict):
            raise WeightsError(f"{path}: [{name}] must be a table of check keys")
        keys = {c.key for c in checks_for(name, 0)}
        for key, weight in table.items():
            if key not in keys:
                raise WeightsError(f"{path}: {name} has no check {key!r}; its checks are {', '.join(sorted(keys))}")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
                raise WeightsError(f"{path}: {name}.{key} must be a number >= 0")
        overrides[name] = {k: float(v) for k, v in table.items()}
    return overrides


def apply(checks: list, overrides: Overrides | None) -> list:
    """The checks with their weights replaced where the course file says so."""
    if not overrides:
        return checks
    for check in checks:
        mine = overrides.get(check.exercise, {})
        if check.key in mine:
            check.weight = mine[check.key]
    return checks


HIDDEN_SHARE = 0.5          # of an exercise's points, carried by its hidden checks when it has any


def shares(checks: list) -> list:
    """The checks with each weight turned into its share of the exercise's points: the hidden checks
    share HIDDEN_SHARE, the public ones the rest, each group in proportion to its weights. Without
    hidden checks (a self-check) the public ones share everything in the same proportions."""
    public = [c for c in checks if not c.hidden]
    hidden = [c for c in checks if c.hidden]
    groups = [(public, 1.0 - HIDDEN_SHARE), (hidden, HIDDEN_SHARE)] if hidden else [(public, 1.0)]
    for group, share in groups:
        total = sum(c.weight for c in group)
        for check in group:
            check.weight = share * check.weight / total if total else 0.0
    return checks
