"""Grade submissions: sandboxed runs, verdicts in this process, CSV and Gradescope output.

`grade_one` runs every check of a submission's chapter against its sandboxed
code (all public checks, then all hidden ones); `grade_many` does a batch
(optionally two at a time) and writes `DIR/grades.csv` and
`DIR/<stem>/results.json`, last and atomically, from this process only. The
Keras answer key is computed once per distinct question: when submissions are
isolated, in a trusted child of the zygote (so this process never imports
TensorFlow), otherwise here.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import exercises, probes, references, wire
from .probes import FatalProbeError, ProbeError
from .runner import InProcess, Result, run_exercises
from .sandbox import SandboxError, Zygote
from .shortcuts import find_shortcuts
from .submission import UnreadableSubmission, infer_chapter, read

CALL_SECONDS = 20          # one probe
CELL_SECONDS = 30          # one top-level cell
SUBMISSION_SECONDS = 240   # everything for one submission
_PARSING = threading.Lock()   # CPython 3.11's ast.parse is not thread-safe ("AST constructor recursion depth
                              # mismatch" under --jobs 2): one submission is parsed at a time


class SandboxTarget:
    """A submission's code in a sandbox child, restarted after a hang or a crash."""

    runs_elsewhere = True      # checks may compute the reference while the child works

    def __init__(self, zygote: Zygote, submission, names, budget=None):
        self.zygote = zygote
        self.cells = submission.cells_for(names)
        self.forbidden = {n: list(exercises.exercise(n).forbidden) for n in names}
        self.deadline = time.monotonic() + (SUBMISSION_SECONDS if budget is None else budget)
        self.skip: set[int] = set()
        self.cell_errors: list[str] = []
        self.output = ""
        self.child = None
        self._names: list[str] = []
        self.broken: str | None = None
        self.load_seconds = 0.0            # running the submission's cells (for `make bench-grade`)
        self.loads = 0
        self.hidden = False                # set once hidden inputs may have reached the submission
        self.peak_memory = 0               # bytes, all its processes together (isolated only)

    def enter_hidden(self):
        """From now on nothing the submission says (printed output, errors, names) is kept: it may
        hold hidden inputs."""
        self.hidden = True

    def _remaining(self):
        return self.deadline - time.monotonic()

    def _ensure(self):
        if self.child is not None:
            return
        if self.broken:
            raise FatalProbeError(self.broken)
        while True:
            if self._remaining() <= 1:
                self.broken = f"the submission's time limit ({SUBMISSION_SECONDS} s) was reached"
                raise FatalProbeError(self.broken)
            try:
                child = self.zygote.spawn()
            except SandboxError as exc:
                self.broken = f"the submission's process could not start ({exc})"
                raise FatalProbeError(self.broken) from None
            cells = [(c.index, c.source) for c in self.cells if c.index not in self.skip]
            started = time.perf_counter()
            loaded, hung = child.load(cells, self.forbidden, CELL_SECONDS, self._remaining())
            self.load_seconds += time.perf_counter() - started
            if loaded is not None:
                self.child = child
                self.loads += 1
                if not self.hidden:
                    self._names = [str(n) for n in loaded.get("names", [])][:500]
                    errors = [str(e)[:500] for e in loaded.get("errors", [])][:50]
                    self.cell_errors = sorted(set(self.cell_errors) | set(errors), key=self._cell_order)
                if self.loads == 1:
                    self.output = str(loaded.get("output", ""))[:4000]
                return
            died = isinstance(hung, tuple)
            index = hung[1] if died else hung
            if index is None or index in self.skip:
                self.broken = "the submission's process could not start" if died else \
                              "the submission's code did not finish loading"
                raise FatalProbeError(self.broken)
            self.skip.add(index)
            self.cell_errors.append(f"cell {index}: " + ("ended the process (os._exit, a crash or the memory limit); "
                                                          "skipped" if died else
                                                          f"still running after {CELL_SECONDS} s; skipped"))

    @staticmethod
    def _cell_order(text):
        try:
            return int(text.split(":")[0].split()[1])
        except (IndexError, ValueError):
            return 0

    def names(self):
        try:
            self._ensure()
        except FatalProbeError:
            return []
        return self._names

    def probe(self, op, name, **params):
        if self._remaining() <= 0:
            self.broken = self.broken or f"the submission's time limit ({SUBMISSION_SECONDS} s) was reached"
        self._ensure()
        seconds = min(CALL_SECONDS, max(1, int(self._remaining())))
        try:
            reply = self.child.request({"op": "probe", "probe": op, "name": name, "params": params,
                                        "seconds": seconds}, timeout=seconds + 10)
        except SandboxError as exc:
            self._forget_child()
            raise FatalProbeError(f"{name} {'did not answer: ' if exc.timeout else ''}{exc}") from None
        if not isinstance(reply, dict):
            raise ProbeError("the submission's process sent an unexpected answer")
        if reply.get("ok"):
            return probes.check_answer_form(op, reply.get("value"))
        if reply.get("timeout"):
            self.child.kill()
            self._forget_child()
            raise FatalProbeError(f"{name} was stopped after {seconds} s (an endless loop?)")
        raise ProbeError(str(reply.get("error", "failed"))[:1500])

    def shortcut_hits(self, name):
        if self.child is None:
            return []
        try:
            reply = self.child.request({"op": "hits", "name": name}, timeout=10)
        except SandboxError:
            self._forget_child()
            return []
        hits = reply.get("hits", []) if isinstance(reply, dict) else []
        known = set(exercises.exercise(name).forbidden)
        return [h for h in hits if h in known]

    def _forget_child(self):
        if self.child is not None:
            self.peak_memory = max(self.peak_memory, self.child.peak_memory)
        self.child = None

    def close(self):
        if self.child is not None:
            self.child.kill()
            self._forget_child()


