"""Comparing a cell's printed numbers that come out of training, whose digits depend on the machine.

A chapter cell tagged `output-from-training` (besides `nbval-check-output`) prints numbers that a
trained model gives: the CPU's kernels (oneDNN on Intel, Eigen elsewhere), and the number of threads
decide their last digits, and sometimes more. The same chapter printed a CTC loss of 1.77 (Intel,
2 threads), 1.72 (AMD, 2 threads) and 1.48 (AMD, 1 thread). Such a cell must print the same words,
and numbers within TOLERANCE of the stored ones: a changed chapter still shows, a changed CPU does not.
The cell's own asserts keep what the page teaches true on every machine.
"""
from __future__ import annotations

import re

from autograder.release import TRAINED_OUTPUT_TAG as FROM_TRAINING
TOLERANCE = 0.25          # relative; measured: at most 0.16 across Intel/AMD, oneDNN on/off, 1 or 2 threads
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _parts(text: str) -> tuple[str, list[float]]:
    """(the text with every number replaced by '#', the numbers in order)."""
    return NUMBER.sub("#", text), [float(n) for n in NUMBER.findall(text)]


def same_but_for_training(got: str, stored: str, tolerance: float = TOLERANCE) -> bool:
    """The same words, and each number within `tolerance` of the stored one (relative to the larger)."""
    (words, numbers), (stored_words, stored_numbers) = _parts(got), _parts(stored)
    return words == stored_words and all(
        abs(a - b) <= tolerance * max(abs(a), abs(b)) for a, b in zip(numbers, stored_numbers))
