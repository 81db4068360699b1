"""Checks for chapter 09's `diagnose`: naming the pattern of a training history.

`diagnose(history, noise_floor)` reads `history["loss"]` and `history["val_loss"]` from a dict
like `History.history` (other keys are ignored), and the lowest validation loss an honest model
can reach (the noise floor, which the chapter measures), and returns one of five strings, given
by the first of five rules that fires, in this order (L, V the two losses as float arrays of
length n >= 3, t = max(1, n // 3) the epochs of the last third):

1. "learning_rate_too_high": a value of L or V is not finite; or max(L[1:]) > L[0]; or
   L[i+1] > 1.1 * L[i] in at least (n - 1) / 3 of the steps;
2. "leakage_suspected": mean(V[-t:]) < 0.5 * noise_floor (far below what honest inputs allow);
3. "overfitting": (argmin(V) < n - t and V[-1] > 1.2 * min(V)) or V[-1] > 2 * L[-1];
4. "underfitting": L[-1] > 0.8 * L[0];
5. "healthy" otherwise.

The thresholds are written once, as THRESHOLDS in the answer key (autograder/answer_key/
diagnosis.py), which this module reads from that file's text (it never imports the answer key).

Each pattern has one generator, parameterised by the rng (length, loss scale, noise and
shape), with kinds (`KINDS`) that each exercise one clause of its rule (a nan, a spike above the
start, an oscillation; a climbing validation loss, a large gap; ...), kinds that sit close to a
threshold of another rule without reaching it ("near_gap": a healthy run whose final gap is
1.55-1.72), and two kinds that also satisfy a later rule, so that checking the rules in another
order is caught. A generator keeps a history only when it is clear: moving any threshold by its
margin (`MARGINS`) changes none of the clauses that decide the answer. So a correct solution is
never borderline, while a wrong threshold or a missing clause fails the cases built next to it.

The keys, one property each (hidden twins draw their histories from the same generators):

* "values": one clearly typical history of each pattern (`typical_cases`: clear under the wide
  margins, only its own rule fires), so that only a solution that gets a rule wholly wrong
  fails it;
* one key per pattern ("healthy", "underfitting", "overfitting", "learning_rate_too_high",
  "leakage_suspected"): the histories of that pattern (public: plus this chapter's own runs,
  `CHAPTER_RUNS`), given as lists; the answer is read leniently (case, spaces, a string inside
  a one-item list), so that a confusion of patterns costs the key of the pattern it is about.
  The leakage key also holds the histories that tell the noise floor from the training loss
  (`CHECK_OF`): honest runs with heavy dropout, whose val_loss is far below the training loss
  but not below the floor ("healthy"), and leaked runs without dropout, whose val_loss is far
  below the floor but not below the training loss. Every other key's histories are read the
  same way by the old rule "val_loss below half the training loss" (`old_rule_agrees`), so that
  judging leakage against the training loss costs the leakage key alone;
* "inputs": extra keys, tuples, NumPy arrays, scales from 1e-3 to 1e6 and n = 3, on histories
  clear even under much wider margins (`WIDE_MARGINS`) where only their own rule fires, so that
  a solution with one wrong threshold, one missing clause or the rules in another order still
  reads them right;
* "strings": the answer is exactly one of the five strings (a str, spelled as given), on one
  widely clear history of each pattern; only the answer's form is judged there (a wrong pattern
  spelled right passes), so that a wrong rule never costs this key.

Every key but "values" is about one property that a solution right in all else can miss.

Messages name the kind of history and the confusion ("looks like the overfitting rule was
tested before the leakage_suspected rule"); public ones also show the history and say, with its
numbers, which rule decides.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

import numpy as np

from . import PASSED, Check, Context, Outcome, Problem, failed_call, first_failure, guarded
from ..probes import FatalProbeError, ProbeError
from ..references import FOLDER

PATTERNS = ("healthy", "underfitting", "overfitting", "learning_rate_too_high", "leakage_suspected")
ORDER = ("learning_rate_too_high", "leakage_suspected", "overfitting", "underfitting")   # rules 1-4
RULE_NUMBER = {name: i for i, name in enumerate(ORDER, 1)}


# =========================================================================== the thresholds, from the answer key

def _constant(node):
    """A literal, in which a number may also be written as a fraction such as 1 / 3."""
    if isinstance(node, ast.Dict):
        return {_constant(k): _constant(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return _constant(node.left) / _constant(node.right)
    return ast.literal_eval(node)


def answer_key_constant(name: str, module: str = "diagnosis"):
    """The value of `name = <literal>` in autograder/answer_key/<module>.py, read from its text."""
    source = (FOLDER / f"{module}.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return _constant(node.value)
    raise LookupError(f"no {name} in autograder/answer_key/{module}.py")


# rise, rise_share, start (rule 1), leak (rule 2, times the noise floor), climb, gap (rule 3), underfit (rule 4),
# tail (t = n // tail)
THRESHOLDS = answer_key_constant("THRESHOLDS")

# Each threshold moved down and up by its margin. A clear history fires the same clauses under
# all of them, so a correct solution is never borderline on it.
MARGINS = [dict(rise=1.05), dict(rise=1.15), dict(rise_share=0.3), dict(rise_share=0.37),
           dict(start=0.97), dict(start=1.03), dict(leak=0.45), dict(leak=0.55),
           dict(climb=1.12), dict(climb=1.28), dict(gap=1.8), dict(gap=2.2),
           dict(underfit=0.72), dict(underfit=0.88), dict(tail_shift=-1), dict(tail_shift=1)]

# Much wider moves, for the inputs and strings checks' histories: a solution with one wrong threshold
# in this range, or one missing clause, still reads them right, so that it loses only the check
# of the pattern its mistake is about.
WIDE_MARGINS = [dict(rise=1.03), dict(rise=1.3), dict(rise_share=0.2), dict(rise_share=0.5),
                dict(start=0.97), dict(start=1.5), dict(leak=0.3), dict(leak=0.7),
                dict(climb=1.0), dict(climb=1.5), dict(gap=1.5), dict(gap=3.0),
                dict(underfit=0.5), dict(underfit=0.95), dict(tail_shift=-2), dict(tail_shift=2)]

# The clauses of each rule: rule 1 fires when any of its clauses does, and so on.
CLAUSES = {"learning_rate_too_high": ("nonfinite", "start", "rises"), "leakage_suspected": ("leak",),
           "overfitting": ("climb", "gap"), "underfitting": ("underfit",)}


def _clause_text(th=THRESHOLDS) -> dict:
    return {"nonfinite": "a value of L or V is not finite",
            "start": "max(L[1:]) > " + ("L[0]" if th["start"] == 1 else f"{th['start']:g} * L[0]"),
            "rises": f"L[i+1] > {th['rise']:g} * L[i] in at least {th['rise_share']:.3g} of the n - 1 steps",
            "leak": f"mean(V[-t:]) < {th['leak']:g} * noise_floor",
            "climb": f"argmin(V) < n - t and V[-1] > {th['climb']:g} * min(V)",
            "gap": f"V[-1] > {th['gap']:g} * L[-1]",
            "underfit": f"L[-1] > {th['underfit']:g} * L[0]"}


CLAUSE_TEXT = _clause_text()


def _arrays(history):
    return (np.asarray(history["loss"], dtype=np.float64).reshape(-1),
            np.asarray(history["val_loss"], dtype=np.float64).reshape(-1))


def clauses(history, floor, **moved) -> set[str]:
    """The clauses that hold on `history` with noise floor `floor`, each tested on its own, with
    thresholds `moved`."""
    th = {**THRESHOLDS, "tail_shift": 0, **moved}
    L, V = _arrays(history)
    n = len(L)
    t = min(n - 1, max(1, n // th["tail"] + th["tail_shift"]))
    if not (np.isfinite(L).all() and np.isfinite(V).all()):
        return {"nonfinite"}
    tests = {
        "start": L[1:].max() > th["start"] * L[0],
        "rises": int(np.sum(L[1:] > th["rise"] * L[:-1])) >= th["rise_share"] * (n - 1),
        "leak": V[-t:].mean() < th["leak"] * float(floor),
        "climb": int(np.argmin(V)) < n - t and V[-1] > th["climb"] * V.min(),
        "gap": V[-1] > th["gap"] * L[-1],
        "underfit": L[-1] > th["underfit"] * L[0],
    }
    return {name for name, holds in tests.items() if holds}


def fired(history, floor, **moved) -> set[str]:
    """The rules that fire on `history`, each tested on its own."""
    held = clauses(history, floor, **moved)
    return {rule for rule, names in CLAUSES.items() if held & set(names)}


def classify(history, floor, **moved) -> str:
    rules = fired(history, floor, **moved)
    return next((name for name in ORDER if name in rules), "healthy")


def watched(answer, also=()) -> set[str]:
    """The clauses that decide `answer`: those of its rule and of every rule before it, and of `also`."""
    rules = ORDER if answer == "healthy" else ORDER[:RULE_NUMBER[answer]]
    return {c for rule in (*rules, *also) for c in CLAUSES[rule]}


def is_clear(history, floor, also=(), margins=None) -> bool:
    """The clauses that decide the answer (and those of the rules in `also`) hold or fail the same way
    with every threshold moved by its margin."""
    answer = classify(history, floor)
    watch = watched(answer, also)
    held = clauses(history, floor) & watch
    if not set(also) <= fired(history, floor):
        return False
    return all(clauses(history, floor, **moved) & watch == held for moved in (margins or MARGINS))


OLD_LEAK = 0.5     # the old rule: "leakage" when mean(V[-t:]) < 0.5 * mean(L[-t:]) (a dropout artifact)


def old_leak(history, ratio=OLD_LEAK) -> bool:
    """Whether the validation loss is below `ratio` times the training loss over the last third."""
    L, V = _arrays(history)
    t = max(1, len(L) // THRESHOLDS["tail"])
    if not (np.isfinite(L).all() and np.isfinite(V).all()):
        return False
    return bool(V[-t:].mean() < ratio * L[-t:].mean())


def old_rule_agrees(history, floor) -> bool:
    """The old rule (validation loss against the training loss) names this history as the rules do,
    clearly (the ratio moved by 10% either way changes nothing): such a history costs a solution that
    judges leakage by the training loss nothing."""
    leak = "leak" in clauses(history, floor)
    return all(old_leak(history, r) == leak for r in (0.9 * OLD_LEAK, OLD_LEAK, 1.1 * OLD_LEAK))


# =========================================================================== the generators

@dataclass
class Case:
    pattern: str            # the expected answer
    kind: str               # which clause or threshold it exercises, e.g. "climb", "near_gap"
    what: str               # how it looks, for messages
    history: dict
    floor: float            # the noise floor passed with the history
    also: tuple = field(default_factory=tuple)   # later rules that fire too (the order decides)
    tip: str = ""           # for a wrong answer on a public check: the likely slip


# For each pattern, its kinds and the decisive clauses each must fire (and no others).
KINDS = {
    "healthy": {"typical": set(), "near_leak": set(), "near_gap": set(), "near_climb": set(),
                "near_underfit": set(), "near_start": set(), "dropout": set()},
    "underfitting": {"flat": {"underfit"}, "near": {"underfit"}},
    "overfitting": {"climb": {"climb", "gap"}, "gap": {"gap"}, "near_climb": {"climb"},
                    "near_gap": {"gap"}, "climb_underfit": {"climb", "underfit"}},
    "learning_rate_too_high": {"nan": {"nonfinite"}, "inf": {"nonfinite"}, "explode": None,
                               "spike": {"start"}, "near_spike": {"start"},
                               "oscillate": {"rises"}, "near_oscillate": {"rises"}},
    "leakage_suspected": {"plain": {"leak"}, "no_dropout": {"leak"}, "near": {"leak"},
                          "wobble": {"leak", "climb"}},
}
ALSO = {"climb_underfit": ("underfitting",), "wobble": ("overfitting",)}
# The check a kind belongs to when it is not its pattern's: an honest run with heavy dropout (val_loss
# far below the training loss, not below the noise floor) tests the leakage rule, not the healthy one.
CHECK_OF = {("healthy", "dropout"): "leakage_suspected"}
# Kinds on which the old rule (val_loss against the training loss) must read otherwise than the rules.
OLD_RULE_FAILS = {("healthy", "dropout"), ("leakage_suspected", "no_dropout")}


def check_of(pattern, kind) -> str:
    return CHECK_OF.get((pattern, kind), pattern)
COUNTS = {"underfitting": {"flat": 3, "near": 1}}       # the other kinds appear once per check


def _decay(n, floor, k):
    return floor + (1 - floor) * np.exp(-k * np.arange(n) / (n - 1))


def _jitter(rng, n, level):
    return 1 + rng.uniform(-level, level, size=n)


def _scale(rng, scale):
    return float(10 ** rng.uniform(-1, 1)) if scale is None else float(scale)


def _u_shape(rng, n, start, bottom, rise):
    """Falls geometrically from `start` to `bottom` at epoch m, then climbs to rise * bottom."""
    m = max(1, int(round(rng.uniform(0.15, 0.45) * (n - 1))))
    down = start * (bottom / start) ** (np.arange(m + 1) / m)
    up = bottom * (1 + (rise - 1) * (np.arange(1, n - m) / (n - 1 - m)) ** rng.uniform(0.7, 1.5))
    return np.concatenate([down, up])


def _history(L, V):
    return {"loss": [float(v) for v in L], "val_loss": [float(v) for v in V]}


def _honest_floor(rng, V):
    """A noise floor an honest run does not beat: a little below its lowest validation loss."""
    V = np.asarray(V, dtype=np.float64)
    return float(V[np.isfinite(V)].min() * rng.uniform(0.75, 0.95))


def _tail_mean(V):
    V = np.asarray(V, dtype=np.float64)
    return float(V[-max(1, len(V) // THRESHOLDS["tail"]):].mean())


def _healthy(rng, kind, scale):
    n, s = int(rng.integers(8, 61)), _scale(rng, scale)
    floor, k, ratio, bump = rng.uniform(0.15, 0.45), rng.uniform(3, 7), rng.uniform(0.75, 1.35), \
        rng.uniform(1.1, 1.4)
    what = "both losses fall and level off together"
    if kind == "near_leak":
        what = "val_loss levels off somewhat below the noise floor"
    elif kind == "dropout":
        ratio, what = rng.uniform(0.2, 0.4), "val_loss far below the training loss, as with heavy dropout"
    elif kind == "near_gap":
        ratio, what = rng.uniform(1.55, 1.72), "val_loss levels off somewhat above the training loss"
    elif kind == "near_underfit":
        bump, k = rng.uniform(1.1, 1.2), rng.uniform(3, 7)
        target = rng.uniform(0.6, 0.68)                  # loss[-1] / loss[0]
        floor = (target * bump - np.exp(-k)) / (1 - np.exp(-k))
        what = "the training loss falls by about a third"
    elif kind == "near_start":
        bump, floor, k = rng.uniform(1.03, 1.06), rng.uniform(0.2, 0.45), rng.uniform(1, 2)
        what = "the training loss starts its fall slowly"
    base = _decay(n, floor, k)
    L = s * base * _jitter(rng, n, 0.005 if kind == "near_start" else 0.01)
    L[0] *= bump                                          # the first epoch averages an untrained model
    if kind == "near_climb":
        n_l = len(L)
        V = s * _u_shape(rng, n_l, rng.uniform(0.9, 1.2), floor * rng.uniform(0.9, 1.15), rng.uniform(1.04, 1.08))
        V *= _jitter(rng, n_l, 0.003)
        what = "val_loss bottoms out early and creeps up a little"
    else:
        V = s * ratio * base * _jitter(rng, n, 0.01)
    floor = _tail_mean(V) / rng.uniform(0.57, 0.65) if kind == "near_leak" else _honest_floor(rng, V)
    return Case("healthy", kind, f"{what} ({n} epochs)", _history(L, V), floor)


def _flat_loss(rng, n, s, drop_to):
    """A training loss that starts at s * bump and ends near s * drop_to."""
    base = 1 - (1 - drop_to) * (1 - np.exp(-3 * np.arange(n) / (n - 1))) / (1 - np.exp(-3))
    L = s * base * _jitter(rng, n, 0.004)
    L[0] = s * rng.uniform(1.04, 1.07)
    return L, base


def _underfitting(rng, kind, scale):
    n, s = int(rng.integers(8, 61)), _scale(rng, scale)
    bump_ratio = rng.uniform(0.97, 1.0) if kind == "flat" else rng.uniform(0.95, 0.975)
    L, base = _flat_loss(rng, n, s, bump_ratio)
    if kind == "near":                                   # loss[-1] / loss[0] just above the margin
        L[0] = L[-1] / rng.uniform(0.89, 0.91)
    V = s * rng.uniform(0.85, 1.15) * base * _jitter(rng, n, 0.004)
    return Case("underfitting", kind, f"both losses stay flat and high ({n} epochs)", _history(L, V),
                _honest_floor(rng, V))


def _overfitting(rng, kind, scale):
    n, s = int(rng.integers(12, 61)), _scale(rng, scale)
    if kind == "climb_underfit":                         # training barely improves, validation climbs
        L, _ = _flat_loss(rng, n, s, rng.uniform(0.97, 1.0))
        V = s * _u_shape(rng, n, rng.uniform(0.95, 1.05), rng.uniform(0.75, 0.9), rng.uniform(1.5, 1.6))
        V *= _jitter(rng, n, 0.005)
        return Case("overfitting", kind, f"the training loss barely falls while val_loss climbs ({n} epochs)",
                    _history(L, V), _honest_floor(rng, V), also=ALSO[kind])
    floor = rng.uniform(0.3, 0.45) if kind == "near_climb" else rng.uniform(0.005, 0.1)
    k = rng.uniform(4, 8)
    L = s * _decay(n, floor, k) * _jitter(rng, n, 0.01)
    L[0] *= rng.uniform(1.1, 1.4)
    end = floor + (1 - floor) * np.exp(-k)              # where the training loss ends
    if kind in ("climb", "near_climb"):
        if kind == "climb":
            V = s * _u_shape(rng, n, rng.uniform(0.9, 1.3), rng.uniform(0.25, 0.6), rng.uniform(1.5, 3.0))
        else:
            V = s * _u_shape(rng, n, rng.uniform(0.9, 1.1), end * rng.uniform(0.9, 1.1), rng.uniform(1.33, 1.45))
        what = f"val_loss bottoms out early, then climbs ({n} epochs)"
    else:                                                # validation levels off far above training
        gap = rng.uniform(3, 8) if kind == "gap" else rng.uniform(2.3, 2.6)
        v_end = gap * end
        v0 = max(rng.uniform(0.8, 1.2), 2 * v_end)
        fall = np.exp(-rng.uniform(4, 7) * np.arange(n) / (n - 1))
        V = s * (v_end + (v0 - v_end) * (fall - fall[-1]) / (1 - fall[-1]))     # ends exactly at v_end
        what = f"val_loss levels off far above the training loss ({n} epochs)"
    V *= _jitter(rng, n, 0.005)
    return Case("overfitting", kind, what, _history(L, V), _honest_floor(rng, V))


def _learning_rate(rng, kind, scale):
    n, s = int(rng.integers(9, 41)), _scale(rng, scale)
    base = _decay(n, rng.uniform(0.2, 0.5), rng.uniform(3, 6))
    L = s * base * _jitter(rng, n, 0.01)
    L[0] *= rng.uniform(1.1, 1.4)
    V = s * rng.uniform(0.9, 1.2) * base * _jitter(rng, n, 0.01)
    t = max(1, n // 3)
    if kind == "nan":                                    # one huge step, then nan for good
        bad = int(rng.integers(max(2, n // 3), n))
        L[bad - 1] = L[0] * 10 ** rng.uniform(1, 4)
        V[bad - 1] = V[0] * 10 ** rng.uniform(1, 4)
        L[bad:], V[bad:] = np.nan, np.nan
        what = f"the losses jump and become nan at epoch {bad + 1} of {n}"
    elif kind == "inf":                                  # only val_loss overflows, at the end
        V[-1] = np.inf
        what = f"val_loss is inf at the last epoch ({n} epochs)"
    elif kind == "explode":
        m = int(rng.integers(n // 2, n - 2))
        L[m:] = L[m - 1] * np.cumprod(rng.uniform(1.6, 3.0, size=n - m))
        V[m:] = V[m - 1] * np.cumprod(rng.uniform(1.6, 3.0, size=n - m))
        L[-1] = max(L[-1], 2.5 * L[0])
        what = f"the loss grows from epoch {m + 1} and ends above where it started ({n} epochs)"
    elif kind in ("spike", "near_spike"):
        m = int(rng.integers(1, n - t - 1))
        L[m] = L[0] * (rng.uniform(1.5, 5) if kind == "spike" else rng.uniform(1.06, 1.2))
        V[m] *= rng.uniform(1.05, 1.5)
        what = f"the training loss jumps above its first value at epoch {m + 1}, then recovers ({n} epochs)"
    else:                                                # oscillations, never above the start
        a, b = rng.uniform(0.2, 0.35), rng.uniform(0.1, 0.3)
        sign = (-1.0) ** np.arange(n)
        if kind == "near_oscillate":                     # only the later epochs bounce: about 40% of steps
            calm = n - 1 - int(np.ceil(rng.uniform(0.78, 0.88) * (n - 1)))
            sign[:calm] = 0.0
        L = s * base * (1 + a * sign) * _jitter(rng, n, 0.005)
        L[0] = max(L[0], L[1:].max()) * rng.uniform(1.1, 1.3)
        V = s * rng.uniform(0.9, 1.2) * base * (1 - b * sign) * _jitter(rng, n, 0.005)
        what = f"the training loss goes up and down from epoch to epoch ({n} epochs)"
    return Case("learning_rate_too_high", kind, what, _history(L, V), _honest_floor(rng, V))


def _leakage(rng, kind, scale):
    n, s = int(rng.integers(12, 61)), _scale(rng, scale)
    floor = rng.uniform(0.1, 0.4)
    base = _decay(n, floor, rng.uniform(3, 7))
    L = s * base * _jitter(rng, n, 0.015)
    L[0] *= rng.uniform(1.1, 1.4)
    if kind == "wobble":                                 # tiny val_loss that also climbs a little
        bottom = floor * rng.uniform(0.05, 0.12)
        V = s * _u_shape(rng, n, rng.uniform(0.2, 0.4), bottom, rng.uniform(1.5, 2.2))
        V *= _jitter(rng, n, 0.01)
        return Case("leakage_suspected", kind, f"val_loss far below the noise floor, and climbing ({n} epochs)",
                    _history(L, V), _tail_mean(V) / rng.uniform(0.05, 0.3), also=ALSO[kind])
    if kind == "no_dropout":                             # no dropout: val_loss near (above) the training loss
        V = s * rng.uniform(1.1, 1.8) * base * _jitter(rng, n, 0.01)
        return Case("leakage_suspected", kind, f"val_loss far below the noise floor, though above the "
                    f"training loss ({n} epochs)", _history(L, V), _tail_mean(V) / rng.uniform(0.02, 0.2))
    ratio = rng.uniform(0.1, 0.3) if kind == "plain" else rng.uniform(0.75, 1.3)
    V = s * ratio * base * _jitter(rng, n, 0.01)
    below = rng.uniform(0.03, 0.2) if kind == "plain" else rng.uniform(0.38, 0.43)
    return Case("leakage_suspected", kind, f"val_loss stays far below the noise floor ({n} epochs)",
                _history(L, V), _tail_mean(V) / below)


GENERATORS = {"healthy": _healthy, "underfitting": _underfitting, "overfitting": _overfitting,
              "learning_rate_too_high": _learning_rate, "leakage_suspected": _leakage}


def _rises_share(history):
    L, _ = _arrays(history)
    return float(np.sum(L[1:] > THRESHOLDS["rise"] * L[:-1])) / (len(L) - 1)


def generate(rng, pattern, kind, scale=None, margins=None, tries=1000) -> Case:
    """One clear history of `pattern` and `kind` (at `scale` when given): right answer, the clauses of
    its kind, and every deciding clause unchanged with any threshold moved within `margins`."""
    signature = KINDS[pattern][kind]
    key = check_of(pattern, kind)
    for _ in range(tries):
        case = GENERATORS[pattern](rng, kind, scale)
        if classify(case.history, case.floor) != pattern or not is_clear(case.history, case.floor, case.also,
                                                                          margins):
            continue
        if signature is not None and clauses(case.history, case.floor) & watched(pattern, case.also) != signature:
            continue
        if (pattern, kind) in OLD_RULE_FAILS:            # the old rule must read it wrongly, clearly
            if any(old_rule_agrees(case.history, case.floor) or old_leak(case.history, r) != old_leak(case.history)
                   for r in (0.9 * OLD_LEAK, 1.1 * OLD_LEAK)):
                continue
        elif key not in ("leakage_suspected", "learning_rate_too_high") and \
                not old_rule_agrees(case.history, case.floor):
            continue
        if kind == "near_oscillate" and not _rises_share(case.history) < 0.47:
            continue                                     # between the threshold (1/3) and a half
        return case
    raise RuntimeError(f"no clear {pattern} history of kind {kind} in {tries} tries")


def key_kinds(key) -> list[tuple[str, str]]:
    """The (pattern, kind) pairs of one check: its pattern's own kinds, then those `CHECK_OF` gives it."""
    own = [(key, kind) for kind in KINDS[key] if check_of(key, kind) == key]
    return own + [pair for pair, to in CHECK_OF.items() if to == key]


