"""The targets that answer probes (`checks.Target`): the learner's code and the answer key.

* `InProcess`: a namespace in this process (a learner's kernel, or the answer key
  in a learner's self-check);
* `SandboxTarget`: a submission's code in a sandbox child, restarted after a hang
  or a crash, within its `Limits`;
* `Withheld`: any target as hidden checks see it (no error text kept);
* `CachedReference` / `RemoteReference`: the answer key for a batch, in this
  process or in a trusted child of the zygote (then the grader never imports
  TensorFlow); `answer_key(zygote)` picks one.
"""
from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass

from . import exercises, probes, references, wire
from .probes import FatalProbeError, ProbeError
from .sandbox import SandboxError, Zygote
from .verdict import neutral


@dataclass(frozen=True)
class Limits:
    """Time limits of one submission, in seconds."""
    call: int = 20              # one probe
    cell: int = 30              # one top-level cell
    submission: int = 240       # everything for one submission: a wall, kept by the grader's clock

    def call_for(self, name: str) -> int:
        """Seconds one call of `name` may take: `call`, or the exercise's own allowance when it declares a
        larger one (its answer trains a model: the capstone's took up to 23 s on a loaded 2-core machine)."""
        declared = next((ex.call_seconds for ex in exercises.EXERCISES if ex.name == name), 0)
        return max(self.call, declared)


CALL_GRACE = 2                  # seconds a call may overrun its limit before the grader ends its process


class InProcess:
    """A namespace in this process: the learner's kernel, or the answer key."""

    runs_elsewhere = False
    broken = None

    def __init__(self, namespace, tripwires=None):
        self.namespace = namespace
        self.tripwires = tripwires

    def names(self):
        return [k for k, v in self.namespace.items() if not k.startswith("_") and callable(v)]

    def probe(self, op, name, **params):
        if self.tripwires is not None:
            self.tripwires.active = name
        try:
            return probes.run(op, self.namespace, name, params)
        finally:
            if self.tripwires is not None:
                self.tripwires.active = None

    def shortcut_hits(self, name):
        return sorted(self.tripwires.hits.get(name, ())) if self.tripwires else []


_CHILD_TEXT = re.compile(r"(unreadable answer) \(.*", re.S)


def withheld_fatal(text: str) -> str:
    """A fatal error's text as a hidden check may show it: the grader's sentence, without what the sandbox
    child sent (an unreadable answer's details are the child's bytes)."""
    return neutral(_CHILD_TEXT.sub(r"\1", str(text)), 200)


class Withheld:
    """The target as hidden checks see it: an error's text comes from the submission, which could carry
    hidden inputs back, so only the grader's own advice about it (one of `probes.HINTS`, chosen here from
    the error's text) and the grader's fatal sentences are kept."""

    def __init__(self, target: Target):
        self.target = target
        self.runs_elsewhere = target.runs_elsewhere

    def probe(self, op, name, **params):
        try:
            return self.target.probe(op, name, **params)
        except FatalProbeError as exc:
            raise FatalProbeError(withheld_fatal(exc)) from None
        except probes.ProbeError as exc:
            advice = exc.advice if exc.advice is not None else probes.advice_for(str(exc))
            raise probes.ProbeError("", advice=advice if advice in probes.HINTS else "") from None


