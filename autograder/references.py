"""The answer key as text: each exercise's reference, built from the registry's `reference` entries.

A reference is a Keras object (`keras.losses.huber`) or an object defined in a
module of `autograder/answer_key/` (`answer_key.metrics.confusion_counts`). Those
modules are self-contained Python files that import Keras: the grader never
imports them. It reads them as text and builds one piece of source that runs
each module in a namespace of its own and collects `NAMESPACE = {exercise name:
reference}`. A module may also list, in `EXPOSED`, helpers that checks may call
by the name "answer_key.<module>.<helper>" (e.g. training a model with a
learner's class weights), so that all Keras work of the checks runs beside the
answer key, never in the grader. The grader sends the text to the answer key's
trusted process when submissions are isolated; a learner's self-check runs the
same text in their kernel. Nothing here imports Keras.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

from . import exercises

FOLDER = Path(__file__).resolve().parent / "answer_key"
PRELUDE = "import keras\nfrom keras import ops\nimport numpy as np\n\nNAMESPACE = {}\n"


def modules() -> dict[str, str]:
    """{module name: its source} for every file of the answer key."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(FOLDER.glob("*.py"))}


def _top_level_names(source: str) -> set[str]:
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def exposed(source: str) -> tuple[str, ...]:
    """The module's EXPOSED tuple of helper names, read without running it."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "EXPOSED" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


def answer_key_source() -> str:
    """Python source that defines NAMESPACE = {name: reference} for every exercise and exposed helper."""
    sources = modules()
    parts = [PRELUDE]
    used = {}
    for ex in exercises.EXERCISES:
        if ex.reference.startswith("keras."):
            parts.append(f"NAMESPACE[{ex.name!r}] = {ex.reference}\n")
            continue
        prefix, module, name = ex.reference.split(".")
        if prefix != "answer_key" or module not in sources:
            raise ValueError(f"{ex.name}: reference {ex.reference!r} is neither keras.* nor answer_key.<module>.*")
        if name not in _top_level_names(sources[module]):
            raise LookupError(f"reference {ex.reference}: no top-level {name!r} in answer_key/{module}.py")
        used.setdefault(module, []).append((ex.name, name))
    for module, source in sources.items():
        helpers = [(f"answer_key.{module}.{h}", h) for h in exposed(source)]
        entries = used.get(module, []) + helpers
        if not entries:
            continue
        scope = f"_{module}"
        parts.append(f"\n{scope} = {{'__name__': 'answer_key.{module}'}}\n"
                     f"exec(compile({source!r}, 'answer_key/{module}.py', 'exec'), {scope})\n")
        parts += [f"NAMESPACE[{key!r}] = {scope}[{name!r}]\n" for key, name in entries]
    return "".join(parts)


@functools.cache
def namespace() -> dict:
    """Every reference, built in this process from the same source the answer key's process runs."""
    scope: dict = {"__name__": "autograder_answer_key"}
    exec(compile(answer_key_source(), "<answer key>", "exec"), scope)
    return dict(scope["NAMESPACE"])