def pattern_cases(rng, key) -> list[Case]:
    """The generated cases of one pattern's check: each kind once (underfitting's: flat three times)."""
    counts = COUNTS.get(key, {})
    return [generate(rng, pattern, kind) for pattern, kind in key_kinds(key)
            for _ in range(counts.get(kind, 1) if pattern == key else 1)]


def _short_history(rng, pattern, kind, scale) -> Case:
    """Three epochs: a healthy run, or a loss that goes above its start and stays there."""
    s = _scale(rng, scale)
    if pattern == "healthy":
        L = s * np.array([1.0, rng.uniform(0.5, 0.7), rng.uniform(0.3, 0.45)])
        V = L * rng.uniform(0.9, 1.2) * _jitter(rng, 3, 0.01)
        return Case("healthy", "n3", "three epochs, both losses falling", _history(L, V), _honest_floor(rng, V))
    L = s * np.array([1.0, rng.uniform(1.6, 2.2), rng.uniform(1.55, 1.9)])
    V = L * rng.uniform(0.9, 1.2)
    return Case("learning_rate_too_high", "n3", "three epochs, the last two above the first", _history(L, V),
                _honest_floor(rng, V))


def _wide(rng, pattern, kind, scale=None, tries=1000) -> Case:
    """A history clear even under WIDE_MARGINS, with every clause of its rule that its kind has, on which
    no later rule fires (a learning rate history excepted: rule 1 is first in every order that matters),
    so that checking the rules in another order does not change its answer."""
    for _ in range(tries):
        if kind == "n3":
            case = _short_history(rng, pattern, kind, scale)
        else:
            case = GENERATORS[pattern](rng, kind, scale)
        alone = pattern == "learning_rate_too_high" or fired(case.history, case.floor) == ({pattern} - {"healthy"})
        if classify(case.history, case.floor) == pattern and alone and \
                is_clear(case.history, case.floor, margins=WIDE_MARGINS) and \
                (pattern == "learning_rate_too_high" or old_rule_agrees(case.history, case.floor)):
            return case
    raise RuntimeError(f"no widely clear {pattern} history of kind {kind} in {tries} tries")


