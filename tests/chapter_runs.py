"""Each chapter notebook executed once, for every test that reads its outputs and for the book.

A chapter runs where TensorFlow is at its noisiest (oneDNN on, log level 0: what an Intel CPU
does by default), so its outputs also show whether the course keeps TensorFlow quiet. The executed
notebook is stored in the book's jupyter-cache (`_build/.jupyter_cache`, where myst-nb looks), with
a fingerprint of the course's code and pinned versions: the book build then executes nothing, and
a later run executes a chapter again only when its code, the autograder or the pins changed.

Under pytest-xdist a lock file per chapter keeps the two workers from running one chapter twice,
and one more lock serialises the cache's database.
"""
from __future__ import annotations

import contextlib
import copy
import fcntl
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
CACHE = ROOT / "_build" / ".jupyter_cache"
NOISY = {"TF_ENABLE_ONEDNN_OPTS": "1", "TF_CPP_MIN_LOG_LEVEL": "0"}   # what an Intel CPU does by default
TIMEOUT = 300                                                         # _config.yml's execute.timeout


def chapters() -> list[str]:
    """The stems of the chapter notebooks in solutions/."""
    return sorted(p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))


def read(stem: str) -> nbformat.NotebookNode:
    """The chapter notebook as committed."""
    return nbformat.read(SOLUTIONS / f"{stem}.ipynb", as_version=4)


@functools.cache
def fingerprint(root: Path = ROOT) -> str:
    """What a chapter's outputs depend on besides its own code: the course package and the pins."""
    digest = hashlib.sha256()
    for path in sorted((root / "autograder").rglob("*.py")) + [root / "constraints.txt"]:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class ChapterRun:
    stem: str
    stored: nbformat.NotebookNode       # the notebook as committed (its outputs are the expected ones)
    executed: nbformat.NotebookNode     # the same cells with the outputs of this run
    seconds: float
    reused: bool                        # taken from the cache (executed by an earlier run)

    def errors(self) -> list[tuple[int, str]]:
        """(cell index, error name) of every cell that raised."""
        return [(i, o.ename) for i, c in enumerate(self.executed.cells)
                for o in c.get("outputs", []) if o.output_type == "error"]


@contextlib.contextmanager
def _locked(name: str):
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    """These variables set for the kernels started inside (they inherit this process's environment)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _cached(stem: str, stored) -> ChapterRun | None:
    with _locked("database"):
        cache = get_cache(str(CACHE))
        try:
            record = cache.match_cache_notebook(stored)
        except KeyError:
            return None
        if record.data.get("course_fingerprint") != fingerprint():
            return None
        _, executed = cache.merge_match_into_notebook(copy.deepcopy(stored))
    return ChapterRun(stem, stored, executed, record.data.get("execution_seconds", 0.0), reused=True)


def _store(path: Path, executed, seconds: float) -> None:
    with _locked("database"):
        get_cache(str(CACHE)).cache_notebook_bundle(
            CacheBundleIn(executed, str(path), data={"execution_seconds": seconds,
                                                     "course_fingerprint": fingerprint()}),
            check_validity=False, overwrite=True)


@functools.cache
def run(stem: str) -> ChapterRun:
    """The chapter executed (or its stored execution, if nothing it depends on changed since)."""
    path = SOLUTIONS / f"{stem}.ipynb"
    stored = read(stem)
    with _locked(stem):
        found = _cached(stem, stored)
        if found is not None:
            return found
        executed = copy.deepcopy(stored)
        with _environment(NOISY):
            result = single_nb_execution(executed, cwd=str(SOLUTIONS), timeout=TIMEOUT,
                                         allow_errors=True, meta_override=True)
        chapter = ChapterRun(stem, stored, executed, result.time, reused=False)
        if result.err is None and not chapter.errors():
            _store(path, executed, result.time)     # a failing chapter is never reused
        return chapter
