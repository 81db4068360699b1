"""Spot an exercise answered by calling its own Keras counterpart, or a ready-made equivalent, from the source.

Looks inside the exercise's own `def`/`class` for attribute access to a
forbidden name (`keras.losses.mean_squared_error`, `losses.MeanSquaredError`,
`tf.nn.sigmoid_cross_entropy_with_logits`) and for bare names the submission
imported from Keras, TensorFlow or the library of another forbidden object
(`from sklearn.metrics import f1_score as f`). The registry lists, per exercise,
the counterpart and its equivalents under every name they are published as.
Parsing only: nothing is executed. The sandbox's tripwires catch what this misses.
"""
from __future__ import annotations

import ast

from . import exercises


LIBRARIES = ("keras", "tensorflow", "tf_keras")


def _imported_aliases(tree: ast.AST, libraries: tuple[str, ...]) -> dict[str, str]:
    """alias -> what it was imported as, dotted ("sklearn.metrics.f1_score"), for
    `from <library>... import x as alias` anywhere."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in libraries:
            for item in node.names:
                aliases[item.asname or item.name] = f"{node.module}.{item.name}"
    return aliases


def _registry_name(dotted: str, forbidden, fallback: str) -> str:
    """The registry's name for what the source calls `dotted` (tf.nn.x is tensorflow.nn.x), else `fallback`."""
    full = "tensorflow." + dotted[3:] if dotted.startswith("tf.") else dotted
    exact = [d for d in forbidden if d == full] or \
        [d for d in forbidden if d.endswith("." + full) or full.endswith("." + d)]
    return exact[0] if exact else fallback


def find_shortcuts(sources: list[str], name: str) -> list[str]:
    """The forbidden names (its Keras counterpart and their equivalents) exercise `name` uses in its own
    definition."""
    forbidden = exercises.exercise(name).forbidden
    if not forbidden:
        return []
    libraries = tuple(dict.fromkeys(LIBRARIES + tuple(d.split(".")[0] for d in forbidden)))
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
        aliases.update(_imported_aliases(tree, libraries))
    for tree in trees:
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) or node.name != name:
                continue
            aliases_here = dict(aliases)
            aliases_here.update(_imported_aliases(node, libraries))
            for inner in ast.walk(node):
                hit = None
                if isinstance(inner, ast.Attribute) and inner.attr in last_parts:
                    written = ast.unparse(inner)         # as the learner wrote it, e.g. keras.ops.binary_crossentropy
                    hit = _registry_name(written, forbidden, written)
                elif isinstance(inner, ast.Name) and inner.id in aliases_here and inner.id != name:
                    imported = aliases_here[inner.id]
                    last = imported.rsplit(".", 1)[-1]
                    if last in last_parts:
                        hit = _registry_name(imported, forbidden, last_parts[last])
                if hit and hit not in found:
                    found.append(hit)
    return found
