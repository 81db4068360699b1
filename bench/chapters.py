"""`make bench`: run every solution notebook top to bottom and print a table.

Each chapter runs in a fresh kernel started from a fresh process, so its peak
memory (the kernel's maximum resident set) is its own. Budget: 60 s and 3 GB.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS, LIMIT_MB = 60, 3000


def run_one(path: str) -> None:
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    rows, ok = [], True
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        proc = subprocess.run([sys.executable, __file__, "--one", str(path)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            rows.append((path.stem, float("nan"), float("nan"), "FAILED"))
            ok = False
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        within = result["seconds"] <= LIMIT_SECONDS and result["peak_mb"] <= LIMIT_MB
        ok &= within
        rows.append((path.stem, result["seconds"], result["peak_mb"], "ok" if within else "OVER BUDGET"))
    print(f"{'chapter':<36} {'seconds':>8} {'peak MB':>8}  budget ({LIMIT_SECONDS} s, {LIMIT_MB} MB)")
    for stem, seconds, mb, verdict in rows:
        print(f"{stem:<36} {seconds:>8.1f} {mb:>8.0f}  {verdict}")
    print(f"{'total':<36} {sum(r[1] for r in rows):>8.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        run_one(sys.argv[2])
    else:
        sys.exit(main())
