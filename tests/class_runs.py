"""A grading run without TensorFlow, for the unit tests of class operations: `run_batch` for real (its
journal, shards, resume, outputs) with the sandbox and the checks replaced by a fake `grade_one` whose score
is the number the file holds."""
from pathlib import Path

from autograder import grade
from autograder.report import Report, Result
from autograder.verdict import PASSED, Outcome, Problem

SEED = 1234


class _Nothing:
    def __init__(self, *args):
        pass

    def close(self):
        pass


def fake_grade_one(path, zygote, reference, chapter=None, seed=None, **kw):
    """Scores the number the file holds (0 to 10) on a one-check exercise; `boom` raises (a grader bug)."""
    text = Path(path).read_text().strip()
    if text == "boom":
        raise RuntimeError("a grader bug")
    score = float(text)
    outcome = PASSED if score == 10 else Outcome(False, Problem.VALUES, kind="a batch")
    return Report(Path(path), "05", [Result("balanced_class_weight", "values", "values", score, 10.0, False, outcome)])


def install(monkeypatch, grader=fake_grade_one):
    monkeypatch.setattr(grade, "Zygote", _Nothing)
    monkeypatch.setattr(grade, "answer_key", lambda zygote: _Nothing())
    monkeypatch.setattr(grade, "grade_one", grader)


def corpus(root: Path, scores: dict) -> list[Path]:
    """Files root/<name> holding their scores."""
    paths = []
    for name, score in scores.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{score}\n")
        paths.append(path)
    return paths


def run(paths, out, **options):
    options.setdefault("seed", SEED)
    return grade.run_batch(paths, out, progress=False, **options)


class CtrlC:
    """A grader that, on reaching `path`, sends this process SIGINT (as Ctrl-C does: the main thread gets
    KeyboardInterrupt) and holds that submission until `release()`."""

    def __init__(self, path):
        import threading
        self.path, self.released = Path(path), threading.Event()

    def __call__(self, path, *args, **kw):
        import os
        import signal
        if Path(path) == self.path:
            os.kill(os.getpid(), signal.SIGINT)
            self.released.wait(60)
        return fake_grade_one(path, *args, **kw)

    def release(self):
        self.released.set()
