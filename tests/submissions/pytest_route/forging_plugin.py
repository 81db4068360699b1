"""Placed in a learner's repository as conftest.py, or loaded with -p (addopts, PYTEST_ADDOPTS,
PYTEST_PLUGINS): turns every check into a pass with full points, and leaves a canary file beside
itself to show that it ran in the grader's process."""
from pathlib import Path

import pytest

Path(__file__).with_name("CANARY-forging-plugin-ran").write_text("ran in the grader's process")


@pytest.hookimpl(trylast=True)            # after the grader's plugin has made the items
def pytest_collection_modifyitems(items):
    for item in items:
        item.runtest = lambda: None
        props = dict(item.user_properties)
        if "max_points" in props:
            item.user_properties[:] = [(k, props["max_points"] if k == "points" else v)
                                       for k, v in item.user_properties]
