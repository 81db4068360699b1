"""Take a submission in: read its file here, parse and analyse it in a short-lived process of its own.

`take` reads the file with `submission.read_bytes` (a regular file within
MAX_BYTES, never a link or a FIFO), then runs `submission.parse` and
`shortcuts.find_shortcuts` in a fresh Python process (never a fork of the
grader, which may have TensorFlow loaded; not multiprocessing, which would
re-run the grader's main script in it), under a wall-time limit, an
address-space limit and a CPU-time limit. A file that takes too long, needs too
much memory or breaks the analysis is unreadable, which costs only its own
points; nothing is shared between submissions, so none waits for another. The
process gets the file's bytes on stdin and no environment (no seed), and sends
back JSON of plain data, of bounded size, never a pickle.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from . import submission
from .shortcuts import find_shortcuts
from .submission import Cell, Submission, Unit, UnreadableSubmission

SECONDS = 10                         # wall time to parse and analyse one file (a chapter notebook takes ~0.05 s)
MEMORY = 1 << 30                     # address space the analysis may add to its process, in bytes
REPLY_BYTES = 4 * submission.MAX_BYTES
# The analysis needs this module, submission, shortcuts and exercises only: the package is set up bare,
# without its __init__ (the learner's self-check, NumPy), which takes ~0.06 s to start instead of ~0.35 s.
_BOOT = ("import sys, types; package = types.ModuleType('autograder'); "
         f"package.__path__ = [{str(Path(__file__).resolve().parent)!r}]; sys.modules['autograder'] = package; "
         "from autograder.intake import main; sys.exit(main(sys.argv[1:]))")


@dataclass
class Intake:
    """A submission's cells, and the forbidden names each exercise's own definition uses."""
    submission: Submission
    shortcuts: dict[str, list[str]]


def take(path, names, seconds: float = SECONDS, memory: int = MEMORY) -> Intake:
    """Read `path` and analyse it for the exercises `names`, in at most `seconds` and `memory` bytes more.
    UnreadableSubmission (with the reason, in the grader's words) otherwise."""
    path = Path(path)
    raw = submission.read_bytes(path)
    process = subprocess.Popen([sys.executable, "-I", "-c", _BOOT, path.name, str(seconds), str(memory), *names],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={}, cwd="/")
    try:
        out, err = process.communicate(raw, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise UnreadableSubmission(f"{path.name}: the file took too long to analyse (over {seconds:g} s)") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    if process.returncode > 0:            # its own code failed (a grader bug, not the submission's doing)
        raise RuntimeError(f"the analysis process failed: {err.decode(errors='replace')[-2000:]}")
    try:
        if len(out) > REPLY_BYTES:
            raise ValueError("too long")
        reply = json.loads(out)
        if "unreadable" in reply:
            raise UnreadableSubmission(str(reply["unreadable"]))
        return Intake(_submission(path, reply["submission"], str(reply["language"])),
                      {str(k): [str(n) for n in v] for k, v in reply["shortcuts"].items()})
    except (ValueError, KeyError, TypeError, AttributeError):    # killed (a crash in the parser, its CPU limit)
        raise UnreadableSubmission(f"{path.name}: the file could not be analysed (its analysis crashed)") from None


def main(argv: list[str]) -> int:
    """In the analysis process: NAME SECONDS MEMORY EXERCISE...; the file's bytes on stdin; JSON on stdout."""
    name, seconds, memory, names = argv[0], float(argv[1]), int(argv[2]), argv[3:]
    _limit(seconds, memory)
    raw = sys.stdin.buffer.read()
    try:
        sub = submission.parse(Path(name), raw)
        reply = json.dumps({"submission": _plain(sub), "language": sub.language, "shortcuts": {n: find_shortcuts(sub.sources, n)
                                                                     for n in names}}, default=sorted).encode()
    except UnreadableSubmission as exc:
        reply = json.dumps({"unreadable": str(exc)}).encode()
    except MemoryError:
        reply = json.dumps({"unreadable": f"{name}: the file needs too much memory to analyse"}).encode()
    except RecursionError:                 # code nested too deep for the analysis (any other error is a bug)
        reply = json.dumps({"unreadable": f"{name}: the file is nested too deeply to analyse"}).encode()
    sys.stdout.buffer.write(reply)
    return 0


def _limit(seconds: float, memory: int) -> None:
    """CPU time just over the wall, `memory` bytes of address space over what the process has, no core file."""
    cpu = int(seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:                        # no /proc (not Linux): the wall and CPU limits still hold
        return
    resource.setrlimit(resource.RLIMIT_AS, (used + memory, used + memory))


_NAMES = ("binds", "uses", "uses_now")


def _plain(sub: Submission) -> list:
    """The cells as JSON-ready data (json.dumps turns their sets into sorted lists)."""
    return [asdict(cell) for cell in sub.cells]


def _submission(path: Path, cells: list, language: str) -> Submission:
    """The Submission that _plain described, every field rebuilt with its own type."""
    def names(data):
        return {k: set(map(str, data[k])) for k in _NAMES}
    return Submission(path, [
        Cell(int(c["index"]), str(c["source"]), **names(c), cheap=bool(c["cheap"]),
             syntax_error=None if c["syntax_error"] is None else str(c["syntax_error"]),
             units=[Unit(int(u["first"]), int(u["last"]), **names(u), cheap=bool(u["cheap"])) for u in c["units"]])
        for c in cells], submission.printable(language, submission.MAX_LANGUAGE))