class CachedReference(InProcess):
    """The Keras answer key, computed once per distinct question across a whole batch."""

    def __init__(self, namespace):
        super().__init__(namespace)
        self.cache, self.lock = {}, threading.Lock()

    def probe(self, op, name, **params):
        key = (op, name, hashlib.sha256(wire.dumps(params)).hexdigest())
        with self.lock:
            if key not in self.cache:
                self.cache[key] = super().probe(op, name, **params)
            return self.cache[key]


class RemoteReference:
    """The Keras answer key in a trusted process forked from the zygote (isolated mode only: there
    no submission can see or reach it), so that the grader never imports TensorFlow. Each distinct
    question is computed once per batch."""

    runs_elsewhere = False

    def __init__(self, zygote: Zygote):
        self.zygote = zygote
        self.child = None
        self.cache, self.lock = {}, threading.Lock()

    def _ensure(self):
        if self.child is None:
            source = references.answer_key_source() + "\nglobals().update(NAMESPACE)\n"
            child = self.zygote.spawn(trusted=True)
            loaded, _ = child.load([(1, source)], {}, 300, 300)
            if loaded is None or loaded.get("errors"):
                child.kill()
                raise FatalProbeError(f"the answer key could not be loaded: {loaded and loaded.get('errors')}")
            self.child = child

    def probe(self, op, name, **params):
        key = (op, name, hashlib.sha256(wire.dumps(params)).hexdigest())
        with self.lock:
            if key not in self.cache:
                self._ensure()
                try:
                    reply = self.child.request({"op": "probe", "probe": op, "name": name, "params": params,
                                                "seconds": 300}, timeout=310)
                except SandboxError as exc:
                    self.child = None
                    raise FatalProbeError(f"the answer key's process failed ({exc})") from None
                if not reply.get("ok"):
                    raise ProbeError(str(reply.get("error")))
                self.cache[key] = probes.check_answer_form(op, reply["value"])
            return self.cache[key]

    def close(self):
        with self.lock:
            if self.child is not None:
                self.child.kill()
                self.child = None


def answer_key(zygote: Zygote):
    """The reference target for a batch: in a trusted child of the zygote when isolated, else here."""
    if zygote.isolated:
        return RemoteReference(zygote)
    return CachedReference(references.namespace())


@dataclass
class Report:
    submission: Path
    chapter: str | None
    results: list = field(default_factory=list)
    status: str = "graded"
    notes: list = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0
    load_seconds: float = 0.0
    peak_memory: int = 0

    @property
    def ok(self):
        return not self.status.startswith(("unreadable", "not run"))

    def points(self):
        per = {}
        for r in self.results:
            per[r.exercise] = per.get(r.exercise, 0.0) + r.score
        return per

    def total(self):
        return round(sum(r.score for r in self.results), 4)

    def max_total(self):
        if self.chapter is None:
            return 0
        return sum(ex.points for ex in exercises.exercises_for(self.chapter))


def grade_one(path, zygote, chapter=None, seed=None, public_only=False) -> Report:
    start = time.perf_counter()
    path = Path(path)
    try:
        with _PARSING:
            sub = read(path)
    except UnreadableSubmission as exc:
        ch = exercises.chapter(chapter).id if chapter else None
        report = Report(path, ch, status=f"unreadable: {exc}")
        report.results = _zero_results(ch, str(exc), seed is not None and not public_only)
        return report
    ch = infer_chapter(sub, chapter)
    if ch is None or not exercises.exercises_for(ch):
        names = sorted(n for n in sub.defined_names())[:10]
        return Report(path, ch, status="not run: no exercise of any chapter is defined"
                      + (f" (found {', '.join(names)})" if names else ""))
    names = [ex.name for ex in exercises.exercises_for(ch)]
    report = Report(path, ch)
    report.notes += sub.syntax_errors()
    target = SandboxTarget(zygote, sub, names)
    try:
        with _PARSING:
            static = {name: find_shortcuts(sub.sources, name) for name in names}
        report.results += run_exercises(names, target, seed=None if public_only else seed,
                                        static_shortcuts=static, before_hidden=target.enter_hidden)
    finally:
        target.close()
    report.notes += [e for e in target.cell_errors if e not in report.notes]
    report.output = target.output
    if target.broken and not target._names:
        report.status = f"not run: {target.broken}"
    elif report.notes:
        report.status = "graded; " + "; ".join(report.notes)[:300]
    report.seconds = time.perf_counter() - start
    report.load_seconds = target.load_seconds
    report.peak_memory = target.peak_memory
    return report


