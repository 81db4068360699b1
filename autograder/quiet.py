"""The environment TensorFlow needs to start quietly and compute the same numbers on every CPU.

TensorFlow reads these variables once, when it is first imported:

- `TF_CPP_MIN_LOG_LEVEL=2` hides its C++ start-up log (on TensorFlow 2.21 the
  value 3 does not; 2 does);
- `TF_ENABLE_ONEDNN_OPTS=0` turns off oneDNN's custom operations. On CPUs where
  they are on by default (Intel's), TensorFlow otherwise prints a notice to
  stderr at import whatever the log level, and rounds floats differently.

`import autograder` applies them (so `python -m autograder`, the grader's
sandbox and the tests start quiet); every chapter's first cell sets the same
values for the learner's own Jupyter, and a test keeps the two in step.
"""
from __future__ import annotations

import os

QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"}


def quiet_tensorflow(environ=os.environ) -> None:
    """Set the variables (overriding what is there); call before TensorFlow is imported."""
    environ.update(QUIET_TENSORFLOW)
