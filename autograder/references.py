"""The answer key: each exercise's reference, built from the registry's `reference` entries.

A reference is a Keras object (`keras.losses.huber`) or an object defined in a
checks module (`autograder.checks.metrics.confusion_counts`). The answer key is
one piece of Python source: a prelude importing `keras`, `ops` and `np`, the
source of each checks-module reference (read from its file, never imported), and
a `NAMESPACE` dict. The grader sends that text to the answer key's trusted
process when submissions are isolated, and runs the same text here otherwise,
so both ways build the same references. Only `namespace()` imports Keras.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

from . import exercises

PRELUDE = "import keras\nfrom keras import ops\nimport numpy as np\n\nNAMESPACE = {}\n"
_PACKAGE = Path(__file__).resolve().parent


def _defined_source(dotted: str) -> tuple[str, str]:
    """(source, object name) of a top-level def or class named by 'autograder.<module path>.<name>'."""
    parts = dotted.split(".")
    module, name = parts[1:-1], parts[-1]
    path = _PACKAGE.joinpath(*module).with_suffix(".py")
    text = path.read_text(encoding="utf-8")
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            lines = text.splitlines()[start - 1:node.end_lineno]
            return "\n".join(lines) + "\n", name
    raise LookupError(f"reference {dotted}: no top-level def or class {name!r} in {path.name}")


def answer_key_source() -> str:
    """Python source that defines NAMESPACE = {exercise name: reference} for every exercise."""
    parts = [PRELUDE]
    for ex in exercises.EXERCISES:
        if ex.reference.startswith("keras."):
            parts.append(f"NAMESPACE[{ex.name!r}] = {ex.reference}\n")
        elif ex.reference.startswith("autograder."):
            source, name = _defined_source(ex.reference)
            parts.append(f"\n{source}\nNAMESPACE[{ex.name!r}] = {name}\n")
        else:
            raise ValueError(f"{ex.name}: reference {ex.reference!r} is neither keras.* nor autograder.*")
    return "".join(parts)


@functools.cache
def namespace() -> dict:
    """Every reference, built in this process from the same source the answer key's process runs."""
    scope: dict = {"__name__": "autograder_answer_key"}
    exec(compile(answer_key_source(), "<answer key>", "exec"), scope)
    return dict(scope["NAMESPACE"])
