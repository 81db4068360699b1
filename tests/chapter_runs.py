"""Each chapter notebook, each book notebook, and each learner notebook, executed once, for every test
that reads its outputs.

A chapter runs where TensorFlow is at its noisiest (oneDNN on, log level 0: what an Intel CPU
does by default), so its outputs also show whether the course keeps TensorFlow quiet. The executed
notebook is stored in the book's jupyter-cache (`_build/.jupyter_cache`, where myst-nb looks), with
a fingerprint of the course's code and pinned versions: the book build then executes nothing, and
a later run executes a chapter again only when its code, the autograder or the pins changed.

The book's own notebooks (book/*.ipynb, such as the Keras 2 -> 3 page) are executed and stored
exactly like the chapters: `book_run`, and `main` runs them with the chapters.

The learner notebooks (notebooks/, with their stubs) are executed the same way and stored in the
same cache: they raise where a stub is tried, so they are stored whenever the kernel reached the
end, and myst-nb never reads them (the book has no page for them).

Notebooks run through `PatientClient`, an nbclient client that asks for each cell's reply every
second: nbclient 0.11 can miss the reply to a cell that shows a widget and then waits out the cell's
whole timeout before it sees it (jupyter/nbclient#312), which cost 300 s in most full runs here.

Under pytest-xdist a lock file per notebook keeps the two workers from running one notebook twice,
and one more lock serialises the cache's database.
"""
from __future__ import annotations

import contextlib
import copy
import fcntl
import functools
import hashlib
import os
import queue
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"       # the learner notebooks, released from SOLUTIONS
BOOK = ROOT / "book"                 # pages of the book that are notebooks too (executed like chapters)
CACHE = ROOT / "_build" / ".jupyter_cache"
NOISY = {"TF_ENABLE_ONEDNN_OPTS": "1", "TF_CPP_MIN_LOG_LEVEL": "0"}   # what an Intel CPU does by default
TIMEOUT = 300                                                         # _config.yml's execute.timeout


def chapters() -> list[str]:
    """The stems of the chapter notebooks in solutions/."""
    return sorted(p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))


def book_notebooks() -> list[str]:
    """The stems of the book's own notebook pages in book/."""
    return sorted(p.stem for p in BOOK.glob("*.ipynb"))


def read(stem: str, folder: Path = SOLUTIONS) -> nbformat.NotebookNode:
    """The chapter notebook (or, from NOTEBOOKS, the learner notebook) as committed."""
    return nbformat.read(folder / f"{stem}.ipynb", as_version=4)


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
    stored: nbformat.NotebookNode       # the notebook as committed (a chapter's outputs are the expected ones)
    executed: nbformat.NotebookNode     # the same cells with the outputs of this run
    seconds: float
    reused: bool                        # taken from the cache (executed by an earlier run)

    def errors(self) -> list[tuple[int, str]]:
        """(cell index, error name) of every cell that raised."""
        return [(i, o.ename) for i, c in enumerate(self.executed.cells)
                for o in c.get("outputs", []) if o.output_type == "error"]


def asked_every(step: float, get_msg):
    """`get_msg(timeout)` of a kernel client's channel, asked again every `step` seconds until `timeout`:
    each new poll sees a message that an earlier one missed."""
    async def get(timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            try:
                return await get_msg(timeout=step if left is None else max(0.0, min(step, left)))
            except queue.Empty:
                if left is not None and left <= step:
                    raise
    return get


class PatientClient(NotebookClient):
    """nbclient's client, asking for each reply on the shell channel every second (jupyter/nbclient#312)."""

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        kc.shell_channel.get_msg = asked_every(1.0, kc.shell_channel.get_msg)
        return kc


@dataclass(frozen=True)
class Execution:
    seconds: float
    error: Exception | None         # a cell that timed out (a cell that raises is in its outputs)


def execute(nb: nbformat.NotebookNode, cwd: Path) -> Execution:
    """Run `nb` in place, every cell even after one raises, as jupyter-cache would for myst-nb."""
    start = time.perf_counter()
    try:
        PatientClient(nb, timeout=TIMEOUT, allow_errors=True, record_timing=False,
                      resources={"metadata": {"path": str(cwd)}}).execute()
    except CellTimeoutError as error:
        return Execution(time.perf_counter() - start, error)
    return Execution(time.perf_counter() - start, None)


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


def _execute(folder: Path, stem: str, *, errors_expected: bool) -> ChapterRun:
    path = folder / f"{stem}.ipynb"
    stored = read(stem, folder)
    with _locked(f"{folder.name}.{stem}"):
        found = _cached(stem, stored)
        if found is not None:
            return found
        executed = copy.deepcopy(stored)
        with _environment(NOISY):
            result = execute(executed, folder)
        notebook = ChapterRun(stem, stored, executed, result.seconds, reused=False)
        if result.error is None and (errors_expected or not notebook.errors()):
            _store(path, executed, result.seconds)  # a failing chapter, or one that timed out, is never reused
        return notebook


@functools.cache
def run(stem: str) -> ChapterRun:
    """The chapter executed (or its stored execution, if nothing it depends on changed since)."""
    return _execute(SOLUTIONS, stem, errors_expected=False)


@functools.cache
def book_run(stem: str) -> ChapterRun:
    """A notebook page of the book (book/STEM.ipynb) executed, or its stored execution."""
    return _execute(BOOK, stem, errors_expected=False)


@functools.cache
def learner_run(stem: str) -> ChapterRun:
    """The learner notebook executed as released, stubs and all (or its stored execution)."""
    return _execute(NOTEBOOKS, stem, errors_expected=True)


def _summary(item: tuple[str, str]) -> tuple[str, bool]:
    """(a line saying how the chapter, or book notebook, ran; whether a cell raised).
    `item` is ("solutions", stem) for a chapter, ("book", stem) for a book notebook."""
    folder, stem = item
    chapter = run(stem) if folder == "solutions" else book_run(stem)
    errors = chapter.errors()
    how = "stored run" if chapter.reused else f"executed in {chapter.seconds:.0f} s"
    return f"{folder}/{stem}: {how}" + (f"; cells that raised: {errors}" if errors else ""), bool(errors)


def main() -> int:
    """`make book`'s first step: every chapter and book notebook executed (two at a time, each from a
    process of its own, so that two kernels never pick their ports in one process) or found stored;
    the book build then executes nothing (and cannot meet jupyter/nbclient#312 through myst-nb)."""
    raised = False
    items = [("solutions", s) for s in chapters()] + [("book", s) for s in book_notebooks()]
    with ProcessPoolExecutor(max_workers=2) as pool:
        for line, failed in pool.map(_summary, items):    # in order, each as soon as it is known
            print(line, flush=True)
            raised |= failed
    return 1 if raised else 0


if __name__ == "__main__":
    sys.exit(main())
