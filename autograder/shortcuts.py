"""Spot an exercise answered by calling its own Keras counterpart, from the source.

Looks inside the exercise's own `def`/`class` for attribute access to a
forbidden name (`keras.losses.mean_squared_error`, `losses.MeanSquaredError`)
and for bare names the submission imported from Keras or TensorFlow. Parsing
only: nothing is executed. The sandbox's tripwires catch what this misses.
"""
from __future__ import annotations

import ast

from . import exercises


def _imported_aliases(tree: ast.AST) -> dict[str, str]:
    """alias -> original name, for `from keras... import x as alias` anywhere."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("keras", "tensorflow", "tf_keras"):
            for item in node.names:
                aliases[item.asname or item.name] = item.name
    return aliases


def find_shortcuts(sources: list[str], name: str) -> list[str]:
    """The forbidden Keras names exercise `name` uses in its own definition."""
    forbidden = exercises.exercise(name).forbidden
    if not forbidden:
        return []
    last_parts = {}
    for dotted in forbidden:
        last_parts.setdefault(dotted.rsplit(".", 1)[-1], dotted)
    found: list[str] = []
    trees = []
    for source in sources:
        try:
            trees.append(ast.parse(source))
        except SyntaxError:
            continue
    aliases: dict[str, str] = {}
    for tree in trees:
        aliases.update(_imported_aliases(tree))
    for tree in trees:
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name != name:
                continue
            aliases_here = dict(aliases)
            aliases_here.update(_imported_aliases(node))
            for inner in ast.walk(node):
                hit = None
                if isinstance(inner, ast.Attribute) and inner.attr in last_parts:
                    written = ast.unparse(inner)         # as the learner wrote it, e.g. keras.ops.binary_crossentropy
                    exact = [d for d in forbidden if d.endswith(written) or written.endswith(d)]
                    hit = exact[0] if exact else written
                elif isinstance(inner, ast.Name) and aliases_here.get(inner.id) in last_parts and inner.id != name:
                    hit = last_parts[aliases_here[inner.id]]
                if hit and hit not in found:
                    found.append(hit)
    return found