def _zero_results(chapter, message, with_hidden):
    if chapter is None:
        return []
    from .checks import checks_for
    results = []
    for ex in exercises.exercises_for(chapter):
        checks = checks_for(ex.name, 0 if with_hidden else None)
        total = sum(c.weight for c in checks)
        results += [Result(ex.name, c.title, 0.0, ex.points * c.weight / total, False, message, c.hidden)
                    for c in checks]
    return results


# --------------------------------------------------------------------------- output files

def gradescope(report: Report) -> dict:
    tests = [{"name": f"{r.exercise}: {r.title}" + (" (hidden)" if r.hidden else ""),
              "score": round(r.score, 4), "max_score": round(r.max_score, 4),
              "status": "passed" if r.passed else "failed", "output": r.message,
              "visibility": "after_published" if r.hidden else "visible"} for r in report.results]
    output = f"Chapter {report.chapter}: {report.total():g} of {report.max_total()} points. Status: {report.status}"
    if report.output:
        output += "\n\nWhat your code printed (first lines):\n" + report.output[:2000]
    return {"score": report.total(), "execution_time": round(report.seconds, 2),
            "output": output, "tests": tests}


def _folder(parent_fd: int, name: str) -> int:
    """An open descriptor of folder `name` in `parent_fd`, made if missing; a link or file planted
    under that name is removed first, never followed."""
    for _ in range(3):
        try:
            os.mkdir(name, 0o755, dir_fd=parent_fd)
        except FileExistsError:
            pass
        try:
            return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent_fd)
        except (NotADirectoryError, OSError) as exc:
            if isinstance(exc, FileNotFoundError):
                continue
            os.unlink(name, dir_fd=parent_fd)
    raise OSError(f"cannot make the folder {name}")


def _atomic_write(folder_fd: int, name: str, text: str):
    """Write `name` in the open folder: a new file of our own, then renamed over the old name (which
    replaces a planted link instead of writing through it)."""
    tmp = f".tmp-{os.getpid()}-{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=folder_fd)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)


def write_outputs(reports: list[Report], out_dir: Path):
    columns = [ex.name for ex in exercises.EXERCISES
               if any(r.chapter == ex.chapter for r in reports)]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["submission", *columns, "total", "max_total", "status"])
    stems: dict[str, int] = {}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out_fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for report in reports:
            points = report.points()
            writer.writerow([report.submission.name,
                             *[f"{points[c]:g}" if c in points else "" for c in columns],
                             f"{report.total():g}", report.max_total(), report.status])
            stem = report.submission.stem
            stem = stem if stem.strip(".") else f"_{stem}"
            stems[stem] = stems.get(stem, 0) + 1
            folder = stem if stems[stem] == 1 else f"{stem}-{stems[stem]}"
            folder_fd = _folder(out_fd, folder)
            try:
                _atomic_write(folder_fd, "results.json", json.dumps(gradescope(report), indent=2) + "\n")
            finally:
                os.close(folder_fd)
        _atomic_write(out_fd, "grades.csv", buf.getvalue())
    finally:
        os.close(out_fd)


def grade_many(paths, out_dir, chapter=None, seed=None, jobs=1, progress=None, mode=None) -> list[Report]:
    zygote = Zygote(mode)                  # imports TensorFlow in its own process
    from . import runner
    runner._reference = reference = answer_key(zygote)
    done, lock = [0], threading.Lock()
    show = progress if progress is not None else sys.stderr.isatty()

    def one(path):
        try:
            report = grade_one(path, zygote, chapter, seed)
        except Exception as exc:          # a grader bug must not stop the batch
            report = Report(Path(path), chapter, status=f"not run: internal error {type(exc).__name__}: {exc}")
        with lock:
            done[0] += 1
            if show:
                width = 30
                filled = width * done[0] // len(paths)
                print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done[0]}/{len(paths)} "
                      f"{Path(path).name[:40]:<40}", end="" if done[0] < len(paths) else "\n",
                      file=sys.stderr, flush=True)
        return report

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            reports = list(pool.map(one, paths))
    finally:
        if isinstance(reference, RemoteReference):
            reference.close()
        zygote.close()
    write_outputs(reports, Path(out_dir))
    return reports