KEYS_TIP = ("your code read another key: use only history['loss'] and history['val_loss'], "
            "whatever else the dict holds")


def robustness_cases(rng) -> list[Case]:
    """Extra keys, tuples, NumPy arrays, scales from 1e-3 to 1e6, and three-epoch histories; each far
    from every threshold, so that only a solution that reads the input wrongly fails here."""
    cases = []
    c = _wide(rng, "healthy", "typical")
    n = len(c.history["loss"])
    h = {"mae": [v ** 0.5 for v in c.history["loss"]],
         "val_mae": [float(v) for v in np.linspace(0.2, 3.0, n)],   # climbs: read as val_loss, it overfits
         "loss": c.history["loss"],
         "learning_rate": [float(v) for v in 0.01 * 0.5 ** np.arange(n)],
         "val_loss": c.history["val_loss"]}
    cases.append(Case("healthy", "keys", "with extra keys 'mae', 'val_mae' (climbing) and 'learning_rate'", h,
                      c.floor, tip=KEYS_TIP))
    c = _wide(rng, "overfitting", "climb")
    cases.append(Case("overfitting", "tuples", "given as tuples",
                      {"loss": tuple(c.history["loss"]), "val_loss": tuple(c.history["val_loss"])}, c.floor))
    c = _wide(rng, "underfitting", "flat")
    cases.append(Case("underfitting", "arrays", "given as float32 NumPy arrays",
                      {k: np.asarray(v, np.float32) for k, v in c.history.items()}, c.floor))
    small = float(10 ** rng.uniform(-3, -2.5))
    c = _wide(rng, "leakage_suspected", "plain", scale=small)
    cases.append(Case(c.pattern, "small", f"at a scale of {small:.1e}", c.history, c.floor))
    big = float(10 ** rng.uniform(5.5, 6))
    c = _wide(rng, "overfitting", "climb", scale=big)
    cases.append(Case(c.pattern, "large", f"at a scale of {big:.1e}", c.history, c.floor))
    c = _wide(rng, "learning_rate_too_high", "explode", scale=float(10 ** rng.uniform(3, 5)))
    n = len(c.history["loss"])
    cases.append(Case(c.pattern, "array_keys", "as float64 arrays, with 'accuracy' and 'val_accuracy' keys",
                      {"accuracy": np.linspace(0.5, 0.9, n),
                       **{k: np.asarray(v) for k, v in c.history.items()},
                       "val_accuracy": np.linspace(0.5, 0.8, n)}, c.floor, tip=KEYS_TIP))
    for pattern in ("healthy", "learning_rate_too_high"):
        cases.append(_wide(rng, pattern, "n3"))
    return cases


