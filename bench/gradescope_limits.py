"""How the Gradescope zip fares under Gradescope's container limits: prints a table.

For each memory / CPU limit and each case (by default: the full-marks submissions of chapters 05 and 09,
tests/submissions/reference/chNN.py; chapter 02's hostile/memory_bomb.py, which allocates without end; and
"05:ballast", the full-marks ch05 file also holding 300 MB of NumPy array, as a big dataset would), builds
the chapter's zip, unpacks it into a simulated Gradescope tree (ROOT/source, ROOT/submission), and
runs ROOT/source/run_autograder inside a cgroup v1 group of its own with memory.limit_in_bytes and
cpu.cfs_quota_us / cpu.cfs_period_us set (Gradescope's default is 768 MB and 0.5 CPU), then records the
wall time, the group's peak memory (memory.max_usage_in_bytes: page cache included) and the peak of its
processes' own memory (total_rss of memory.stat, sampled every 0.1 s), how often the limit was hit
(memory.failcnt) or the OOM killer ran, and the score (or that run_autograder's fallback was written).

Needs root and cgroup v1's memory and cpu controllers (/sys/fs/cgroup/memory, /sys/fs/cgroup/cpu). The
grader runs with AUTOGRADER_ISOLATION=off by default: isolated, each submission's processes move into cgroups
of their own at the hierarchy's root and would escape this group's accounting (on Gradescope the
container's limit covers them all); `--isolated` lets it isolate anyway. setup.sh is not run: the
interpreter is this one's (`$AUTOGRADER_PYTHON`).

    python bench/gradescope_limits.py [--cases 05:reference/ch05.py ...] [--limits 768M/0.5 1536M/1 ...] [--isolated]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder import exercises, gradescope  # noqa: E402

CGROUPS = Path("/sys/fs/cgroup")
PYTHON = str(Path(os.path.realpath(sys.prefix)) / "bin" / Path(sys.executable).name)
DEFAULT_LIMITS = ["768M/0.5", "1024M/1", "1536M/1"]
DEFAULT_CASES = ["05:reference/ch05.py", "09:reference/ch09.py", "02:hostile/memory_bomb.py", "05:ballast"]
BALLAST_MB = 300          # "05:ballast": the full-marks ch05 file holding this many MB of its own (a big dataset, say)


def _bytes(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def _tree(chapter: str, submission: str, seed: Path) -> Path:
    """A simulated Gradescope ROOT with the chapter's zip unpacked (modes kept) and the submission
    (a path below tests/submissions)."""
    root = Path(tempfile.mkdtemp(prefix="gradescope-bench-", dir="/tmp"))
    root.chmod(0o755)
    archive_path = gradescope.build(root / "autograder.zip", gradescope.Config(chapter), seed.read_text())
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            path = Path(archive.extract(info, root / "source"))
            path.chmod(stat.S_IMODE(info.external_attr >> 16))
    archive_path.unlink()
    (root / "submission").mkdir()
    if submission == "ballast":
        code = (REPO / "tests" / "submissions" / "reference" / "ch05.py").read_text()
        code += f"\n\nballast = np.ones({BALLAST_MB} * 2 ** 20 // 8)   # {BALLAST_MB} MB, touched\n"
        (root / "submission" / "ch05_ballast.py").write_text(code)
    else:
        source = REPO / "tests" / "submissions" / submission
        shutil.copyfile(source, root / "submission" / source.name)
    return root


class Group:
    """A cgroup v1 memory + cpu group with the given limits, removed (its processes killed) on close."""

    def __init__(self, name: str, memory: int, cpus: float):
        self.folders = {c: CGROUPS / c / name for c in ("memory", "cpu")}
        for folder in self.folders.values():
            folder.mkdir()
        (self.folders["memory"] / "memory.limit_in_bytes").write_text(str(memory))
        swap = self.folders["memory"] / "memory.memsw.limit_in_bytes"
        if swap.exists():
            swap.write_text(str(memory))
        (self.folders["cpu"] / "cpu.cfs_period_us").write_text("100000")
        (self.folders["cpu"] / "cpu.cfs_quota_us").write_text(str(int(cpus * 100000)))

    def enter(self):                       # in the child, before exec
        for folder in self.folders.values():
            (folder / "cgroup.procs").write_text(str(os.getpid()))

    def read(self, name: str) -> str:
        return (self.folders["memory"] / name).read_text()

    def rss(self) -> int:
        for line in self.read("memory.stat").splitlines():
            if line.startswith("total_rss "):
                return int(line.split()[1])
        return 0

    def oom_kills(self) -> int:
        for line in self.read("memory.oom_control").splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
        return -1

    def close(self):
        for _ in range(100):
            pids = {int(p) for f in self.folders.values() for p in (f / "cgroup.procs").read_text().split()}
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)
        for folder in self.folders.values():
            folder.rmdir()


def measure(chapter: str, submission: str, memory: int, cpus: float, seed: Path, isolated: bool) -> dict:
    root = _tree(chapter, submission, seed)
    group = Group(f"gradescope-bench-{os.getpid()}-{chapter}-{memory}-{int(cpus * 100)}", memory, cpus)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": PYTHON}
    if not isolated:
        env["AUTOGRADER_ISOLATION"] = "off"
    peak_rss, done = [0], threading.Event()

    def sample():
        while not done.wait(0.1):
            try:
                peak_rss[0] = max(peak_rss[0], group.rss())
            except OSError:
                pass

    sampler = threading.Thread(target=sample, daemon=True)
    try:
        sampler.start()
        start = time.perf_counter()
        proc = subprocess.run([str(root / "source" / "run_autograder")], env=env, preexec_fn=group.enter,
                              capture_output=True, text=True, timeout=1800)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        results = json.loads((root / "results" / "results.json").read_text())
        full = sum(ex.points for ex in exercises.exercises_for(chapter))
        graded = [t for t in results["tests"] if t.get("extra_data", {}).get("grader") != "isolation"]
        return {"wall": wall, "peak": int(group.read("memory.max_usage_in_bytes")), "rss": peak_rss[0],
                "failcnt": int(group.read("memory.failcnt")), "oom": group.oom_kills(),
                "score": results["score"], "full": full, "fallback": not graded,
                "passed": sum(t["status"] == "passed" for t in graded), "checks": len(graded),
                "log": proc.stdout[-2000:]}
    finally:
        done.set()
        group.close()
        shutil.rmtree(root, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=DEFAULT_CASES,
                        help="CHAPTER:SUBMISSION, the submission a path below tests/submissions")
    parser.add_argument("--limits", nargs="+", default=DEFAULT_LIMITS, help="MEMORY/CPUS, e.g. 768M/0.5")
    parser.add_argument("--isolated", action="store_true", help="let the grader isolate (see the docstring)")
    parser.add_argument("--verbose", action="store_true", help="print each run's log tail")
    args = parser.parse_args(argv)
    if os.geteuid() != 0 or not (CGROUPS / "memory" / "cgroup.procs").exists() \
            or not (CGROUPS / "cpu" / "cpu.cfs_quota_us").exists():
        print("needs root and cgroup v1's memory and cpu controllers under /sys/fs/cgroup", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        seed = Path(folder) / "seed.txt"
        seed.write_text("a bench seed")
        print(f"{'case':<26}{'memory':>8}{'CPUs':>6}{'wall s':>8}{'peak MB':>9}{'RSS MB':>8}{'limit hit':>10}"
              f"{'OOM kills':>10}  result")
        for limit in args.limits:
            memory_text, cpus_text = limit.split("/")
            memory, cpus = _bytes(memory_text), float(cpus_text)
            for case in args.cases:
                chapter, submission = case.split(":", 1)
                m = measure(chapter, submission, memory, cpus, seed, args.isolated)
                if m["fallback"]:
                    result = "FAILED: fallback results.json"
                else:
                    verdict = "full marks" if m["score"] == m["full"] else "NOT full marks"
                    result = f"{verdict} ({m['score']:g}/{m['full']}, {m['passed']}/{m['checks']} checks)"
                label = f"{chapter} {Path(submission).name}" if submission != "ballast" else \
                    f"05 ch05.py + {BALLAST_MB} MB"
                print(f"{label:<26}{memory // (1 << 20):>7}M{cpus:>6.2g}{m['wall']:>8.1f}{m['peak'] / (1 << 20):>9.0f}"
                      f"{m['rss'] / (1 << 20):>8.0f}{m['failcnt']:>10}{m['oom']:>10}  {result}", flush=True)
                if args.verbose:
                    print(m["log"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
