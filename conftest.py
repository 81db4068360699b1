"""Collection rules for `make test`: the project's tests and the solution notebooks (nbval)."""

collect_ignore_glob = ["tests/submissions/*", "notebooks/*", "_build/*", ".venv/*", "bench/*"]