# This chapter's seven runs (the `runs` dict of solutions/09_diagnosing_training.ipynb, 5 significant
# digits; regenerate them if the chapter's training code changes), with the chapter's noise floor:
# (check key, pattern, description, noise floor, {key: the values separated by spaces}).
CHAPTER_RUNS = (
    ('healthy', 'healthy', "the chapter's healthy run", '0.1753', {
        'loss': (
            '0.8925 0.66362 0.58817 0.54461 0.56752 0.49294 0.50014 0.48551 0.471 0.45048 0.42671 0.44171 '
            '0.46458 0.38388 0.34019 0.36377 0.37917 0.33548 0.3448 0.30825 0.32096 0.31491 0.3311 '
            '0.28269 0.30471 0.3471 0.32682 0.30967 0.29658 0.27201 0.28264 0.27432 0.26513 0.2672 '
            '0.29117 0.25822 0.26289 0.28791 0.27038 0.26235'
        ),
        'val_loss': (
            '0.56286 0.46718 0.42545 0.3963 0.37867 0.36754 0.34948 0.34113 0.32523 0.30907 0.29573 '
            '0.26908 0.27665 0.24995 0.23904 0.23848 0.24095 0.23784 0.22654 0.22749 0.22831 0.2269 '
            '0.22978 0.22171 0.22607 0.23655 0.23555 0.22994 0.2249 0.21827 0.2207 0.2225 0.2236 0.22063 '
            '0.22798 0.22046 0.21743 0.22117 0.20033 0.21747'
        ),
    }),
    ('underfitting', 'underfitting', "the chapter's linear model", '0.1753', {
        'loss': (
            '0.70782 0.66874 0.65952 0.65364 0.65297 0.65421 0.65158 0.65101 0.653 0.65471 0.65492 '
            '0.65325 0.6525 0.65224 0.65317 0.65222 0.65529 0.65235 0.653 0.6513 0.65249 0.65201 0.65169 '
            '0.65534 0.65317 0.65432 0.65401 0.65257 0.65396 0.65321 0.65227 0.65362 0.65218 0.6521 '
            '0.65273 0.65345 0.6526 0.6533 0.65189 0.65451'
        ),
        'val_loss': (
            '0.57901 0.58921 0.58982 0.58441 0.57598 0.57809 0.57614 0.57866 0.58016 0.57549 0.57935 '
            '0.57798 0.5786 0.57434 0.57226 0.5771 0.57964 0.57758 0.58031 0.57718 0.58012 0.58105 '
            '0.57773 0.57244 0.57244 0.58793 0.57732 0.57646 0.58047 0.57424 0.57881 0.5816 0.57936 '
            '0.57316 0.57485 0.58084 0.57614 0.58213 0.57446 0.57608'
        ),
    }),
    ('overfitting', 'overfitting', "the chapter's overfitting run", '0.1753', {
        'loss': (
            '0.76212 0.72324 0.53576 0.49937 0.50934 0.44647 0.39106 0.38186 0.37964 0.35506 0.32624 '
            '0.31685 0.31685 0.3042 0.28343 0.27199 0.27023 0.26338 0.2502 0.24075 0.23589 0.22857 '
            '0.21933 0.21286 0.20709 0.19873 0.19068 0.18544 0.17881 0.1704 0.16473 0.15988 0.15246 '
            '0.14578 0.1411 0.13468 0.128 0.12299 0.11733 0.11152 0.10633 0.10097 0.096104 0.09089 '
            '0.085914 0.081619 0.076717 0.072552 0.068344 0.064269 0.060685 0.056865 0.053483 0.050063 '
            '0.04697 0.043866 0.041005 0.038367 0.035817 0.033427 0.031002 0.028793 0.026661 0.024497 '
            '0.022622 0.020767 0.019094 0.01749 0.016021 0.014619 0.013357 0.012192 0.011139 0.01017 '
            '0.0092816 0.0084939 0.007788 0.0071348 0.006567 0.0060729'
        ),
        'val_loss': (
            '0.70067 0.51157 0.47524 0.48819 0.42737 0.37642 0.37368 0.37786 0.35909 0.33912 0.34226 '
            '0.35651 0.356 0.34367 0.3388 0.34467 0.34812 0.34603 0.34809 0.35599 0.36053 0.35877 0.35583 '
            '0.3544 0.35357 0.35536 0.36104 0.3664 0.36864 0.37056 0.37375 0.37747 0.38279 0.38794 '
            '0.38944 0.38957 0.39272 0.39879 0.40587 0.41028 0.41078 0.41194 0.4179 0.42741 0.43358 '
            '0.43217 0.43055 0.43512 0.44522 0.45164 0.45009 0.44946 0.45488 0.46123 0.46295 0.46609 '
            '0.47232 0.47452 0.47685 0.48253 0.48509 0.48381 0.48817 0.49465 0.4954 0.49842 0.50463 '
            '0.50562 0.51021 0.51487 0.51723 0.52254 0.52338 0.52846 0.53135 0.53093 0.5372 0.53746 '
            '0.54549 0.54005'
        ),
    }),
    ('learning_rate_too_high', 'learning_rate_too_high', "the chapter's run at learning rate 1.5", '0.1753', {
        'loss': (
            '0.91305 40.525 6449.9 3.3239e+05 1.4161e+17 inf nan nan nan nan nan nan'
        ),
        'val_loss': (
            '42.871 8807.4 2.6401e+05 9.2658e+16 inf nan nan nan nan nan nan nan'
        ),
    }),
    ('learning_rate_too_high', 'learning_rate_too_high', "the chapter's run at learning rate 0.3 with momentum", '0.1753', {
        'loss': (
            '0.91305 1.3311 0.7635 0.93429 0.67421 0.66861 0.79834 0.72424 0.59326 0.60208 0.53801 '
            '0.41881 0.56521 0.50427 0.48771 0.5546 0.35326 0.41068 0.34867 0.31921 0.35665 0.29076 '
            '0.29706 0.31943 0.244 0.25769 0.25086 0.23225 0.22438 0.23126 0.21435 0.20917 0.19895 '
            '0.19344 0.19279 0.18587 0.18221 0.17901 0.17273 0.17534'
        ),
        'val_loss': (
            '1.4403 0.61923 0.76234 0.55667 0.61424 0.77642 0.69288 0.52291 0.49344 0.42634 0.39395 '
            '0.5681 0.43746 0.42226 0.55999 0.2823 0.31241 0.32601 0.29853 0.26416 0.25795 0.31497 '
            '0.29758 0.23865 0.26775 0.23818 0.24274 0.25526 0.26442 0.25682 0.25847 0.23794 0.22514 '
            '0.24471 0.24282 0.23516 0.23545 0.23062 0.23227 0.23123'
        ),
    }),
    ('leakage_suspected', 'leakage_suspected', "the chapter's run with a leaked column, without dropout", '0.1753', {
        'loss': (
            '0.45482 0.15278 0.060582 0.031749 0.022675 0.014278 0.012149 0.0090708 0.0084309 0.006926 '
            '0.006374 0.0061907 0.0059214 0.0057163 0.0052168 0.005055 0.0047138 0.0046142 0.0040796 '
            '0.0039821 0.0039056 0.0043629 0.0043364 0.0038185 0.0035382 0.0036336 0.0034464 0.003449 '
            '0.003371 0.0031825 0.0038556 0.0037022 0.0030134 0.0029406 0.002848 0.0028146 0.0026581 '
            '0.0027512 0.00289 0.0033426'
        ),
        'val_loss': (
            '0.16459 0.076215 0.040703 0.029316 0.018141 0.017552 0.013276 0.012076 0.010892 0.0094436 '
            '0.009449 0.0086065 0.0083828 0.007533 0.0075078 0.0072599 0.0067467 0.0066079 0.0065442 '
            '0.0061776 0.0064375 0.0069477 0.0063682 0.0061611 0.0054328 0.0066117 0.005218 0.0053998 '
            '0.0052216 0.0050355 0.0062257 0.004863 0.0049499 0.0049496 0.0047505 0.0045943 0.0045816 '
            '0.004855 0.0046871 0.0058864'
        ),
    }),
    ('leakage_suspected', 'healthy', "the chapter's honest run with dropout 0.7", '0.1753', {
        'loss': (
            '1.1041 0.74157 0.65548 0.58219 0.58666 0.55429 0.53898 0.55455 0.52965 0.55953 0.45152 '
            '0.48189 0.49816 0.47173 0.5092 0.48414 0.4838 0.4207 0.42585 0.41395 0.38049 0.35206 0.37196 '
            '0.33956 0.35648 0.37057 0.33243 0.29868 0.36775 0.35947 0.34316 0.34727 0.34128 0.32697 '
            '0.35028 0.33205 0.34339 0.32194 0.28508 0.32139'
        ),
        'val_loss': (
            '0.51873 0.46358 0.48037 0.43254 0.42262 0.40751 0.39336 0.38693 0.37957 0.36853 0.3274 '
            '0.32582 0.32848 0.30416 0.35396 0.30163 0.27988 0.27299 0.27247 0.2482 0.2458 0.24853 '
            '0.24658 0.23449 0.2325 0.24119 0.24036 0.22902 0.23095 0.25441 0.22939 0.22012 0.22076 '
            '0.22123 0.21187 0.21449 0.25997 0.22085 0.20614 0.23406'
        ),
    }),
)


