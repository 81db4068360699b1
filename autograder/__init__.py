"""Losses & Metrics in Keras: release learner notebooks, self-check, and grade.

`from autograder import self_check` is all a learner needs; instructors use
`python -m autograder grade`. Keras is imported only when a check runs.
Importing the package sets TensorFlow's quiet, CPU-independent environment
(see `autograder.quiet`), so import it before TensorFlow where you can.
"""
from .quiet import quiet_tensorflow

quiet_tensorflow()

from .selfcheck import self_check  # noqa: E402

__all__ = ["self_check"]
