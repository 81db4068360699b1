"""Losses & Metrics in Keras: release learner notebooks, self-check, and grade.

A chapter's first cell imports `quiet_tensorflow` and `show_quiz`, its last
`self_check`; instructors use
`python -m autograder grade`. Keras is imported only when a check runs.
Importing the package sets TensorFlow's quiet, CPU-independent environment
(see `autograder.quiet`), so import it before TensorFlow where you can.
"""
from .quiet import quiet_tensorflow

quiet_tensorflow()

from .quiz import show_quiz  # noqa: E402
from .selfcheck import self_check  # noqa: E402

__all__ = ["quiet_tensorflow", "self_check", "show_quiz"]
