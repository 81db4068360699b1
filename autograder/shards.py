"""Grading across machines: `grade --shard K/N` and `python -m autograder merge`.

A shard is a stable part of the submission list: submission `name` (its batch
name, `report.batch_names`) is in shard K of N when a hash of the name is K
modulo N. Each name's shard depends on that name alone, so adding or removing a
file never moves another file to another shard (a split by position would move
every file after it); the price is that shards are only about equal in size
(hashing, like dealing cards at random). K counts from 0, as a Kubernetes
Indexed Job's JOB_COMPLETION_INDEX does.

`merge` puts shard outputs together into one output folder: it checks that every
shard was graded with the same settings fingerprint (seed, weights, limits,
grader: `journal.fingerprint`), refuses a submission that two shards graded
differently, copies each results.json (never through a link, at most
MAX_RESULTS bytes, JSON only) and appends the shards' records to the output's
journal, so grades.csv lists the rows in the order a single run would.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import journal
from .report import SUBMISSIONS, escaped, has_folder, open_out, write_results_text

MAX_RESULTS = 16 * 1024 * 1024     # bytes of one results.json copied by merge


class MergeError(Exception):
    """Shard outputs that cannot be merged (the message says which and why)."""


@dataclass(frozen=True)
class Shard:
    index: int          # K, from 0
    count: int          # N

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """`K/N` with 0 <= K < N; ValueError (with the grader's words) otherwise."""
        k, sep, n = str(text).partition("/")
        if not sep or not k.strip().isdigit() or not n.strip().isdigit():
            raise ValueError(f"--shard takes K/N (such as 0/3: the first of three shards), not {text!r}")
        shard = cls(int(k), int(n))
        if not 0 <= shard.index < shard.count:
            raise ValueError(f"--shard {text}: K counts from 0 and is below N (0/{n} to {int(n) - 1}/{n})")
        return shard

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, name: str) -> bool:
        return shard_of(name, self.count) == self.index


def shard_of(name: str, count: int) -> int:
    digest = hashlib.sha256(b"autograder shard\0" + name.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % count


@dataclass
class Merged:
    records: int = 0                               # records taken from the shards
    results: int = 0                               # results.json files copied
    warnings: list = field(default_factory=list)   # the grader's words (names escaped)


def merge(out_dir, shard_dirs) -> Merged:
    """Merge the shard outputs `shard_dirs` into `out_dir` (see the module). MergeError, before anything
    is written, when they cannot be merged."""
    merged = Merged()
    taken: dict[str, tuple[journal.Record, bytes | None, str]] = {}
    batches: dict[str, int] = {}                   # the lists graded, in the order first met
    settings: dict[str, str] = {}
    shards_seen: set[str] = set()
    for shard_dir in shard_dirs:
        label = escaped(str(shard_dir))
        try:
            fd = os.open(shard_dir, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise MergeError(f"cannot open the shard output {label}: {exc.strerror}") from None
        try:
            try:
                found = journal.read_records(fd)
            except journal.JournalError as exc:
                raise MergeError(f"{label}: {exc}") from None
            if found is None:
                raise MergeError(f"{label} has no {journal.JOURNAL}: is it a `grade --out` folder of this "
                                 "version of the grader?")
            records, runs = found
            for run in runs:
                settings.setdefault(run.settings, label)
                shards_seen.add(run.shard)
            latest = {r.row.name: r for r in records}
            for name, record in latest.items():
                batches.setdefault(record.batch, len(batches))
                settings.setdefault(record.settings, label)
                shards_seen.add(record.shard)
                results = _read_results(fd, name, label) if has_folder(name) else None
                if name in taken:
                    other, other_results, where = taken[name]
                    if (other.row, other.content, other_results) != (record.row, record.content, results):
                        raise MergeError(f"{escaped(name)} was graded in {where} and in {label} with different "
                                         "results: grade it again in one of them, or leave one out")
                    continue
                taken[name] = (record, results, label)
        finally:
            os.close(fd)
    if len(settings) > 1:
        raise MergeError("the shards were graded with different settings (seed, weights, limits, visibility or "
                         "grader version): " + ", ".join(sorted(settings.values())) + " differ; grade them again "
                         "with the same ones")
    out_fd = open_out(out_dir)
    try:
        with journal.Journal(out_fd) as book:
            mine = book.settings_seen()
            if mine and settings and mine != set(settings):
                raise MergeError(f"{escaped(str(out_dir))} already holds grades of other settings (seed, weights, "
                                 "limits, visibility or grader version): merge into an empty folder")
            ordered = sorted(taken.values(), key=lambda t: (batches[t[0].batch], t[0].position, t[0].row.name))
            for record, results, _ in ordered:
                if results is not None and write_results_text(out_fd, record.row.name, results.decode("utf-8")):
                    merged.results += 1
            book.add(*(t[0] for t in ordered), csv=False)
            book.write_csv()
            merged.records = len(ordered)
    finally:
        os.close(out_fd)
    merged.warnings += _coverage(shards_seen)
    return merged


def _coverage(shards_seen: set[str]) -> list[str]:
    """Warnings when the merged shards are not all the shards of one split."""
    specs = {s for s in shards_seen if s}
    counts = {s.split("/")[1] for s in specs}
    if not specs:
        return []
    if len(counts) > 1:
        return [f"the shards come from different splits ({', '.join(sorted(specs))})"]
    n = int(counts.pop())
    missing = [f"{k}/{n}" for k in range(n) if f"{k}/{n}" not in specs]
    return [f"shard {m} is missing (or graded nothing)" for m in missing]


def _read_results(shard_fd: int, name: str, label: str) -> bytes | None:
    """The bytes of SHARD/submissions/<name>/results.json, opened without following any link, bounded,
    and JSON; None when the shard has none (its row says why)."""
    parts = [SUBMISSIONS, *Path(name).parts, "results.json"]
    if any(p in ("", ".", "..") for p in parts):
        raise MergeError(f"{label}: {escaped(name)} is not a plain relative name")
    fds = [shard_fd]
    try:
        for part in parts[:-1]:
            fds.append(os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fds[-1]))
        fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fds[-1])
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise MergeError(f"{label}: the results of {escaped(name)} cannot be read without following a link "
                         f"({exc.strerror})") from None
    finally:
        for d in fds[1:]:
            os.close(d)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise MergeError(f"{label}: the results of {escaped(name)} are not a regular file")
        raw = f.read(MAX_RESULTS + 1)
    if len(raw) > MAX_RESULTS:
        raise MergeError(f"{label}: the results of {escaped(name)} are over {MAX_RESULTS:,} bytes")
    try:
        if not isinstance(json.loads(raw.decode("utf-8")), dict):
            raise ValueError
    except ValueError:
        raise MergeError(f"{label}: the results of {escaped(name)} are not a results.json") from None
    return raw