class SandboxTarget:
    """A submission's code in a sandbox child, restarted after a hang or a crash."""

    runs_elsewhere = True      # checks may compute the reference while the child works (checks.Target)

    def __init__(self, zygote: Zygote, submission, names, limits: Limits = Limits()):
        self.zygote = zygote
        self.limits = limits
        self.cells = submission.cells_for(names)
        self.forbidden = {n: list(exercises.exercise(n).forbidden) for n in names}
        self.deadline = time.monotonic() + limits.submission
        self.skip: set[int] = set()
        self.cell_errors: list[str] = []
        self.output = ""
        self.child = None
        self.names_seen: list[str] = []
        self.broken: str | None = None
        self.load_seconds = 0.0            # running the submission's cells (for `make bench-grade`)
        self.loads = 0
        self.hidden = False                # set once hidden inputs may have reached the submission
        self.peak_memory = 0               # bytes, all its processes together (isolated only)

    def enter_hidden(self):
        """From now on nothing the submission says (printed output, errors, names) is kept: it may
        hold hidden inputs."""
        self.hidden = True

    def _remaining(self):
        return self.deadline - time.monotonic()

    def _ensure(self):
        if self.child is not None:
            return
        if self.broken:
            raise FatalProbeError(self.broken)
        while True:
            if self._remaining() <= 1:
                self.broken = f"the submission's time limit ({self.limits.submission} s) was reached"
                raise FatalProbeError(self.broken)
            try:
                child = self.zygote.spawn()
            except SandboxError as exc:
                self.broken = f"the submission's process could not start ({exc})"
                raise FatalProbeError(self.broken) from None
            cells = [(c.index, c.source) for c in self.cells if c.index not in self.skip]
            started = time.perf_counter()
            loaded, hung = child.load(cells, self.forbidden, self.limits.cell, self._remaining())
            self.load_seconds += time.perf_counter() - started
            if loaded is not None:
                self.child = child
                self.loads += 1
                if not self.hidden:
                    self.names_seen = [str(n) for n in loaded.get("names", [])][:500]
                    errors = [str(e)[:500] for e in loaded.get("errors", [])][:50]
                    self.cell_errors = sorted(set(self.cell_errors) | set(errors), key=self._cell_order)
                if self.loads == 1:
                    self.output = str(loaded.get("output", ""))[:4000]
                return
            died = isinstance(hung, tuple)
            index = hung[1] if died else hung
            if index is None or index in self.skip:
                self.broken = "the submission's process could not start" if died else \
                              "the submission's code did not finish loading"
                raise FatalProbeError(self.broken)
            self.skip.add(index)
            self.cell_errors.append(f"cell {index}: " + ("ended the process (os._exit, a crash or the memory limit); "
                                                          "skipped" if died else
                                                          f"still running after {self.limits.cell} s; skipped"))

    @staticmethod
    def _cell_order(text):
        try:
            return int(text.split(":")[0].split()[1])
        except (IndexError, ValueError):
            return 0

    def names(self):
        try:
            self._ensure()
        except FatalProbeError:
            return []
        return self.names_seen

    def _out_of_time(self):
        """Past the submission's budget: end its process; nothing more is asked or credited."""
        self.broken = self.broken or f"the submission's time limit ({self.limits.submission} s) was reached"
        self.close()
        raise FatalProbeError(self.broken)

    def probe(self, op, name, **params):
        if self._remaining() <= 0:
            self._out_of_time()
        self._ensure()
        # The child's own alarm stops a slow call politely; the wall is this socket's timeout, kept here
        # (the submission can replace its signal handlers, never this process's clock).
        seconds = min(self.limits.call_for(name), max(1, int(self._remaining())))
        wall = min(seconds + CALL_GRACE, self._remaining())
        if wall <= 0:
            self._out_of_time()
        try:
            reply = self.child.request({"op": "probe", "probe": op, "name": name, "params": params,
                                        "seconds": seconds}, timeout=wall)
        except SandboxError as exc:
            self._forget_child()
            if self._remaining() <= 0:
                self._out_of_time()
            raise FatalProbeError(f"{name} {'did not answer: ' if exc.timeout else ''}{exc}") from None
        if self._remaining() <= 0:          # an answer that came after the budget is not credited
            self._out_of_time()
        if not isinstance(reply, dict):
            raise ProbeError("the submission's process sent an unexpected answer")
        if reply.get("ok"):
            return probes.check_answer_form(op, reply.get("value"))
        if reply.get("timeout"):
            self.child.kill()
            self._forget_child()
            raise FatalProbeError(f"{name} was stopped after {seconds} s (an endless loop?)")
        raise ProbeError(str(reply.get("error", "failed"))[:1500])

    def shortcut_hits(self, name):
        if self.child is None or self._remaining() <= 0:
            return []
        try:
            reply = self.child.request({"op": "hits", "name": name}, timeout=min(10, self._remaining()))
        except SandboxError:
            self._forget_child()
            return []
        hits = reply.get("hits", []) if isinstance(reply, dict) else []
        known = set(exercises.exercise(name).forbidden)
        return sorted(known.intersection(h for h in hits if isinstance(h, str)))    # the registry's names, once each

    def _forget_child(self):
        if self.child is not None:
            self.peak_memory = max(self.peak_memory, self.child.peak_memory)
        self.child = None

    def close(self):
        if self.child is not None:
            self.child.kill()
            self._forget_child()


class CachedReference(InProcess):
    """The Keras answer key, computed once per distinct question across a whole batch."""

    def __init__(self, namespace):
        super().__init__(namespace)
        self.cache, self.lock = {}, threading.Lock()

    def probe(self, op, name, **params):
        key = (op, name, hashlib.sha256(wire.dumps(params)).hexdigest())
        with self.lock:
            if key not in self.cache:
                self.cache[key] = super().probe(op, name, **params)
            return self.cache[key]

    def close(self):
        pass


class RemoteReference:
    """The Keras answer key in a trusted process forked from the zygote (isolated mode only: there
    no submission can see or reach it), so that the grader never imports TensorFlow. Each distinct
    question is computed once per batch."""

    runs_elsewhere = False

    def __init__(self, zygote: Zygote):
        self.zygote = zygote
        self.child = None
        self.cache, self.lock = {}, threading.Lock()

    def _ensure(self):
        if self.child is None:
            source = references.answer_key_source() + "\nglobals().update(NAMESPACE)\n"
            child = self.zygote.spawn(trusted=True)
            loaded, _ = child.load([(1, source)], {}, 300, 300)
            if loaded is None or loaded.get("errors"):
                child.kill()
                raise FatalProbeError(f"the answer key could not be loaded: {loaded and loaded.get('errors')}")
            self.child = child

    def probe(self, op, name, **params):
        key = (op, name, hashlib.sha256(wire.dumps(params)).hexdigest())
        with self.lock:
            if key not in self.cache:
                self._ensure()
                try:
                    reply = self.child.request({"op": "probe", "probe": op, "name": name, "params": params,
                                                "seconds": 300}, timeout=310)
                except SandboxError as exc:
                    self.child = None
                    raise FatalProbeError(f"the answer key's process failed ({exc})") from None
                if not reply.get("ok"):
                    raise ProbeError(str(reply.get("error")))
                self.cache[key] = probes.check_answer_form(op, reply["value"])
            return self.cache[key]

    def close(self):
        with self.lock:
            if self.child is not None:
                self.child.kill()
                self.child = None


def answer_key(zygote: Zygote):
    """The reference target for a batch: in a trusted child of the zygote when isolated, else here."""
    if zygote.isolated:
        return RemoteReference(zygote)
    return CachedReference(references.namespace())
