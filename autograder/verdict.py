"""Verdicts as data, and the one renderer that decides what a learner may read.

A check returns an `Outcome`: fields, not prose. Which fields are the grader's
own words and which come from the submission is part of the type:

* grader's words, shown for every check: `kind` (the kind of input, e.g. "scores
  tied with the threshold"), `problem`, `slip` (the classic mistake the answer
  looks like), `advice` (the grader's explanation of a known error), `detail`
  (the grader's own sentence, for problems with no other field);
* shown for public checks only: `where` (the exact input: shapes, options),
  `expected` (the reference's answer) and `differing`/`of`/`largest`;
* from the submission, shown for public checks only, bounded and neutralised:
  `got` (what it returned) and `error` (the text of its exception).

`render(outcome, hidden)` is the only place that turns an outcome into text, so a
hidden check's message can never contain what the submission returned or said,
nor a hidden input, whatever their type.
"""
from __future__ import annotations

import math
import reprlib
import unicodedata
from dataclasses import asdict, dataclass, field
from enum import Enum

import numpy as np


class Problem(str, Enum):
    NONE = "none"
    VALUES = "values"          # numbers differ
    SHAPE = "shape"
    DTYPE = "dtype"
    NONFINITE = "nonfinite"    # inf or NaN where the reference is finite
    TYPE = "type"              # the wrong kind of Python object (list for tuple, float keys...)
    ERROR = "error"            # the submission raised
    FATAL = "fatal"            # it hung, died or ran out of time: the rest of the exercise is not run
    MISSING = "missing"        # the name is not defined
    SHORTCUT = "shortcut"      # it calls the library object it reimplements
    OTHER = "other"            # see `detail` (the grader's words)


@dataclass(frozen=True)
class Outcome:
    passed: bool
    problem: Problem = Problem.NONE
    kind: str = ""             # grader's words: the kind of input (safe for hidden checks)
    where: str = ""            # grader's words, public only: the exact input
    expected: object = None    # public only: the reference's answer (or a description of it)
    got: object = None         # public only: what the submission returned
    differing: int | None = None
    of: int | None = None
    largest: float | None = None
    slip: str = ""             # grader's words: the classic mistake it looks like
    error: str = ""            # public only: the submission's exception text
    advice: str = ""           # grader's words
    detail: str = ""           # grader's words
    extra: dict = field(default_factory=dict)   # numbers a test may read; never rendered

    @property
    def message(self) -> str:
        """The public rendering (as a self-check shows it)."""
        return render(self, hidden=False)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["problem"] = self.problem.value
        d["expected"], d["got"] = _text(self.expected), _text(self.got)
        d.pop("extra")
        return d


PASSED = Outcome(True)

# --------------------------------------------------------------------------- rendering

MAX_SHOWN = 300             # characters of anything the submission produced, in a public message
MAX_HIDDEN = 590            # characters of a hidden check's message (the grader's words only), at most
MAX_PUBLIC = 1500           # characters of a public check's message, at most


def neutral(text: object, limit: int = MAX_SHOWN) -> str:
    """`text` as one safe line: control and format characters (escape sequences, bidi overrides)
    and lone surrogates replaced, cut to `limit` characters."""
    s = str(text)
    out = []
    for ch in s[: limit + 1]:
        cat = unicodedata.category(ch)
        if ch in "\n\t":
            out.append(" ")
        elif cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append("\N{REPLACEMENT CHARACTER}")
        else:
            out.append(ch)
    s = "".join(out)
    return s if len(s) <= limit else s[:limit] + "…"


def short(value, n: int = 4) -> str:
    """A few numbers of an array, or a short repr of anything else."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        flat = value.reshape(-1)
        if value.ndim == 0:
            return f"{float(value):.6g}"
        shown = ", ".join(f"{float(v):.4g}" for v in flat[:n])
        return f"[{shown}{', …' if flat.size > n else ''}]"
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        inner = ", ".join(short(v, n) for v in value[:4])
        return ("(" if isinstance(value, tuple) else "[") + inner + (", …" if len(value) > 4 else "") + \
            (")" if isinstance(value, tuple) else "]")
    return _REPR.repr(value)


_REPR = reprlib.Repr()           # a bounded repr: a reply of megabytes is never turned into text whole
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = MAX_SHOWN
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 12
_REPR.maxlevel = 4


def _text(value):
    if value is None:
        return None
    return neutral(short(value))


_HIDDEN_PROBLEM = {
    Problem.VALUES: "your result differs from the reference",
    Problem.SHAPE: "your result has the wrong shape",
    Problem.DTYPE: "your result has the wrong dtype",
    Problem.NONFINITE: "your result has inf or NaN where the reference's is finite",
    Problem.TYPE: "your result has the wrong type",
    Problem.ERROR: "your code raised an error (for hidden checks its text is not shown; the public "
                   "checks show it)",
}


def render(o: Outcome, hidden: bool) -> str:
    """The learner's message for an outcome. Hidden: only the grader's own words."""
    if o.passed:
        return ""
    if o.problem in (Problem.FATAL, Problem.MISSING, Problem.SHORTCUT, Problem.OTHER):
        text = o.detail
    elif hidden:
        text = _HIDDEN_PROBLEM.get(o.problem, "failed")
        if o.kind:
            text = f"{o.kind}: {text}"
        if o.detail and o.problem is Problem.TYPE:
            text += f" ({o.detail})"
    else:
        where = o.where or o.kind
        if o.problem is Problem.ERROR:
            text = neutral(o.error, 500)
        elif o.problem is Problem.SHAPE:
            text = f"expected shape {o.expected}, got {neutral(o.got)}"
        elif o.problem is Problem.DTYPE:
            text = f"expected dtype {o.expected}, got {neutral(o.got)}"
        elif o.problem is Problem.TYPE:
            text = o.detail or f"expected {o.expected}, got {neutral(o.got)}"
        else:
            text = f"expected {_text(o.expected)}, got {_text(o.got)}"
            if o.differing is not None and o.of and o.of > 4:
                text += f" ({o.differing} of {o.of} values differ"
                text += f", largest difference {o.largest:.3g})" if o.largest is not None and \
                    math.isfinite(o.largest) else ")"
            if o.problem is Problem.NONFINITE:
                text += "; your result has inf or NaN where the reference's is finite"
        text = f"{where}: {text}" if where else text
    if o.advice:
        text += o.advice if o.advice.startswith(" ") else f" — {o.advice}"
    if o.slip:
        text += f". Looks like {o.slip}"
    return neutral(text, MAX_HIDDEN if hidden else MAX_PUBLIC)
