"""The submission corpus's expectations, read from each file's own header.

A corpus file says what grading must find in its first comment lines:

    # expect: mse:float64, huber:option:delta   (the check keys that fail, public and hidden twins;
    #                                             every other check passes; empty: nothing fails)
    # says: mixes float32 and float64          (words a failing public message contains; repeatable)

    # exercise: mse, mae                       (optional: the exercises the bare keys are about)

A key without an exercise in front belongs to the exercises of the `# exercise:`
line, else to the exercise the file is named for (`huber__ignores_delta.py`, or a
stem starting with the exercise's name).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder import exercises

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
_NAMES = sorted((ex.name for ex in exercises.EXERCISES), key=len, reverse=True)


@dataclass(frozen=True)
class Expectation:
    path: Path
    fails: frozenset = frozenset()        # {(exercise, key)}
    says: tuple = ()
    exercises: tuple = ()                 # the exercises the file is about

    @property
    def id(self) -> str:
        return str(self.path.relative_to(SUBMISSIONS))


def _own_exercise(stem: str) -> str | None:
    head = stem.split("__")[0]
    for name in _NAMES:
        if head == name or stem.startswith(name + "_"):
            return name
    return None


def read(path: Path) -> Expectation | None:
    """The file's expectation, or None when it has no `# expect:` line."""
    fails, says, found = set(), [], False
    lines = path.read_text(encoding="utf-8").splitlines()[:12]
    owners = [n.strip() for line in lines if (m := re.match(r"#\s*exercise:\s?(.*)$", line.strip()))
              for n in m.group(1).split(",") if n.strip()]
    own = _own_exercise(path.stem)
    owners = owners or ([own] if own else [])
    for line in lines:
        m = re.match(r"#\s*(expect|says):\s?(.*)$", line.strip())
        if not m:
            continue
        if m.group(1) == "says":
            says.append(m.group(2).strip())
            continue
        found = True
        for token in filter(None, (t.strip() for t in m.group(2).split(","))):
            head, _, rest = token.partition(":")
            if rest and head in _NAMES:
                fails.add((head, rest))
            elif not owners:
                raise ValueError(f"{path}: key {token!r} names no exercise, and the file none either")
            else:
                fails |= {(owner, token) for owner in owners}
    if not found:
        return None
    about = {e for e, _ in fails} | set(owners)
    return Expectation(path, frozenset(fails), tuple(says), tuple(sorted(about)))


def all_expectations() -> list[Expectation]:
    out = []
    for path in sorted(SUBMISSIONS.rglob("*.py")):
        exp = read(path)
        if exp is not None:
            out.append(exp)
    return out


# --------------------------------------------------------------------------- the chapter-02 batch run

EVERY_CHECK = "every check"


def _header_lines(path: Path) -> list[str]:
    """A .py file's first lines; a notebook's header lives in `<name>.ipynb.expect` beside it."""
    source = path.with_name(path.name + ".expect") if path.suffix == ".ipynb" else path
    return source.read_text(encoding="utf-8").splitlines()[:12]


def batch(path: Path) -> dict[str, object] | None:
    """What grading a corpus file in the chapter-02 batch (tests/e2e/test_grading.py) must find,
    {exercise: EVERY_CHECK or {check keys}} (an exercise not named passes every check), or None when
    no check runs at all. Said in the file's header:

        # batch: nothing               every check passes
        # batch: mae, huber            every check of these exercises fails
        # batch: mse:graph, mae:fit    these check keys fail (their hidden twins too); the rest pass
        # batch: unreadable            the file cannot be read as a submission: no check runs

    A file with no `# batch:` line is judged by its `# expect:` keys (see `read`).
    """
    lines = [m.group(1) for line in _header_lines(path) if (m := re.match(r"#\s*batch:\s?(.*)$", line.strip()))]
    if not lines:
        exp = read(path)
        if exp is None:
            raise ValueError(f"{path}: no `# batch:` or `# expect:` line says what grading it must find")
        found: dict[str, object] = {}
        for exercise, key in exp.fails:
            found.setdefault(exercise, set()).add(key)
        return found
    tokens = [t.strip() for line in lines for t in line.split(",") if t.strip()]
    if tokens == ["unreadable"]:
        return None
    if tokens == ["nothing"]:
        return {}
    found = {}
    for token in tokens:
        head, _, key = token.partition(":")
        if head not in _NAMES:
            raise ValueError(f"{path}: {token!r} names no exercise")
        if key:
            keys = found.setdefault(head, set())
            if keys == EVERY_CHECK:
                raise ValueError(f"{path}: {head} fails every check and {key} too")
            keys.add(key)
        else:
            found[head] = EVERY_CHECK
    return found
