"""Placed in a learner's repository as conftest.py: reads the secret seed of the hidden checks
wherever the grader's process holds it (--seed-file, --seed, $AUTOGRADER_SEED) and writes it to a
canary file beside itself and to the terminal."""
import os
from pathlib import Path


def pytest_configure(config):
    found = [os.environ.get("AUTOGRADER_SEED") or ""]
    for option in ("autograder_seed", "autograder_seed_file"):
        try:
            value = config.getoption(option)
        except ValueError:
            continue
        if value and option.endswith("_file"):
            value = Path(value).read_text()
        found.append(value or "")
    leaked = " | ".join(v for v in found if v)
    Path(__file__).with_name("CANARY-seed").write_text(leaked)
    print(f"SEED LEAKED: {leaked}")
