"""Execute the solution notebooks and store only the outputs the tests compare.

Cells tagged `nbval-check-output` keep their outputs (nbval re-runs them and
compares); every other cell is stored without outputs, so the
repository holds no plots or widget state, and diffs stay readable.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHECK_TAG = "nbval-check-output"


def refresh(path: Path, timeout: int = 300) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if CHECK_TAG not in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return seconds


def main(paths: list[str]) -> int:
    from .release import solution_paths
    targets = [Path(p) for p in paths] or solution_paths()
    for p in targets:
        seconds = refresh(p)
        print(f"{p.name}: executed in {seconds:.1f} s, checked outputs stored", file=sys.stdout)
    return 0