def chapter_cases(key) -> list[Case]:
    """This chapter's runs that the check `key` holds (the heavy-dropout run goes to the leakage check)."""
    out = []
    for check, name, what, floor, runs in CHAPTER_RUNS:
        if check == key:
            history = {k: [float(v) for v in text.split()] for k, text in runs.items()}
            out.append(Case(name, "chapter", what, history, float(floor)))
    return out


# =========================================================================== what each kind of history is

# The grader's words for each kind of history, with no number of the history in them: the
# hidden checks' messages name the kind of history that failed with these.
KIND_TEXT = {
    ("healthy", "typical"): "both losses fall and level off together",
    ("healthy", "near_leak"): "val_loss levels off somewhat below the noise floor",
    ("healthy", "dropout"): "val_loss far below the training loss but not below the noise floor, "
                            "as with heavy dropout",
    ("healthy", "near_gap"): "val_loss levels off somewhat above the training loss",
    ("healthy", "near_climb"): "val_loss bottoms out early and creeps up a little",
    ("healthy", "near_underfit"): "the training loss falls by about a third",
    ("healthy", "near_start"): "the training loss starts its fall slowly",
    ("healthy", "n3"): "three epochs, both losses falling",
    ("underfitting", "flat"): "both losses stay flat and high",
    ("underfitting", "near"): "the training loss falls a little, not enough",
    ("overfitting", "climb"): "val_loss bottoms out early, then climbs",
    ("overfitting", "gap"): "val_loss levels off far above the training loss",
    ("overfitting", "near_climb"): "val_loss bottoms out early, then climbs moderately",
    ("overfitting", "near_gap"): "val_loss levels off a little more than twice the training loss",
    ("overfitting", "climb_underfit"): "the training loss barely falls while val_loss climbs",
    ("learning_rate_too_high", "nan"): "the losses jump and become nan",
    ("learning_rate_too_high", "inf"): "val_loss is inf at the last epoch",
    ("learning_rate_too_high", "explode"): "the loss grows and ends above where it started",
    ("learning_rate_too_high", "spike"): "the training loss jumps above its first value, then recovers",
    ("learning_rate_too_high", "near_spike"): "the training loss jumps a little above its first value, "
                                              "then recovers",
    ("learning_rate_too_high", "oscillate"): "the training loss goes up and down from epoch to epoch",
    ("learning_rate_too_high", "near_oscillate"): "the training loss bounces in its later epochs",
    ("learning_rate_too_high", "n3"): "three epochs, the last two above the first",
    ("leakage_suspected", "plain"): "val_loss stays far below the noise floor",
    ("leakage_suspected", "near"): "val_loss stays a little below half the noise floor",
    ("leakage_suspected", "no_dropout"): "val_loss far below the noise floor, though above the training loss",
    ("leakage_suspected", "wobble"): "val_loss far below the noise floor, and climbing",
    # the inputs check's kinds
    ("healthy", "keys"): "with extra keys 'mae', 'val_mae' (climbing) and 'learning_rate'",
    ("overfitting", "tuples"): "given as tuples",
    ("underfitting", "arrays"): "given as float32 NumPy arrays",
    ("leakage_suspected", "small"): "at a scale between 1e-3 and 3e-3",
    ("overfitting", "large"): "at a scale between 3e5 and 1e6",
    ("learning_rate_too_high", "array_keys"): "as float64 arrays, with 'accuracy' and 'val_accuracy' keys",
}


