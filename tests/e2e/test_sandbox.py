"""The sandbox (autograder/sandbox.py, server.py, isolation.py): fork safety, isolation and limits.

The zygote imports Keras and TensorFlow once, runs nothing, and forks one child
per submission. These tests show that forking is safe: a child computes exactly
what a fresh Python process computes (training history, gradients, values),
children in sequence and in parallel agree, and a child that crashes, hangs or
vandalises its modules leaves the next child untouched. They also check the
limits each child runs under and, where the machine allows isolation (Linux,
root, bubblewrap, cgroups), the boundary around it: its own processes only,
no network, no grader code, no seed, nothing left behind.
"""
import base64
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from autograder import isolation, wire
from autograder.sandbox import SandboxError, Zygote, runs_as_sandbox_user

MODE = isolation.detect()
ISOLATED = MODE.isolated
needs_isolation = pytest.mark.skipif(not ISOLATED, reason=f"submissions cannot be isolated here: {MODE.reason}")
only_without_isolation = pytest.mark.skipif(ISOLATED, reason="what happens without isolation")

ROOT = Path(__file__).resolve().parents[2]

SOURCE = '''
import numpy as np
import keras
from keras import ops


def mse(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    delta = ops.cast(delta, y_pred.dtype)
    error = ops.abs(y_pred - y_true)
    small = ops.minimum(error, delta)
    return ops.mean(0.5 * small ** 2 + delta * (error - small), axis=-1)


def log_cosh(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    e = y_pred - y_true
    return ops.mean(e + ops.softplus(-2.0 * e) - ops.cast(np.log(2.0), e.dtype), axis=-1)
'''


def _probes():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(48, 3)).astype(np.float32)
    y = (x @ rng.normal(size=(3, 2)) + 0.3 * rng.normal(size=(48, 2))).astype(np.float32)
    kernel = (0.1 * rng.normal(size=(3, 2))).astype(np.float32)
    y_true = rng.normal(size=(5, 3)).astype(np.float32)
    y_pred = (y_true + rng.normal(scale=2.0, size=(5, 3))).astype(np.float32)
    return [
        ("fit", "mse", dict(x=x, y=y, kernel=kernel, bias=np.zeros(2, np.float32), epochs=4)),
        ("fit", "huber", dict(x=x, y=y, kernel=kernel, bias=np.zeros(2, np.float32), kwargs={"delta": 0.5})),
        ("graph", "huber", dict(y_true=y_true, y_pred=y_pred, kwargs={"delta": 0.5})),
        ("graph", "log_cosh", dict(y_true=y_true.astype(np.float64), y_pred=y_pred.astype(np.float64))),
        ("call", "mse", dict(args=[y_true, y_pred], tensors=True)),
    ]


PROBES = _probes()

FRESH_PROCESS = r'''
import base64, os, sys
os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
os.environ["MPLBACKEND"] = "Agg"
from autograder import probes, wire
request = wire.loads(base64.b64decode(sys.stdin.read()))
namespace = {"__name__": "__main__"}
exec(compile(request["source"], "<submission cell 1>", "exec"), namespace)
answers = [probes.run(op, namespace, name, params) for op, name, params in request["probes"]]
sys.stdout.write(base64.b64encode(wire.dumps(answers)[4:]).decode())
'''


