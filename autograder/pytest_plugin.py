"""Grade a submission with pytest: every check becomes one test item.

    pytest --submission NOTEBOOK_OR_PY [--submission ...] [--seed-file FILE] [--chapter 02]

(installed with the course as a pytest plugin; elsewhere add `-p autograder.pytest_plugin`).
Each check of the submission's chapter is an item named `<file>::<exercise>: <check>`
that passes or fails with the learner's message, and carries its points in its
`user_properties` (so `--junitxml` reports them). The checks run exactly as in
`python -m autograder grade`: the submission in the grader's sandbox, every
verdict in this process. Without a seed (`--seed-file`, `$AUTOGRADER_SEED` or
`--seed`) only the public checks run — the learner's own self-check. GitHub
Classroom's autograding, or any CI, can run this command and read pass/fail.
When --submission is given, pytest collects nothing else.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("autograder", "Losses & Metrics in Keras: grade submissions")
    group.addoption("--submission", action="append", default=[], metavar="FILE",
                    help="a learner's .ipynb or .py to grade, one test item per check (repeatable)")
    group.addoption("--seed", dest="autograder_seed", default=None, metavar="TEXT",
                    help="secret seed of the hidden checks (prefer --seed-file or $AUTOGRADER_SEED)")
    group.addoption("--seed-file", dest="autograder_seed_file", default=None, metavar="FILE",
                    help="read the hidden checks' seed from this file")
    group.addoption("--chapter", dest="autograder_chapter", default=None,
                    help="grade as this chapter (default: from the notebook or the names it defines)")


def pytest_ignore_collect(collection_path, config):
    if config.getoption("submission"):
        return True          # grading: the submission's checks are the only items
    return None


class CheckFailed(Exception):
    """A check of the submission failed; the message is the learner's."""


class CheckItem(pytest.Item):
    def __init__(self, *, result, **kwargs):
        super().__init__(**kwargs)
        self.result = result
        self.user_properties += [("points", result.score), ("max_points", result.max_score),
                                 ("hidden", result.hidden), ("check", f"{result.exercise}:{result.key}")]

    def runtest(self):
        if not self.result.passed:
            raise CheckFailed(self.result.message or "failed")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.name


class SubmissionStatus(pytest.Item):
    """One item per submission that could not be read or run, so the failure is visible."""

    def __init__(self, *, status, **kwargs):
        super().__init__(**kwargs)
        self.status = status

    def runtest(self):
        raise CheckFailed(self.status)

    def repr_failure(self, excinfo):
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, self.name


def _seed(config):
    from .seed import SeedError, resolve
    seed, seed_file = config.getoption("autograder_seed"), config.getoption("autograder_seed_file")
    try:
        return resolve(seed, seed_file)
    except SeedError:
        if seed is not None or seed_file is not None:
            raise
        return None                        # no seed anywhere: public checks only


def pytest_collection_modifyitems(session, config, items):
    paths = [Path(p) for p in config.getoption("submission")]
    if not paths:
        return
    from . import isolation
    from .grade import grade_many
    seed = _seed(config)
    mode = isolation.detect()
    with tempfile.TemporaryDirectory() as out:
        reports = grade_many(paths, out, chapter=config.getoption("autograder_chapter"), seed=seed,
                             jobs=1, progress=False, mode=mode)
    new = []
    for report in reports:
        stem = report.submission.name
        if not report.ok or not report.results:
            new.append(SubmissionStatus.from_parent(session, name=f"{stem}::submission",
                                                    status=report.status_text))
            continue
        for result in report.results:
            new.append(CheckItem.from_parent(session, name=f"{stem}::{result.label}", result=result))
    items[:] = new


def pytest_report_header(config):
    if config.getoption("submission"):
        from . import isolation
        mode = isolation.detect()
        seeded = (config.getoption("autograder_seed") or config.getoption("autograder_seed_file")
                  or "AUTOGRADER_SEED" in os.environ)
        hidden = "hidden checks: on" if seeded else "hidden checks: off (no seed: public checks only)"
        return [f"autograder: {hidden}; isolation: " + ("on" if mode.isolated else f"off ({mode.reason})")]
    return None