def _article(word):
    return "an" if word[0] in "aeiou" else "a"


def kind_of(case: Case) -> str:
    """The kind of history, in the grader's words (no number of the history): safe for hidden checks."""
    text = KIND_TEXT.get((case.pattern, case.kind), "one of this chapter's runs" if case.kind == "chapter" else "")
    return f"{_article(case.pattern)} {case.pattern} history" + (f" ({text})" if text else "")


def _view(values) -> str:
    v = [float(x) for x in np.asarray(values, dtype=np.float64).reshape(-1)]
    shown = [f"{x:.3g}" for x in v] if len(v) <= 6 else \
        [f"{x:.3g}" for x in v[:3]] + ["…"] + [f"{x:.3g}" for x in v[-2:]]
    return "[" + ", ".join(shown) + "]"


def where_of(case: Case, i: int, count: int) -> str:
    """The exact history (public checks only)."""
    L, V = _arrays(case.history)
    return (f"history {i} of {count}, {case.what}: loss {_view(L)}, val_loss {_view(V)}, "
            f"noise_floor {case.floor:.3g}")


# =========================================================================== explaining a wrong answer

ANSWERS = ", ".join(repr(p) for p in PATTERNS)


def explain(history, floor, rule) -> str:
    """Rule `rule` on this history, with its numbers: why it fires or not (public messages only)."""
    th = THRESHOLDS
    L, V = _arrays(history)
    n, t = len(L), max(1, len(L) // th["tail"])
    if not (np.isfinite(L).all() and np.isfinite(V).all()):
        return "a loss value is nan or inf, so rule 1 fires" if rule == "learning_rate_too_high" else \
            "a loss value is nan or inf, and rule 1 comes first"
    fires = rule in fired(history, floor)
    if rule == "learning_rate_too_high":
        rises = int(np.sum(L[1:] > th["rise"] * L[:-1]))
        text = (f"max(loss[1:]) is {L[1:].max() / L[0]:.2f} times loss[0] (rule 1 needs more than "
                f"{th['start']:g}), and the loss rises by more than {th['rise'] - 1:.0%} in {rises} of {n - 1} "
                f"steps (rule 1 needs at least {th['rise_share']:.3g} of them)")
    elif rule == "leakage_suspected":
        text = (f"over the last {t} epochs mean(val_loss) is {V[-t:].mean() / floor:.2f} times "
                f"noise_floor (rule 2 needs less than {th['leak']:g}; it does not look at the training loss)")
    elif rule == "overfitting":
        text = (f"val_loss is lowest at index {int(np.argmin(V))} (n - t = {n - t}) and ends "
                f"{V[-1] / V.min():.2f} times that minimum (rule 3 needs an index below n - t and more than "
                f"{th['climb']:g}), and val_loss[-1] is {V[-1] / L[-1]:.2f} times loss[-1] (rule 3 needs more "
                f"than {th['gap']:g})")
    else:
        text = f"loss[-1] is {L[-1] / L[0]:.2f} times loss[0] (rule 4 needs more than {th['underfit']:g})"
    return f"rule {RULE_NUMBER[rule]} {'fires' if fires else 'does not fire'}: {text}"


def confusion(case: Case, answer: str) -> str:
    """The slip a wrong answer (one of the five) looks like, in the grader's words: no number of the history."""
    if case.tip:
        return case.tip
    if (case.pattern, case.kind) == ("healthy", "dropout") and answer == "leakage_suspected":
        return DROPOUT_TIP
    if (case.pattern, case.kind) == ("leakage_suspected", "no_dropout"):
        return NO_DROPOUT_TIP
    expected, rules = case.pattern, fired(case.history, case.floor)
    first = RULE_NUMBER.get(expected, 5)
    if answer != "healthy" and answer in rules and first < RULE_NUMBER[answer]:
        return (f"the {answer} rule (rule {RULE_NUMBER[answer]}) was tested before the {expected} rule "
                f"(rule {first}), which comes first and fires too")
    if answer != "healthy" and answer not in rules:
        near = " (this history is close to its threshold without reaching it)" if case.kind.startswith("near") \
            and expected == "healthy" else ""
        return f"the {answer} rule fired where it does not hold{near}: check its thresholds and comparisons"
    if expected != "healthy":
        held = [CLAUSE_TEXT[c] for c in CLAUSES[expected] if c in clauses(case.history, case.floor)]
        return (f"the {expected} rule did not fire, though " + " and ".join(held) + " here"
                if held else f"the {expected} rule did not fire")
    return ""


DROPOUT_TIP = ("leakage was judged against the training loss: here val_loss is far below the training loss "
               "but not below the noise floor, which is what dropout alone does; rule 2 compares val_loss "
               "with noise_floor")
NO_DROPOUT_TIP = ("leakage was not judged against the noise floor: here val_loss is far below noise_floor, "
                  "though not below the training loss (a leaked model without dropout); rule 2 compares "
                  "val_loss with noise_floor, not with the training loss")


def read_answer(got):
    """The pattern an answer names, read leniently (case, spaces or hyphens for underscores, a string in
    a one-item list or tuple), else None."""
    if isinstance(got, (list, tuple)) and len(got) == 1:
        got = got[0]
    if not isinstance(got, str):
        return None
    text = got.strip().lower().replace(" ", "_").replace("-", "_")
    return text if text in PATTERNS else None


def _not_an_answer(got, kind, where, hidden) -> Outcome:
    if isinstance(got, str) or (isinstance(got, (list, tuple)) and len(got) == 1 and isinstance(got[0], str)):
        return Outcome(False, Problem.VALUES, kind=kind, where=where, expected=Shown(f"one of {ANSWERS}"),
                       got=got, slip=f"the answer is not one of the five strings {ANSWERS}")
    return Outcome(False, Problem.TYPE, kind=kind, where=where, expected=Shown(f"one of the strings {ANSWERS}"),
                   got=Shown(f"{_article(type(got).__name__)} {type(got).__name__}"),
                   detail=f"diagnose must return one of the strings {ANSWERS}" if hidden else "")


class Shown:
    """A grader-made text shown as is in a message (not quoted as a str's repr would be)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self):
        return self.text


def judge_pattern(case: Case, got, kind, where, hidden) -> Outcome:
    """The pattern the answer names (read leniently: the exact strings have their own check)."""
    answer = read_answer(got)
    if answer is None:
        return _not_an_answer(got, kind, where, hidden)
    if answer == case.pattern:
        return PASSED
    advice = ""
    if not hidden:
        reasons = [explain(case.history, case.floor, answer)] if answer != "healthy" else []
        reasons.append(explain(case.history, case.floor, case.pattern) if case.pattern != "healthy" else
                       "no rule fires, so the answer is 'healthy'")
        advice = "; ".join(reasons)
    return Outcome(False, Problem.VALUES, kind=kind, where=where, expected=case.pattern, got=got,
                   slip=confusion(case, answer), advice=advice)


EXACT_SLIP = ("the answer names a pattern but is not exactly its string: return the str itself, "
              "spelled exactly as given (lowercase, with underscores)")


def judge_exact(case: Case, got, kind, where, hidden) -> Outcome:
    """Only the form of the answer: exactly one of the five strings (a str, spelled as given). Which
    pattern it names is the pattern checks' business, so a wrong pattern spelled right passes here."""
    if type(got) is str and got in PATTERNS:
        return PASSED
    answer = read_answer(got)
    if answer is None:
        return _not_an_answer(got, kind, where, hidden)
    problem = Problem.VALUES if isinstance(got, str) else Problem.TYPE
    return Outcome(False, problem, kind=kind, where=where, expected=Shown(f"the str {answer!r}"), got=got,
                   slip=EXACT_SLIP,
                   detail="diagnose must return the str itself" if hidden and problem is Problem.TYPE else "")


def _run(cases: list[Case], judge):
    def run(ctx: Context) -> Outcome:
        def one(item):
            i, case = item
            kind, where = kind_of(case), where_of(case, i, len(cases))
            try:
                expected, got = ctx.both("value", args=[case.history, case.floor])
            except FatalProbeError:
                raise
            except ProbeError as exc:
                return failed_call(exc, kind=kind, where=where)
            if expected != case.pattern:            # the generators and the answer key disagree: a grader bug
                raise RuntimeError(f"the answer key says {expected!r} for a generated {case.pattern} history")
            return judge(case, got, kind, where, ctx.hidden)
        return first_failure(enumerate(cases, 1), one)
    return run


# =========================================================================== the checks

TYPICAL = {"healthy": "typical", "underfitting": "flat", "overfitting": "climb",
           "learning_rate_too_high": "n3", "leakage_suspected": "plain"}


def typical_cases(rng) -> list[Case]:
    """One widely clear history of each pattern, on which only its own rule fires (and, for rules of
    several clauses, more than one of them holds): a wrong threshold, a missing clause or the rules in
    another order still names them right."""
    return [_wide(rng, pattern, TYPICAL[pattern]) for pattern in PATTERNS]


TITLES = {
    "values": "names the pattern of a clearly typical history of each of the five",
    "healthy": "recognises a healthy run",
    "underfitting": "recognises underfitting",
    "overfitting": "recognises overfitting (a climbing val_loss, or a large gap)",
    "learning_rate_too_high": "recognises a too-high learning rate (nan/inf, above the start, bouncing)",
    "leakage_suspected": "recognises suspected leakage: val_loss far below the noise floor (not the "
                         "training loss)",
    "inputs": "reads only loss and val_loss; lists, tuples, arrays; any scale; 3 epochs",
    "strings": "returns exactly one of the five strings",
}
WEIGHTS = {"values": 3, **{p: 2 for p in PATTERNS}, "inputs": 1, "strings": 1}


def diagnose_checks(ex, rng, hidden) -> list[Check]:
    name = ex.name
    suffix = " (hidden histories)" if hidden else ""
    checks = [Check(name, "values", TITLES["values"] + suffix, WEIGHTS["values"],
                    guarded(_run(typical_cases(rng), judge_pattern)), hidden=hidden)]
    for pattern in PATTERNS:
        cases = pattern_cases(rng, pattern) + ([] if hidden else chapter_cases(pattern))
        checks.append(Check(name, pattern, TITLES[pattern] + suffix, WEIGHTS[pattern],
                            guarded(_run(cases, judge_pattern)), hidden=hidden))
    checks.append(Check(name, "inputs", TITLES["inputs"] + suffix, WEIGHTS["inputs"],
                        guarded(_run(robustness_cases(rng), judge_pattern)), hidden=hidden))
    checks.append(Check(name, "strings", TITLES["strings"] + suffix, WEIGHTS["strings"],
                        guarded(_run(typical_cases(rng), judge_exact)), hidden=hidden))
    return checks
