"""The grading journal: OUT/grades.jsonl, one record per finished submission, and grades.csv made from it.

A grading run appends a `Record` (its grades.csv `Row`, which list and place it
was graded in, the fingerprint of the run's settings and the hash of the file's
content) as soon as a submission's results.json is written, then rewrites
grades.csv atomically from every record: so an interrupted run leaves each
finished submission's results and a valid grades.csv of what finished, and a
later run into the same OUT (a regrade of some learners, `--resume`, `merge`)
replaces those learners' rows and keeps the others.

grades.csv shows each submission's latest record, at the place of its first:
rows are ordered by the submission list they were first graded in (in the order
those lists first appear) and then by their position in that list. So a run, the
same run resumed, and the same list graded in shards and merged give the same
grades.csv, byte for byte; a regraded row stays where it was; new ones follow.

The journal is appended with one write per line, never through a link; a line
cut short by a crash is ignored when read (that submission is graded again).
One run at a time holds the journal (an exclusive lock): a second run into the
same OUT stops at once. The settings fingerprint is a keyed hash: HMAC-SHA256,
keyed by a slow derivation (PBKDF2) of the seed, of the weights, limits,
visibility and the grader's own code; the seed itself is never written.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import hmac
import json
import os
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from .report import Row, _atomic_write, grades_csv

JOURNAL = "grades.jsonl"
GRADES = "grades.csv"
MAX_LINE = 1 << 20                 # bytes of one record, at most (a longer line is not ours: skipped)
MAX_JOURNAL = 1 << 30              # bytes of the whole journal read back
_KDF_ROUNDS = 200_000              # PBKDF2 rounds: ~0.1 s once per run, the same per guess of the seed


class JournalError(Exception):
    """The journal cannot be used (another run holds it, it is a link...): the message says why."""


@dataclass(frozen=True)
class Record:
    row: Row
    batch: str          # the submission list it was graded in (a hash of its names, in order)
    position: int       # its place in that list
    settings: str       # `fingerprint` of the run's seed and settings
    content: str        # SHA-256 of the file it graded ("" when the file could not be read)
    final: bool = True  # False: the grader, not the submission, stopped it (graded again by --resume)
    shard: str = ""     # "K/N" when graded as a shard
    root: str = ""      # the folder its name is relative to, on the machine that graded it

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=True)

    @classmethod
    def from_json(cls, line: str) -> "Record":
        """A record from a journal line; ValueError when it is not one (a torn or foreign line)."""
        try:
            d = json.loads(line)
            r = d["row"]
            row = Row(str(r["name"]), str(r["learner"]), None if r["chapter"] is None else str(r["chapter"]),
                      {str(k): float(v) for k, v in dict(r["points"]).items()}, float(r["total"]),
                      float(r["max_total"]), str(r["status"]))
            return cls(row, str(d["batch"]), int(d["position"]), str(d["settings"]), str(d["content"]),
                       bool(d["final"]), str(d.get("shard", "")), str(d.get("root", "")))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ValueError(f"not a journal record ({type(exc).__name__})") from None


def batch_id(names: list[str]) -> str:
    """The id of a submission list: its names, in order."""
    return hashlib.sha256("\0".join(names).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def content_hash(raw: bytes | None) -> str:
    return "" if raw is None else hashlib.sha256(raw).hexdigest()


def fingerprint(seed: int | None, settings: dict) -> str:
    """A keyed hash of the run's settings (weights, limits, visibility...) and the grader's own code,
    keyed by the seed: equal for equal seeds and settings, and it never reveals the seed (guessing it
    costs a PBKDF2 of 200,000 rounds per guess)."""
    secret = b"" if seed is None else seed.to_bytes(8, "big")
    key = hashlib.pbkdf2_hmac("sha256", secret, b"autograder settings fingerprint", _KDF_ROUNDS)
    message = json.dumps({"settings": settings, "grader": grader_hash(), "seeded": seed is not None},
                         sort_keys=True, default=str).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def grader_hash() -> str:
    """A hash of the grader's own code (every .py file of the package): a changed grader grades again."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def ordered(records: list[Record]) -> list[Row]:
    """The rows of grades.csv: each name's latest record, at the place of its first (see the module)."""
    first: dict[str, Record] = {}
    latest: dict[str, Record] = {}
    batches: dict[str, int] = {}
    for record in records:
        batches.setdefault(record.batch, len(batches))
        first.setdefault(record.row.name, record)
        latest[record.row.name] = record
    keys = {name: (batches[r.batch], r.position, name) for name, r in first.items()}
    return [latest[name].row for name in sorted(latest, key=keys.__getitem__)]


