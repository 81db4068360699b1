"""The pytest route with nothing of the learner's workspace in the grading process.

    python -I -m autograder pytest FILE... --chapter 02 [--seed-file SEED] [--junitxml OUT.xml]

`pytest --submission FILE` run inside a learner's repository imports the repository's
`conftest.py`, reads its `pytest.ini` / `tox.ini` / `setup.cfg` / `pyproject.toml`
(`addopts`, `pythonpath`, `-p` plugins), honours `$PYTEST_ADDOPTS` and `$PYTEST_PLUGINS`,
and, started as `python -m pytest`, imports modules from the current folder: the learner's
code would run in the process that holds the seed and decides the grades. This command
instead copies each submission (regular files only) into a private temporary folder and
runs pytest there in a fresh interpreter: `python -I` (no current folder or $PYTHON* on
sys.path), that folder as cwd and rootdir, an empty ini given with `--config-file`,
`--noconftest`, no cache, plugin auto-loading off and `autograder.pytest_plugin` the only
plugin, every $PYTEST_* variable removed. This process reads the seed and hands it over
through a pipe, so it is never in a file of the workspace, an environment or a command
line. The JUnit report is written in the temporary folder and copied to --junitxml
without following a symbolic link there.

Start this command itself with `python -I`: without it Python imports modules from the
current folder (the learner's workspace) before this code can look; it refuses to run
when the current folder is on sys.path.
"""
from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from .seed import ENV, HOW, SeedError
from .submission import UnreadableSubmission, read_bytes
from .verdict import neutral

PLUGIN = "autograder.pytest_plugin"
MAX_SEED_BYTES = 4096          # a passphrase; at most PIPE_BUF, so it fits the pipe in one write


class NotCopied(Exception):
    """A submission that is not a regular file of at most submission.MAX_BYTES (the message says which)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", nargs="+", metavar="FILE", help="a learner's .ipynb or .py")
    parser.add_argument("--chapter", required=True, help="grade as this chapter (the instructor decides)")
    parser.add_argument("--seed-file", default=None,
                        help=f"read the hidden checks' seed from this file (or set ${ENV}); "
                             "keep it outside the learner's workspace")
    parser.add_argument("--junitxml", default=None, metavar="OUT.xml", help="write a JUnit report here")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -I -m autograder pytest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args) -> int:
    if current_folder_on_path():
        print("pytest: start the grader as `python -I -m autograder pytest ...`: without -I, Python "
              "imports modules from the current folder (a learner's workspace) before the grader's own",
              file=sys.stderr)
        return 2
    try:
        seed = seed_text(args.seed_file, os.environ)
    except SeedError as exc:
        print(f"pytest: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="autograder-pytest-") as tmp:
        folder = Path(tmp)
        copies = []
        for n, given in enumerate(args.submissions):
            src = Path(given)
            dest = folder / "submissions" / str(n) / (src.name if src.name not in ("", "..") else "unnamed")
            dest.parent.mkdir(parents=True)
            try:
                copy_submission(src, dest)
            except NotCopied as exc:   # the plugin then reports it as one failing item
                print(f"pytest: {neutral(src.name, 120)} is not graded: {exc}", file=sys.stderr)
            copies.append(dest)
        code = run_pytest(folder, copies, args.chapter, seed)
        report = folder / "junit.xml"
        if args.junitxml and report.is_file():
            try:
                write_no_follow(Path(args.junitxml), report.read_bytes())
            except OSError as exc:
                print(f"pytest: cannot write the JUnit report to {args.junitxml} ({exc.strerror or exc})",
                      file=sys.stderr)
                return max(code, 1)
    return code


def current_folder_on_path() -> bool:
    """Whether `import x` could find x in the current folder (`python -m` without -I or -P)."""
    cwd = Path.cwd().resolve()
    return any(Path(entry or ".").resolve() == cwd for entry in sys.path)


def seed_text(seed_file: str | None, environ) -> str | None:
    """The seed's text from --seed-file or $AUTOGRADER_SEED (removed from `environ` either way),
    None when neither is given: public checks only."""
    from_env = environ.pop(ENV, None)
    if seed_file is not None:
        where = f"the seed file {seed_file}"
        try:
            with open(seed_file, "rb") as f:
                raw = f.read(MAX_SEED_BYTES + 1)
        except OSError as exc:
            raise SeedError(f"cannot read {where} ({type(exc).__name__}); {HOW}") from None
    elif from_env is not None:
        where, raw = f"${ENV}", os.fsencode(from_env)
    else:
        return None
    if len(raw) > MAX_SEED_BYTES:
        raise SeedError(f"the seed in {where} is longer than {MAX_SEED_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SeedError(f"the seed in {where} is not UTF-8 text") from None
    if not text.strip():
        raise SeedError(f"the seed in {where} is empty: {HOW}")
    return text


def copy_submission(src: Path, dest: Path) -> None:
    """Copy `src` to `dest` if `submission.read_bytes` accepts it (a regular file within the size cap)."""
    try:
        dest.write_bytes(read_bytes(src))
    except UnreadableSubmission as exc:
        raise NotCopied(str(exc)) from None


def run_pytest(folder: Path, submissions: list[Path], chapter: str, seed: str | None) -> int:
    """pytest with only the grader's plugin, in `folder`; the seed (if any) on a pipe."""
    ini = folder / "pytest.ini"
    ini.write_text("[pytest]\n")
    cwd = folder / "run"
    cwd.mkdir()
    argv = [sys.executable, "-I", "-m", "pytest", f"--config-file={ini}", f"--rootdir={cwd}", "--noconftest",
            "-p", "no:cacheprovider", "-p", PLUGIN, f"--chapter={chapter}", f"--junitxml={folder / 'junit.xml'}",
            "-rf", *(f"--submission={path}" for path in submissions)]
    fds = ()
    if seed is not None:
        fd = seed_pipe(seed)
        fds = (fd,)
        argv.append(f"--seed-file=/dev/fd/{fd}")
    try:
        proc = subprocess.run(argv, cwd=cwd, env=environment(os.environ), stdin=subprocess.DEVNULL, pass_fds=fds)
    finally:
        for fd in fds:
            os.close(fd)
    return proc.returncode if proc.returncode >= 0 else 3     # killed by a signal: pytest's "internal error"


def seed_pipe(text: str) -> int:
    """The read end of a pipe that holds `text` and then ends (its write end is closed)."""
    data = text.encode("utf-8")
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, data)   # at most PIPE_BUF bytes: written whole, without blocking
    finally:
        os.close(write_end)
    return read_end


def environment(environ) -> dict[str, str]:
    """The grading pytest's environment: no $PYTEST_* (addopts, plugins) but auto-loading off, no seed."""
    env = {k: v for k, v in environ.items() if not k.startswith("PYTEST_") and k != ENV}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return env


def write_no_follow(path: Path, data: bytes) -> None:
    """Write `data` to `path`, refusing (OSError) when `path` is a symbolic link or not a regular file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    with os.fdopen(fd, "wb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{neutral(path.name, 120)} is not a regular file")
        f.truncate(0)
        f.write(data)


if __name__ == "__main__":
    sys.exit(main())
