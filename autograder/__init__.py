"""Losses & Metrics in Keras: release learner notebooks, self-check, and grade.

`from autograder import self_check` is all a learner needs; instructors use
`python -m autograder grade`. Keras is imported only when a check runs.
"""
from .selfcheck import self_check

__all__ = ["self_check"]
