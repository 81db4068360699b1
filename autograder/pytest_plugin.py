"""Grade a submission with pytest: every check becomes one test item.

    python -I -m autograder pytest FILE... --chapter 02 [--seed-file FILE] [--junitxml OUT.xml]

runs this plugin in a fresh pytest away from the learner's workspace (see `autograder.ci`);
that is the command to grade with. The plugin itself (`pytest --submission FILE [--seed-file F]
[--chapter 02]`, installed with the course; elsewhere add `-p autograder.pytest_plugin`)
refuses to grade when the learner's workspace has configured this pytest: a `conftest.py`,
a configuration file pytest found by itself (not given with `-c`), `$PYTEST_ADDOPTS` or
`$PYTEST_PLUGINS` — any of them runs the learner's code or options in this process, which
holds the seed and decides the grades. That refusal is a tripwire, not a boundary: code
that ran before it (a conftest's import, a module shadowing one of Python's) can disable it.

Each check of the chapter is an item named `<file>::<exercise>: <check>` that passes or
fails with the learner's message, and carries its points in its `user_properties` (so
`--junitxml` reports them). Item names and failure texts are neutralised (no control
characters or escape sequences reach a terminal or CI log). The checks run exactly as in
`python -m autograder grade`: the submission in the grader's sandbox, every verdict in
this process. Without a seed (`--seed-file`, `$AUTOGRADER_SEED` or `--seed`) only the
public checks run — the learner's own self-check. When --submission is given, pytest
collects nothing else.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

from .verdict import neutral

SAFE_COMMAND = "python -I -m autograder pytest FILE... --chapter NN [--seed-file SEED] [--junitxml OUT.xml]"
MAX_NAME = 120          # characters of a submission's file name in an item's name
MAX_FAILURE = 1000      # characters of one line of a failure's text


def pytest_addoption(parser):
    group = parser.getgroup("autograder", "Losses & Metrics in Keras: grade submissions")
    group.addoption("--submission", action="append", default=[], metavar="FILE",
                    help="a learner's .ipynb or .py to grade, one test item per check (repeatable)")
    group.addoption("--seed", dest="autograder_seed", default=None, metavar="TEXT",
                    help="secret seed of the hidden checks (prefer --seed-file or $AUTOGRADER_SEED)")
    group.addoption("--seed-file", dest="autograder_seed_file", default=None, metavar="FILE",
                    help="read the hidden checks' seed from this file")
    group.addoption("--chapter", dest="autograder_chapter", default=None,
                    help="grade as this chapter (default: the file's folder or name, e.g. ch02/ or 02_x.ipynb)")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if config.getoption("submission"):
        refuse_learner_configuration(config)


def learner_configuration(config) -> list[str]:
    """What of the workspace or environment configured this pytest: conftest files, a
    configuration file pytest found by itself, $PYTEST_ADDOPTS, $PYTEST_PLUGINS."""
    found = [f"the conftest file {neutral(plugin.__file__, 200)}" for plugin in config.pluginmanager.get_plugins()
             if isinstance(plugin, ModuleType) and Path(plugin.__file__ or "").name == "conftest.py"]
    if config.inipath is not None and config.option.inifilename is None:
        found.append(f"the configuration file {neutral(config.inipath, 200)}")
    found += [f"${name}" for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS") if os.environ.get(name, "").strip()]
    return found


def refuse_learner_configuration(config) -> None:
    found = learner_configuration(config)
    if found:
        raise pytest.UsageError(
            f"autograder: not grading: {', '.join(found)} configured this pytest and could run a learner's "
            f"code in the grader's process. Grade with `{SAFE_COMMAND}`: it runs pytest away from the "
            "learner's workspace, with none of its configuration.")


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
            return shown(excinfo.value)
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
        return shown(excinfo.value)

    def reportinfo(self):
        return self.path, None, self.name


def shown(text) -> str:
    """`text` for a terminal or CI log: each line neutralised and bounded."""
    return "\n".join(neutral(line, MAX_FAILURE) for line in str(text).splitlines()) or "failed"


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
    refuse_learner_configuration(config)       # again: conftests met while collecting
    from . import isolation
    from .grade import grade_many
    seed = _seed(config)
    mode = isolation.detect()
    with tempfile.TemporaryDirectory() as out:
        reports = grade_many(paths, out, chapter=config.getoption("autograder_chapter"), seed=seed,
                             jobs=1, progress=False, mode=mode)
    new = []
    for report in reports:
        stem = neutral(report.submission.name, MAX_NAME)
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
