"""Shared by the tests: a quiet TensorFlow, and where the submission corpus lives."""
from pathlib import Path

import pytest

import autograder  # noqa: F401  (sets TensorFlow's quiet environment for this process and its children)

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.fixture(scope="session")
def submissions_dir() -> Path:
    """tests/submissions: ch02/ (correct and buggy answers), hostile/, reference/."""
    return SUBMISSIONS
