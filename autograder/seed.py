"""The secret seed of the hidden checks: where the grader reads it, and the number it becomes.

Any text is a seed: it is hashed (SHA-256) into the integer the checks use, so
a word, a passphrase or a number all work and none is echoed back. Grading
without one is an error, never a silent default that anyone could read here.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

ENV = "AUTOGRADER_SEED"
HOW = ("set the secret seed of the hidden checks with --seed-file FILE (a file only you can read), "
       f"${ENV} (kept off the process list), or --seed TEXT (visible to other users in the process list)")


class SeedError(Exception):
    """No usable seed (the message says how to give one)."""


def from_text(text: str) -> int:
    """The checks' integer seed for a seed text (surrounding whitespace ignored)."""
    digest = hashlib.sha256(b"autograder hidden checks\0" + text.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def resolve(seed: str | None = None, seed_file: str | None = None, environ=os.environ) -> int:
    """The integer seed from --seed, --seed-file or $AUTOGRADER_SEED, which is then removed from
    `environ` so that nothing this process starts inherits it."""
    from_env = environ.pop(ENV, None)
    if seed is not None:
        text, where = seed, "--seed"
    elif seed_file is not None:
        try:
            text, where = Path(seed_file).read_text(encoding="utf-8"), f"the seed file {seed_file}"
        except (OSError, UnicodeDecodeError) as exc:
            raise SeedError(f"cannot read the seed file {seed_file} ({type(exc).__name__}); {HOW}") from None
    elif from_env is not None:
        text, where = from_env, f"${ENV}"
    else:
        raise SeedError(f"no seed given: {HOW}")
    if not text.strip():
        raise SeedError(f"the seed in {where} is empty: {HOW}")
    return from_text(text)