@dataclass(frozen=True)
class RunLine:
    """The line a grading run writes first: its list, settings and shard (so a shard that graded nothing
    still says which it was)."""
    batch: str
    settings: str
    shard: str

    def to_json(self) -> str:
        return json.dumps({"run": asdict(self)}, sort_keys=True)


def read_records(folder_fd: int, name: str = JOURNAL) -> tuple[list[Record], list[RunLine]] | None:
    """The records and run lines of the journal `name` in an open folder (None when there is none), never
    through a link; lines that are neither are skipped."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise JournalError(_link_message(name, exc)) from None
    with os.fdopen(fd, "rb") as f:
        return _parse(f, name)


def _parse(f, name) -> list[Record]:
    if not _regular(f.fileno()):
        raise JournalError(f"{name} is not a regular file")
    records, runs, size = [], [], 0
    for line in iter(lambda: f.readline(MAX_LINE + 1), b""):
        size += len(line)
        if size > MAX_JOURNAL:
            raise JournalError(f"{name} is over {MAX_JOURNAL:,} bytes")
        if not line.endswith(b"\n") or len(line) > MAX_LINE:
            continue                   # cut short by a crash, or not ours
        try:
            records.append(Record.from_json(line.decode("utf-8")))
        except (ValueError, UnicodeDecodeError):
            try:
                run = json.loads(line)["run"]
                runs.append(RunLine(str(run["batch"]), str(run["settings"]), str(run["shard"])))
            except (ValueError, UnicodeDecodeError, KeyError, TypeError):
                continue
    return records, runs


def _regular(fd: int) -> bool:
    return stat.S_ISREG(os.fstat(fd).st_mode)


def _link_message(name: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"{name} in the output folder is a link: the grader writes no file through a link (remove it)"
    return f"cannot open {name} in the output folder: {exc.strerror}"


class Journal:
    """The journal of an output folder, held (locked) by this run: `add` appends a record and rewrites
    grades.csv. Use as a context manager."""

    def __init__(self, out_fd: int):
        self.out_fd = out_fd
        try:
            self.fd = os.open(JOURNAL, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
                              | os.O_CLOEXEC, 0o644, dir_fd=out_fd)
        except OSError as exc:
            raise JournalError(_link_message(JOURNAL, exc)) from None
        try:
            if not _regular(self.fd):
                raise JournalError(f"{JOURNAL} in the output folder is not a regular file")
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise JournalError("another grading run is writing this output folder (wait for it, or use "
                                   "another --out)") from None
            with os.fdopen(os.dup(self.fd), "rb") as f:
                f.seek(0)
                self.records, self.runs = _parse(f, JOURNAL)
        except BaseException:
            os.close(self.fd)
            raise
        self.latest = {r.row.name: r for r in self.records}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)          # (releases the lock)
            self.fd = -1

    def start(self, run: RunLine):
        """Note the start of a grading run."""
        self._write(run.to_json())
        self.runs.append(run)

    def _write(self, text: str):
        view = memoryview((text + "\n").encode("utf-8"))
        while view:
            view = view[os.write(self.fd, view):]

    def add(self, *records: Record, csv: bool = True):
        """Append `records` (one write each) and, unless `csv` is False, rewrite grades.csv."""
        for record in records:
            self._write(record.to_json())
            self.records.append(record)
            self.latest[record.row.name] = record
        if csv:
            self.write_csv()

    def write_csv(self):
        _atomic_write(self.out_fd, GRADES, grades_csv(ordered(self.records)))

    def root(self) -> str | None:
        """The folder the names of the latest record are relative to (a regrade names its files the same
        way when they are inside it)."""
        return self.records[-1].root or None if self.records else None

    def settings_seen(self) -> set[str]:
        """The settings fingerprints of the rows grades.csv shows now."""
        return {r.settings for r in self.latest.values()}
