"""Build Gradescope's autograder zip: `python -m autograder gradescope --chapter N --seed-file F -o autograder.zip`.

The zip is what Gradescope unpacks into /autograder/source; at its top:

    setup.sh            run once, as root with network, when Gradescope builds the image: Python 3.11, the
                        course's dependencies at the versions of constraints.txt, bubblewrap if it can
    run_autograder      run for each submission: `python -m autograder.gradescope_run`, and a fallback
                        results.json of its own when that fails or is killed
    autograder.json     the grading options (`Config`: chapter, isolation, visibility, time limits)
    seed.txt            the secret seed (setup.sh and run_autograder make it readable by root only)
    weights.toml        the course file of check weights, when given
    requirements.txt    the course's dependencies (pyproject.toml's), pinned by
    constraints.txt     this tree's exact versions
    course/autograder/  the course package, copied from this tree as source

The package travels as source, not as a wheel: nothing needs building offline, the zip grades with exactly
this tree's code, and the package stays out of site-packages, which the isolated sandbox mounts (as in a
development checkout, where the editable install is not visible there either), so a submission cannot
import the grader. The zip is deterministic (sorted entries, fixed dates) and holds the seed: it is
written readable by its owner only.
"""
from __future__ import annotations

import json
import os
import stat
import tomllib
import zipfile
from dataclasses import asdict, dataclass, fields
from importlib import metadata
from pathlib import Path

from . import exercises
from .report import Visibility

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates" / "gradescope"
DISTRIBUTION = "keras-losses-metrics-course"

# names inside the zip (and so in /autograder/source)
SETUP, RUN = "setup.sh", "run_autograder"
CONFIG, SEED, WEIGHTS = "autograder.json", "seed.txt", "weights.toml"
REQUIREMENTS, CONSTRAINTS = "requirements.txt", "constraints.txt"
COURSE = "course"

_EPOCH = (1980, 1, 1, 0, 0, 0)        # every entry's date: the same inputs give the same zip


class BuildError(Exception):
    """The zip cannot be built (the message says why)."""


@dataclass(frozen=True)
class Config:
    """The grading options the zip carries (autograder.json): everything but the seed."""
    chapter: str
    isolation: str = "auto"                     # auto | require | off, as `grade --isolation`
    public_visibility: str = "visible"
    hidden_visibility: str = "after_published"
    call_seconds: int = 20
    cell_seconds: int = 30
    submission_seconds: int = 240
    weights: bool = False                       # whether weights.toml is in the zip

    def __post_init__(self):
        exercises.chapter(self.chapter)         # KeyError for an unknown chapter
        if self.isolation not in ("auto", "require", "off"):
            raise ValueError(f"isolation {self.isolation!r}: one of auto, require, off")
        Visibility(self.public_visibility, self.hidden_visibility)     # ValueError for an unknown one
        if min(self.call_seconds, self.cell_seconds, self.submission_seconds) <= 0:
            raise ValueError("time limits are positive numbers of seconds")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Config":
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def requirements(tree: Path) -> list[str]:
    """The course's own dependencies (pyproject.toml's, markers kept), else the installed distribution's."""
    pyproject = tree / "pyproject.toml"
    if pyproject.is_file():
        return list(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"])
    return [r for r in metadata.requires(DISTRIBUTION) or [] if "extra ==" not in r]


def _package_files(package: Path):
    """(path in the zip, file) for every file of the package but compiled ones, sorted."""
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            yield f"{COURSE}/{package.name}/{path.relative_to(package).as_posix()}", path


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int):
    info = zipfile.ZipInfo(name, _EPOCH)
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build(out: Path, config: Config, seed_text: str, weights_file: Path | None = None,
          tree: Path = PACKAGE.parent) -> Path:
    """Write the zip to `out` (mode 0600: it holds the seed) and return its path."""
    if not seed_text.strip():
        raise BuildError("the seed is empty")
    constraints = tree / CONSTRAINTS
    if not constraints.is_file():
        raise BuildError(f"no {CONSTRAINTS} in {tree}: build the zip from the course's source tree")
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w") as archive:
            _add(archive, SETUP, (TEMPLATES / SETUP).read_bytes(), 0o755)
            _add(archive, RUN, (TEMPLATES / RUN).read_bytes(), 0o755)
            _add(archive, CONFIG, config.to_json().encode(), 0o644)
            _add(archive, SEED, seed_text.encode("utf-8"), 0o600)
            if config.weights:
                if weights_file is None:
                    raise BuildError("the config names a weights file, and none was given")
                _add(archive, WEIGHTS, Path(weights_file).read_bytes(), 0o644)
            _add(archive, REQUIREMENTS, ("\n".join(requirements(tree)) + "\n").encode(), 0o644)
            _add(archive, CONSTRAINTS, constraints.read_bytes(), 0o644)
            for name, path in _package_files(PACKAGE):
                _add(archive, name, path.read_bytes(), 0o644)
        os.chmod(tmp, 0o600)              # an existing file keeps its mode through O_TRUNC
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
