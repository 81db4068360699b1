"""Who submitted each file: learner ids from a roster or from the folder layout of a batch.

In order, the first that applies:

1. a roster (`--roster FILE`): a CSV with the columns `learner` and `path`, a path
   being a submission file or a folder holding a learner's files (relative paths
   are relative to the roster's folder); the most specific path that holds a file
   names its learner;
2. a Gradescope export ("Export Submissions": `assignment_<id>_export/` holding
   `submission_metadata.yml` and one `submission_<id>/` folder per submission): the
   submitters of that folder in the metadata (their `:sid:`, else `:email:`, else
   `:name:`; a group's joined with `+`), else the folder's name;
3. GitHub Classroom clones (`gh classroom clone student-repos` makes
   `<assignment>-submissions/<assignment>-<username>/`): the username;
4. any other batch of folders: the first folder below the folder holding the whole
   batch (`alice/05_x.ipynb` is alice's);
5. none ("") for files side by side.

Ids are data from outside (a metadata name is whatever a learner typed): they
are neutralised and bounded here, and the CSV writer quotes them as text.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .verdict import neutral

MAX_ID = 120                       # characters of a learner id
MAX_FILE = 5 * 1024 * 1024         # bytes of a roster or of Gradescope's metadata file
GRADESCOPE_METADATA = "submission_metadata.yml"
_GRADESCOPE_FOLDER = re.compile(r"submission_\d+")
_CLASSROOM_ROOT = "-submissions"


class RosterError(Exception):
    """A roster that cannot be used (the message says why)."""


@dataclass(frozen=True)
class Roster:
    """Absolute paths (files or folders) and their learners."""
    entries: tuple[tuple[str, str], ...]

    def learner(self, path) -> str | None:
        """The learner of the most specific entry holding `path`, or None."""
        path = os.path.abspath(path)
        best = None
        for where, learner in self.entries:
            if path == where or path.startswith(where.rstrip(os.sep) + os.sep):
                if best is None or len(where) > len(best[0]):
                    best = (where, learner)
        return best[1] if best else None


def read_roster(path) -> Roster:
    """The roster CSV at `path`: a header row naming `learner` and `path` (other columns ignored)."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE + 1)
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror}") from None
    if len(raw) > MAX_FILE:
        raise RosterError(f"the roster {path} is over {MAX_FILE:,} bytes")
    try:
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"the roster {path} is not a UTF-8 CSV file ({type(exc).__name__})") from None
    if not rows or not {"learner", "path"} <= set(rows[0]):
        raise RosterError(f"the roster {path} needs a header row with the columns learner and path")
    base = path.resolve().parent
    entries = []
    for i, row in enumerate(rows, 2):
        learner, where = (row.get("learner") or "").strip(), (row.get("path") or "").strip()
        if not learner or not where:
            raise RosterError(f"the roster {path}, line {i}: a learner and a path are both needed")
        entries.append((os.path.abspath(base / where), clean(learner)))
    return Roster(tuple(entries))


def clean(text: str) -> str:
    """A learner id as it may be shown: one line, no control characters, bounded."""
    return neutral(str(text).strip(), MAX_ID)


def learners_for(paths, names, root: str, roster: Roster | None = None) -> list[str]:
    """The learner of each file (`paths` and their batch `names` below the folder `root`, as
    `report.batch_names` gives them)."""
    paths = [os.path.abspath(p) for p in paths]
    metadata: dict[str, dict[str, str]] = {}
    out = []
    for path, name in zip(paths, names):
        learner = roster.learner(path) if roster else None
        if learner is None:
            learner = _from_gradescope(path, metadata)
        if learner is None:
            learner = _from_folder(root, name)
        out.append(learner)
    return out


def _from_gradescope(path: str, cache: dict) -> str | None:
    """The submitters of the `submission_<id>` folder holding `path` in a Gradescope export, if any."""
    folder = Path(path).parent
    while folder != folder.parent:
        if _GRADESCOPE_FOLDER.fullmatch(folder.name) and (folder.parent / GRADESCOPE_METADATA).is_file():
            export = str(folder.parent)
            if export not in cache:
                cache[export] = gradescope_submitters(folder.parent / GRADESCOPE_METADATA)
            return cache[export].get(folder.name) or clean(folder.name)
        folder = folder.parent
    return None


def gradescope_submitters(metadata: Path) -> dict[str, str]:
    """Submission folder -> learner id, from a Gradescope export's submission_metadata.yml
    ({} when it cannot be read, or PyYAML is not installed: the folders' names are the ids then)."""
    try:
        import yaml
    except ImportError:
        return {}
    try:
        fd = os.open(metadata, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            raw = f.read(MAX_FILE + 1)
        if len(raw) > MAX_FILE:
            return {}
        data = yaml.safe_load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    out = {}
    for folder, record in data.items():
        submitters = record.get(":submitters") if isinstance(record, dict) else None
        if not isinstance(submitters, list):
            continue
        ids = []
        for person in submitters[:20]:
            if isinstance(person, dict):
                for key in (":sid", ":email", ":name"):
                    value = person.get(key)
                    if value not in (None, ""):
                        ids.append(str(value).strip())
                        break
        if ids:
            out[str(folder)] = clean("+".join(ids))
    return out


def _from_folder(root: str, name: str) -> str:
    """The first folder of a batch name (a GitHub Classroom clone's username), "" for a file at the top."""
    parts = Path(name).parts
    if len(parts) < 2:
        return ""
    first = parts[0]
    base = os.path.basename(root)
    if base.endswith(_CLASSROOM_ROOT):
        prefix = base[: -len(_CLASSROOM_ROOT)] + "-"
        if first.startswith(prefix) and len(first) > len(prefix):
            first = first[len(prefix):]
    return clean(first)