def answers_in_a_fresh_process(source, probes):
    request = base64.b64encode(wire.dumps({"source": source, "probes": probes})[4:]).decode()
    proc = subprocess.run([sys.executable, "-c", FRESH_PROCESS], input=request, capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return wire.loads(base64.b64decode(proc.stdout))


def loaded_child(zygote, source=SOURCE, cell_seconds=30):
    child = zygote.spawn()
    loaded, hung = child.load([(1, source)], {}, cell_seconds, 120)
    assert loaded is not None and hung is None, hung
    return child, loaded


def ask(child, op, name, params, seconds=60):
    reply = child.request({"op": "probe", "probe": op, "name": name, "params": params,
                           "seconds": seconds}, timeout=seconds + 10)
    assert reply["ok"], reply
    return reply["value"]


def answers_in_a_child(zygote, source=SOURCE, probes=PROBES):
    child, _ = loaded_child(zygote, source)
    try:
        return [ask(child, op, name, params) for op, name, params in probes]
    finally:
        child.kill()


def assert_identical(a, b):
    """The same structure with bit-for-bit equal arrays."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_identical(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_identical(x, y)
    else:
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(a, b)


def process_is_gone(pid, within=5.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    z.wait_ready()
    yield z
    z.close()


@pytest.fixture(scope="module")
def fresh_answers():
    return answers_in_a_fresh_process(SOURCE, PROBES)


@pytest.fixture(scope="module")
def first_child_answers(zygote):
    return answers_in_a_child(zygote)


# --------------------------------------------------------------------------- fork safety

def test_training_in_a_forked_child_equals_training_in_a_fresh_process(first_child_answers, fresh_answers):
    for i, (op, name, _) in enumerate(PROBES):
        if op == "fit":
            assert_identical(first_child_answers[i], fresh_answers[i])
            assert np.all(np.diff(first_child_answers[i]["loss"]) < 0), f"{name} did not train"


def test_gradients_in_a_forked_child_equal_those_of_a_fresh_process(first_child_answers, fresh_answers):
    for i, (op, _, _) in enumerate(PROBES):
        if op == "graph":
            assert_identical(first_child_answers[i], fresh_answers[i])
            assert np.isfinite(first_child_answers[i]["grad"]).all()


def test_eager_values_in_a_forked_child_equal_those_of_a_fresh_process(first_child_answers, fresh_answers):
    assert_identical(first_child_answers[-1], fresh_answers[-1])


def test_children_forked_one_after_another_give_identical_answers(zygote, first_child_answers):
    for _ in range(2):
        assert_identical(answers_in_a_child(zygote), first_child_answers)


def test_two_children_running_at_once_give_identical_answers(zygote, first_child_answers):
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: answers_in_a_child(zygote), range(2)))
    for answers in results:
        assert_identical(answers, first_child_answers)


def test_a_child_that_crashes_does_not_affect_the_next(zygote, first_child_answers):
    crasher, _ = loaded_child(zygote, SOURCE + "\nimport ctypes\n\ndef crash(*args):\n    ctypes.string_at(0)\n")
    with pytest.raises(SandboxError, match="process ended"):
        crasher.request({"op": "probe", "probe": "call", "name": "crash", "params": {"args": []},
                         "seconds": 10}, timeout=20)
    assert process_is_gone(crasher.pid)
    assert_identical(answers_in_a_child(zygote), first_child_answers)


def test_a_child_that_exits_while_loading_reports_the_cell_and_the_next_is_fine(zygote, first_child_answers):
    child = zygote.spawn()
    loaded, hung = child.load([(1, SOURCE), (2, "import os\nos._exit(3)")], {}, 10, 30)
    assert loaded is None and hung == ("died", 2)
    assert_identical(answers_in_a_child(zygote), first_child_answers)


def test_a_hung_child_is_killed_and_the_next_one_answers(zygote, first_child_answers):
    stubborn = ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n\n"
                "def hang(*args):\n    while True:\n        pass\n")
    child, _ = loaded_child(zygote, SOURCE + stubborn)
    with pytest.raises(SandboxError) as info:
        child.request({"op": "probe", "probe": "call", "name": "hang", "params": {"args": []},
                       "seconds": 1}, timeout=3)
    assert info.value.timeout
    assert process_is_gone(child.pid)
    assert_identical(answers_in_a_child(zygote), first_child_answers)


def test_changes_a_child_makes_to_numpy_and_keras_stay_in_that_child(zygote, first_child_answers):
    vandal = SOURCE + (
        "\nimport builtins\n"
        "np.allclose = lambda *a, **k: True\n"
        "keras.ops.mean = lambda x, axis=None, keepdims=False: ops.zeros(())\n"
        "builtins.abs = lambda x: 0\n")
    child, _ = loaded_child(zygote, vandal)
    value = ask(child, "call", "mse", dict(args=[np.ones((2, 3)), np.zeros((2, 3))]))
    child.kill()
    assert np.all(value == 0)                     # the vandal broke its own mse...
    assert_identical(answers_in_a_child(zygote), first_child_answers)   # ...and nobody else's


# --------------------------------------------------------------------------- limits and isolation

FACTS = SOURCE + '''
import os, resource, signal


def facts(*args):
    try:
        input()
        stdin_empty = 0
    except EOFError:
        stdin_empty = 1
    processes = sum(entry.isdigit() for entry in os.listdir("/proc"))
    return np.array([os.geteuid(), os.getpid(), os.getppid(), processes, stdin_empty, len(os.listdir(".")),
                     resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0],
                     resource.getrlimit(resource.RLIMIT_FSIZE)[0]], dtype=np.int64)
'''


@pytest.fixture(scope="module")
def facts(zygote):
    child, loaded = loaded_child(zygote, FACTS + "\nprint('x' * 300_000)\n")
    try:
        values = ask(child, "call", "facts", dict(args=[]))
        cwd = os.readlink(f"/proc/{child.pid}/cwd")
        oom_score_adj = int(Path(f"/proc/{child.pid}/oom_score_adj").read_text())
    finally:
        child.kill()
    keys = ["euid", "pid", "ppid", "processes", "stdin_empty", "files_in_cwd", "as", "cpu", "fsize"]
    return dict(zip(keys, values.tolist()), cwd=cwd, loaded=loaded, outside_pid=child.pid,
                oom_score_adj=oom_score_adj)


@needs_isolation
def test_a_child_sees_no_process_but_its_own(facts):
    assert facts["pid"] == 1 and facts["ppid"] == 0 and facts["processes"] == 1
    assert facts["outside_pid"] != 1            # the grader knows its real process id


@needs_isolation
def test_a_child_runs_as_a_user_id_that_owns_nothing_else(facts):
    assert facts["euid"] in isolation.uid_range(os.getpid())


@only_without_isolation
def test_without_isolation_a_child_runs_as_a_user_of_its_own_whenever_the_grader_can_arrange_it(facts):
    if MODE.user == isolation.OWN:       # a root grader, and a Python that other users can read
        assert facts["euid"] in isolation.uid_range(os.getpid())
    elif MODE.user == isolation.NOBODY:  # --isolation off, as root
        assert facts["euid"] == 65534
    else:                                # otherwise the child is the grader's user (a known limit)
        assert facts["euid"] == os.geteuid() and not runs_as_sandbox_user()


def test_a_child_has_memory_cpu_and_file_size_limits(facts):
    from autograder import sandbox
    assert 0 < facts["as"] < 64 * 1024 ** 3
    assert facts["cpu"] == sandbox.CPU_SECONDS
    assert facts["fsize"] == sandbox.FILE_BYTES


def test_when_memory_runs_out_the_kernel_ends_a_submission_before_the_grader(facts):
    assert facts["oom_score_adj"] == 1000


def test_a_child_starts_in_an_empty_folder_of_its_own_with_empty_stdin(facts):
    assert facts["files_in_cwd"] == 0 and facts["stdin_empty"] == 1
    assert Path(facts["cwd"]).name.startswith("child-")


def test_printed_output_is_captured_and_capped(facts):
    assert 0 < len(facts["loaded"]["output"]) <= 4000
    assert set(facts["loaded"]["output"]) <= {"x", "\n"}


def test_the_names_a_child_reports_are_the_submissions_own(facts):
    assert sorted(facts["loaded"]["names"]) == ["facts", "huber", "log_cosh", "mse"]


def test_a_memory_bomb_raises_memory_error_inside_the_child(zygote):
    child, loaded = loaded_child(zygote, "import numpy as np\nhoard = []\nwhile True:\n"
                                         "    hoard.append(np.empty(2 ** 28))\n")
    child.kill()
    assert len(loaded["errors"]) == 1 and loaded["errors"][0].startswith("cell 1: MemoryError")


# --------------------------------------------------------------------------- the zygote itself

@pytest.fixture
def own_zygote(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")     # NumPy's BLAS pool is the only other thread
    z = Zygote()
    z.wait_ready()
    yield z
    z.close()


def test_the_zygote_has_started_no_thread_when_it_forks(own_zygote):
    threads = os.listdir(f"/proc/{own_zygote.python_pid()}/task")
    assert len(threads) == 1, "TensorFlow (or something) started a thread before the fork"


DAEMON = ("import os, time\n\ndef start(*args):\n    r, w = os.pipe()\n    if os.fork() == 0:\n"
          "        os.setsid()\n        if os.fork() == 0:\n"
          "            os.write(w, str(os.getpid()).encode().ljust(16))\n            time.sleep(600)\n"
          "        os._exit(0)\n    return int(os.read(r, 16))\n")


@only_without_isolation
def test_without_isolation_closing_the_zygote_ends_left_behind_processes_and_removes_the_folders(own_zygote):
    child, _ = loaded_child(own_zygote, "import numpy as np\n" + DAEMON)
    pid = int(ask(child, "call", "start", dict(args=[])))
    workdir = Path(os.readlink(f"/proc/{child.pid}/cwd"))
    child.kill()
    if not MODE.cgroups:                       # with a cgroup it dies with its child (test_isolation_modes.py)
        assert not process_is_gone(pid, within=0.5), "the daemon should outlive its child"
    own_zygote.close()
    assert process_is_gone(pid)
    assert not workdir.exists() and not workdir.parent.exists()


@only_without_isolation
def test_without_isolation_a_left_behind_process_is_ended_before_the_next_child_starts(zygote):
    child, _ = loaded_child(zygote, "import numpy as np\n" + DAEMON)
    pid = int(ask(child, "call", "start", dict(args=[])))
    child.kill()
    zygote.spawn().kill()
    assert process_is_gone(pid)


# --------------------------------------------------------------------------- the isolation boundary

def run_in_a_child(zygote, body, *args):
    """Define `def f(*args): <body>` in a fresh child, call it, kill the child; f's answer."""
    source = "import numpy as np\n\ndef f(*args):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    child, _ = loaded_child(zygote, source)
    try:
        return ask(child, "call", "f", dict(args=list(args)))
    finally:
        child.kill()


@needs_isolation
def test_a_daemon_dies_with_the_child_that_started_it(zygote):
    child, _ = loaded_child(zygote, "import numpy as np\n" + DAEMON)
    ask(child, "call", "start", dict(args=[]))
    group = child.cgroup
    outside = zygote.cgroups.pids(group)
    assert len(outside) >= 2                   # the child and its daemon (and a zombie), in its cgroup
    child.kill()
    assert all(process_is_gone(pid) for pid in outside)
    assert not (zygote.cgroups.folders["pids"] / group).exists()


@needs_isolation
def test_a_child_has_no_network_not_even_loopback(zygote):
    code = run_in_a_child(zygote, "import socket\nserver = socket.socket()\nserver.bind(('127.0.0.1', 0))\n"
                                  "server.listen(1)\ntry:\n    socket.create_connection(server.getsockname(), 2)\n"
                                  "    return 0\nexcept OSError as exc:\n    return exc.errno")
    assert code != 0


@needs_isolation
def test_a_child_cannot_import_or_read_the_grader_code(zygote):
    found = run_in_a_child(zygote, "import importlib, os\nok = 0\n"
                                   "for name in ('autograder', 'autograder.references', 'autograder.checks'):\n"
                                   "    try:\n        importlib.import_module(name)\n        ok += 1\n"
                                   "    except ImportError:\n        pass\n"
                                   f"return [ok, int(os.path.exists({str(ROOT / 'autograder')!r}))]")
    assert found.tolist() == [0, 0]


@needs_isolation
def test_a_child_cannot_write_outside_its_own_tmp(zygote):
    targets = ["/opt/autograder-server/agserve/probes.py", str(ROOT / ".venv" / "pwned"), "/etc/pwned",
               "/pwned", "/cg/pwned"]
    failures = run_in_a_child(zygote, f"fails = 0\nfor path in {targets!r}:\n    try:\n"
                                      "        open(path, 'a').close()\n    except OSError:\n        fails += 1\n"
                                      "return fails")
    assert int(failures) == len(targets)


@needs_isolation
def test_files_a_child_writes_do_not_outlive_it(zygote):
    wrote = run_in_a_child(zygote, "for path in ('/tmp/left-behind', '/dev/shm/left-behind', 'left-behind'):\n"
                                   "    open(path, 'w').write('x')\nreturn 1")
    assert int(wrote) == 1
    seen = run_in_a_child(zygote, "import os\nreturn [int(os.path.exists(p)) for p in "
                                  "('/tmp/left-behind', '/dev/shm/left-behind')]")
    assert seen.tolist() == [0, 0]
    assert not Path("/tmp/left-behind").exists() and not Path("/dev/shm/left-behind").exists()


def test_the_seed_is_not_in_a_childs_environment(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SEED", "env-seed-that-must-stay-outside")
    z = Zygote()
    try:
        z.wait_ready()
        found = run_in_a_child(z, "import os\nreturn [int('AUTOGRADER_SEED' in os.environ), "
                                  "int(any('env-seed-that' in v for v in os.environ.values()))]")
    finally:
        z.close()
    assert found.tolist() == [0, 0]


@needs_isolation
def test_a_dead_zygote_is_replaced_and_the_next_child_answers(own_zygote, first_child_answers):
    os.kill(own_zygote.python_pid(), 9)
    assert_identical(answers_in_a_child(own_zygote), first_child_answers)
    assert own_zygote.restarts == 1


@needs_isolation
def test_closing_the_zygote_leaves_no_cgroup_and_no_process(own_zygote):
    child, _ = loaded_child(own_zygote, "import numpy as np\n" + DAEMON)
    ask(child, "call", "start", dict(args=[]))
    folders = list(own_zygote.cgroups.folders.values())
    python = own_zygote.python_pid()
    own_zygote.close()
    assert not any(folder.exists() for folder in folders)
    assert process_is_gone(python)


# --------------------------------------------------------------------------- per-submission limits (issue 20)

NAMESPACE_TRY = '''import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
refused = 0
for flag in (0x10000000, 0x02000000, 0x10000000 | 0x20000):     # a user, a cgroup, a user + mount namespace
    if libc.unshare(flag) != 0:
        refused += 1
pid = os.fork()                                                   # forking and threads still work
if pid == 0:
    os._exit(7)
_, status = os.waitpid(pid, 0)
import threading
seen = []
thread = threading.Thread(target=lambda: seen.append(1))
thread.start()
thread.join()
return refused * 100 + os.waitstatus_to_exitcode(status) * 10 + len(seen)'''


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the namespace filter is installed on x86_64 only")
def test_a_child_cannot_create_user_or_cgroup_namespaces_but_can_fork_and_start_threads(zygote):
    assert run_in_a_child(zygote, NAMESPACE_TRY) == 3 * 100 + 7 * 10 + 1


def test_a_process_of_a_submission_holds_at_most_open_files_descriptors(zygote):
    from autograder import sandbox
    opened = run_in_a_child(zygote, "import os, resource\n"
                                    "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
                                    "try:\n    resource.setrlimit(resource.RLIMIT_NOFILE, (hard * 4, hard * 4))\n"
                                    "except (ValueError, OSError):\n    pass\n"
                                    "fds = []\ntry:\n    for _ in range(5000):\n        fds.append(os.open('/dev/null', os.O_RDONLY))\n"
                                    "except OSError:\n    pass\nreturn len(fds)")
    assert 0 < opened <= sandbox.OPEN_FILES

