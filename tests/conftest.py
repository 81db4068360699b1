"""Shared by the tests: a quiet TensorFlow, and where the submission corpus lives."""
import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")   # for this process and every subprocess

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.fixture(scope="session")
def submissions_dir() -> Path:
    """tests/submissions: ch02/ (correct and buggy answers), hostile/, reference/."""
    return SUBMISSIONS
