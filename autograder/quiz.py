"""Show a jupyterquiz quiz whose page element no random seed can collide with.

jupyterquiz names each quiz's HTML element with Python's global `random`, so a
chapter that calls `keras.utils.set_random_seed(0)` between two quizzes gives
them the same name, and the second one never appears. `show_quiz` derives the
name from the questions and a per-kernel counter instead, and leaves the
global random state as it found it.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import random

_counter = itertools.count()


def show_quiz(questions: list[dict]) -> None:
    """Display `questions` (jupyterquiz's format) in their written order."""
    from jupyterquiz import display_quiz
    key = json.dumps(questions, sort_keys=True, default=str) + f"#{next(_counter)}"
    state = random.getstate()
    random.seed(hashlib.sha256(key.encode()).hexdigest())
    try:
        display_quiz(questions, shuffle_answers=False)
    finally:
        random.setstate(state)
