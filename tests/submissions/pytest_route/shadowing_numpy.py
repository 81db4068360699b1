"""Placed in a learner's repository as numpy.py: any grading process that puts the repository on
sys.path imports this instead of NumPy, leaves a canary file, then hands over to the real NumPy
so that nothing else looks wrong."""
import sys
from pathlib import Path

Path(__file__).with_name("CANARY-shadow-ran").write_text("ran in the grader's process")
here = str(Path(__file__).resolve().parent)
del sys.modules["numpy"]
sys.path[:] = [p for p in sys.path if p not in ("", ".", here)]
import numpy  # noqa: E402,F401  (the real one, now that this folder is off the path)
