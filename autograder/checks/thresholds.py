"""Checks for chapter 06's threshold_for_recall: the operating point behind PrecisionAtRecall.

`threshold_for_recall(y_true, scores, target_recall, num_thresholds=200)` returns
`(threshold, precision)`. What Keras 3.15 does, verified by running
keras.metrics.PrecisionAtRecall and reading keras/src/metrics/confusion_metrics.py
and metrics_utils.py:

* the candidate thresholds are t_i = i / (num_thresholds - 1), i = 0 .. num_thresholds - 1:
  0.0 and 1.0 included, no epsilon at either end;
* a score counts as positive at t_i when it is strictly above it (Keras computes
  ceil(s * (num_thresholds - 1)) - 1 >= i in float32, which is s * (N - 1) > i), so a
  score of exactly 0.0 is never positive and a score on a grid point is negative there;
* recall and precision are 0.0 where they would be 0/0;
* the result is the BEST precision over every threshold whose recall is >= the target
  (not the precision at the highest such threshold: precision need not rise with the
  threshold), and 0.0 when no threshold qualifies.

The exercise adds the threshold: the highest threshold that reaches that best precision
among the qualifying ones, or 0.0 when none qualifies. The checks compare the threshold
and the precision separately (one property each), and choose their score sets so that
each classic mistake fails one check: the random sets have no score on a grid point and
no target equal to a reachable recall; the grid-tie sets and the exact-target sets are
built so that only the slip they are about changes the answer.

The core-formula mistakes (CORE: the lowest qualifying threshold, a grid off by one, the
index of the threshold, recall computed as tp / (tp + fp)) are wrong almost everywhere: every
drawn set, public or hidden, is one where each of them changes what its check compares (the
threshold for `values`; the pair for `ties` and `exact-target`; for `precision`, the precision,
where the grid slips keep it as it is, so they never fail that check), so each fails the same
checks under every seed. Draws are bounded: after TRIES rejected draws a set comes from a
fixed generator instead (the same set whatever the seed).
"""
from __future__ import annotations


import numpy as np

from . import PASSED, Check, Context, Outcome, Problem, compare, first_failure, guarded
from .bounded import bounded

NAME = "threshold_for_recall"
RTOL, ATOL = 1e-5, 1e-6
ORACLE = "answer_key.thresholds.keras_precision_at_recall"    # keras.metrics.PrecisionAtRecall, beside the key


# =========================================================================== the classic mistakes, in NumPy

def np_operating_point(y_true, scores, target_recall, num_thresholds=200, *, ge=False, strict=False,
                       rule="best", pick="highest", grid="keras", roles="normal", give="precision",
                       index_out=False, recall_is_precision=False):
    """threshold_for_recall with one slip switched on (float64; the defaults give the right answer).

    ge: a score equal to a threshold counts as positive; strict: recall > target;
    rule="at_highest": the precision at the highest qualifying threshold; pick="lowest": the
    lowest threshold among the best; pick="lowest_qualifying": the lowest qualifying threshold
    and its precision; grid="n": thresholds i / num_thresholds (np.arange(n) / n); grid="linspace":
    np.linspace(0, 1, n + 1), i / n for i = 0 .. n; recall_is_precision: recall computed as
    tp / (tp + fp); roles="swapped": precision must
    reach the target and recall is maximised (RecallAtPrecision's rule); give="recall": return the
    recall at the chosen threshold; index_out: return i, not its value.
    """
    y = np.asarray(y_true).reshape(-1) != 0
    s = np.clip(np.asarray(scores, dtype=np.float64).reshape(-1), 0.0, 1.0)
    n = num_thresholds
    t = np.arange(n + 1) / n if grid == "linspace" else np.arange(n) / (n if grid == "n" else n - 1)
    predicted = (s[None, :] >= t[:, None]) if ge else (s[None, :] > t[:, None])
    tp = np.sum(predicted & y, axis=1).astype(np.float64)
    fp = np.sum(predicted & ~y, axis=1).astype(np.float64)
    p_count = float(np.sum(y))
    precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
    recall = precision if recall_is_precision else tp / p_count if p_count else np.zeros(t.size)
    constrained, maximised = (precision, recall) if roles == "swapped" else (recall, precision)
    qualifies = (constrained > target_recall) if strict else (constrained >= target_recall)
    if not qualifies.any():
        return 0.0, 0.0
    rows = np.flatnonzero(qualifies)
    if pick == "lowest_qualifying":
        i = rows.min()
    elif rule == "at_highest":
        i = rows.max()
    else:
        best = maximised[rows].max()
        ties = rows[np.isclose(maximised[rows], best, rtol=1e-12, atol=0)]
        i = ties.max() if pick == "highest" else ties.min()
    value = recall[i] if (give == "recall") != (roles == "swapped") else precision[i]
    return (float(i) if index_out else float(t[i])), float(value)


MISTAKES = [
    (dict(ge=True), "a score equal to a threshold was counted as positive: a score is positive only when "
                    "strictly above the threshold (>, not >=)"),
    (dict(pick="lowest"), "you returned the lowest threshold among those with the best precision; "
                          "return the highest one"),
    (dict(pick="lowest_qualifying"), "you returned the lowest threshold whose recall reaches the target; "
                                     "return the highest threshold with the best precision"),
    (dict(strict=True), "a recall exactly equal to the target was rejected: a threshold qualifies when its "
                        "recall is >= target_recall, not >"),
    (dict(rule="at_highest"), "you took the precision at the highest threshold whose recall reaches the target; "
                              "PrecisionAtRecall takes the best precision over every threshold whose recall "
                              "reaches it (precision need not rise with the threshold)"),
    (dict(recall_is_precision=True), "recall was computed as tp / (tp + fp), which is precision: recall is "
                                     "tp / (tp + fn), the share of the positive labels found"),
    (dict(give="recall"), "precision and recall are swapped: you returned the recall at the chosen threshold, "
                          "not its precision"),
    (dict(roles="swapped"), "precision and recall are swapped: that is RecallAtPrecision's rule (precision >= "
                            "target, best recall); here recall must reach the target and precision is maximised"),
    (dict(grid="n"), "the grid is off by one: the thresholds are i / (num_thresholds - 1), "
                     "i = 0 .. num_thresholds - 1, so both 0.0 and 1.0 are on it"),
    (dict(grid="linspace"), "the grid is off by one: the thresholds are i / (num_thresholds - 1), "
                            "i = 0 .. num_thresholds - 1 (np.linspace(0, 1, num_thresholds)), not "
                            "np.linspace(0, 1, num_thresholds + 1)"),
    (dict(index_out=True), "you returned the index of the threshold, not the threshold i / (num_thresholds - 1)"),
]

# the core-formula mistakes: each changes the threshold almost everywhere; the first and last change the
# precision too, the grid slips (almost) never do, the index never does
CORE = (dict(pick="lowest_qualifying"), dict(grid="n"), dict(grid="linspace"), dict(index_out=True),
        dict(recall_is_precision=True))
CORE_PRECISION = (dict(pick="lowest_qualifying"), dict(recall_is_precision=True))
GRID_SLIPS = (dict(grid="n"), dict(grid="linspace"))
TRIES = 400                 # draws of one score set before the fixed generator is used


def _mistake_values(case, part):
    """[(the mistaken answer's threshold, precision or pair, why)] for one score set."""
    y, s, target, n = case["y"], case["scores"], case["target"], case["num_thresholds"]
    out = []
    for kw, why in MISTAKES:
        answer = np_operating_point(y, s, target, n, **kw)
        out.append((list(answer) if part is None else answer[part], why))
    return out


# =========================================================================== score sets

def _grid_distance(s, num_thresholds):
    scaled = np.asarray(s, dtype=np.float64) * (num_thresholds - 1)
    return np.abs(scaled - np.round(scaled))


def _scores(rng, n, num_thresholds, separation):
    """n labels (at least 3 of each) and scores in (0, 1), none within 1e-3 grid steps of a threshold."""
    while True:
        y = (rng.uniform(size=n) < rng.uniform(0.2, 0.5)).astype(np.float32)
        if 3 <= y.sum() <= n - 3:
            break
    logits = rng.normal(size=n) * rng.uniform(0.8, 1.5) + separation * (y - 0.5) * 2
    s = 1 / (1 + np.exp(-logits))
    bad = _grid_distance(s, num_thresholds) < 1e-3
    while bad.any():
        s[bad] = rng.uniform(0.01, 0.99, size=int(bad.sum()))
        bad = _grid_distance(s, num_thresholds) < 1e-3
    return y, s.astype(np.float32 if rng.uniform() < 0.5 else np.float64)


def _target_between(rng, positives):
    """A target strictly between two reachable recalls k/P (so >= and > agree)."""
    while True:
        k = int(rng.integers(int(0.4 * positives), positives))       # targets from about 0.4 up
        target = round((k + rng.uniform(0.25, 0.75)) / positives, 3)
        if np.min(np.abs(target * positives - np.arange(positives + 1))) > 0.05:
            return target


def _case(y, s, target, n, label=""):
    return {"y": y, "scores": s, "target": float(target), "num_thresholds": int(n), "label": label}


def _answers(case):
    right = np_operating_point(case["y"], case["scores"], case["target"], case["num_thresholds"])
    return {kw_key(kw): np_operating_point(case["y"], case["scores"], case["target"], case["num_thresholds"], **kw)
            for kw, _ in MISTAKES} | {"right": right}


def kw_key(kw):
    return ",".join(f"{k}={v}" for k, v in sorted(kw.items()))


def _same(a, b):
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))


def _core_shows(a, part):
    """Whether each core-formula mistake changes what a check comparing `part` (0: the threshold, 1: the
    precision, None: the pair) sees, and (for the precision) the grid slips leave it as it is."""
    right = a["right"]
    if part == 1:
        return all(not _same(a[kw_key(kw)][1], right[1]) for kw in CORE_PRECISION) and \
            all(_same(a[kw_key(kw)][1], right[1]) for kw in GRID_SLIPS)
    seen = (lambda v: v[0]) if part == 0 else (lambda v: v)  # noqa: E731
    return all(not _same(seen(a[kw_key(kw)]), seen(right)) for kw in CORE)


def _bounded(rng, attempt, *args):
    """One set from `attempt(rng, *args)` (None when a draw is rejected), or after TRIES rejections the fixed
    set the same attempt draws from a fixed generator (a copy: the cached set is shared)."""
    return dict(bounded(rng, attempt, args, TRIES, fallback_seed=20261122))


def _random_attempt(rng, monotone, part):
    n_thr = [200, 200, 100, 51][int(rng.integers(0, 4))]
    y, s = _scores(rng, int(rng.integers(30, 121)), n_thr, rng.uniform(0.6, 1.6))
    case = _case(y, s, _target_between(rng, int(y.sum())), n_thr)
    a = _answers(case)
    at_highest = a[kw_key(dict(rule="at_highest"))]
    if monotone:
        ok = _same(at_highest, a["right"]) and not _same(a[kw_key(dict(pick="lowest"))][0], a["right"][0])
    else:
        ok = not _same(at_highest[1], a["right"][1])
    return case if ok and 0 < a["right"][1] < 1 and _core_shows(a, part) else None


def random_sets(rng, count, *, monotone, part=0):
    """Continuous scores, a target between two reachable recalls.

    monotone=True: the best precision is reached at the highest qualifying threshold, and the
    lowest threshold among the best differs from the highest (so `pick="lowest"` shows, and
    `rule="at_highest"` does not). monotone=False: the best precision is reached below the
    highest qualifying threshold in every set (so `rule="at_highest"` shows). In every set the
    core-formula mistakes change what a check comparing `part` sees (`_core_shows`)."""
    return [_bounded(rng, _random_attempt, monotone, part) for _ in range(count)]


def grid_tie_sets(rng, count):
    """Scores on an exact grid (num_thresholds - 1 a power of two), including 0.0 and 1.0, the first
    set with a positive scored 0.0 and target 1.0: only the >=-for-> slip changes the answer."""
    y0 = np.array([1, 0, 1, 0, 1, 0, 0], dtype=np.float32)
    s0 = np.array([0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 0.0], dtype=np.float32)
    sets = [_case(y0, s0, 1.0, 5, "a positive scored exactly 0.0 is never predicted positive, "
                                  "so target_recall=1.0 is out of reach")]
    return sets + [_bounded(rng, _grid_tie_attempt) for _ in range(count - 1)]


def _grid_tie_attempt(rng):
    """(The fixed first set answers (0.0, 0.0): no core-formula mistake can show there; in the drawn ones
    every one does.)"""
    n_thr = [5, 9, 17][int(rng.integers(0, 3))]
    steps = n_thr - 1
    n = int(rng.integers(2 * steps, 4 * steps))
    y = (rng.uniform(size=n) < 0.4).astype(np.float32)
    if not 3 <= y.sum() <= n - 3:
        return None
    k = np.clip(np.round(rng.normal(steps / 2, steps / 3, size=n) + (y - 0.5) * steps / 2.5), 0, steps)
    k[:2] = [0, steps]
    s = (k / steps).astype(np.float32 if rng.uniform() < 0.5 else np.float64)
    case = _case(y, s, _target_between(rng, int(y.sum())), n_thr)
    a = _answers(case)
    others = [dict(pick="lowest"), dict(rule="at_highest"), dict(strict=True)]
    if a["right"][1] > 0 and not _same(a[kw_key(dict(ge=True))], a["right"]) and \
            all(_same(a[kw_key(kw)], a["right"]) for kw in others) and _core_shows(a, None):
        return case
    return None


def exact_target_sets(rng, count, with_one=True):
    """Continuous scores and a target exactly equal to a reachable recall k/P (target 1.0 in the
    first set): only the >-for->= slip changes the answer."""
    return [_bounded(rng, _exact_target_attempt, with_one and i == 0) for i in range(count)]


def _exact_target_attempt(rng, one):
    n_thr = 200
    y, s = _scores(rng, int(rng.integers(30, 100)), n_thr, rng.uniform(0.6, 1.6))
    positives = int(y.sum())
    k = positives if one else int(rng.integers(1, positives))
    target = k / positives
    if np.float32(k) / np.float32(positives) != np.float32(target):
        return None                                   # float32 and float64 must agree on the tie
    case = _case(y, s, target, n_thr, "target_recall=1.0" if k == positives else "")
    a = _answers(case)
    others = [dict(pick="lowest"), dict(rule="at_highest"), dict(ge=True)]
    if not _same(a[kw_key(dict(strict=True))], a["right"]) and \
            all(_same(a[kw_key(kw)], a["right"]) for kw in others) and _core_shows(a, None):
        return case
    return None


def edge_sets():
    """All scores equal; no positive labels (recall is 0/0, so no threshold qualifies)."""
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0], dtype=np.float32)
    return [
        _case(y, np.full(8, 0.4, dtype=np.float32), 0.5, 3,
              "all scores equal (0.4; precision is 0/0 above it), num_thresholds=3"),
        _case(np.zeros(6, np.float32), np.array([0.1, 0.9, 0.3, 0.7, 0.2, 0.6], np.float32), 0.5, 200,
              "no positive labels (recall is 0/0 everywhere: no threshold qualifies)"),
    ]


# =========================================================================== the checks

def _describe(case, i, total):
    y = np.asarray(case["y"])
    text = (f"score set {i} of {total} ({y.size} {np.asarray(case['scores']).dtype} scores, {int(y.sum())} positive, "
            f"target_recall={case['target']:g}, num_thresholds={case['num_thresholds']})")
    return f"{case['label']}: {text}" if case["label"] else text


def _pair(got, kind, where):
    """The learner's answer as two floats, or a failed Outcome saying what it was."""
    if isinstance(got, (list, tuple)) and len(got) == 2 and \
            all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in got):
        return [float(v) for v in got], None
    what = f"a list of {len(got)} items" if isinstance(got, (list, tuple)) else f"a {type(got).__name__}"
    return None, Outcome(False, Problem.TYPE, kind=kind, where=where,
                         expected="a pair (threshold, precision) of two numbers", got=what)


def _check_part(cases, kind, part=None, oracle=False):
    """Compare the threshold (part 0), the precision (part 1) or the pair (None), set by set. `kind` names the
    kind of score set (shown for hidden checks too)."""
    what = {0: "the threshold", 1: "the precision", None: "(threshold, precision)"}[part]
    numbered = list(enumerate(cases, 1))

    def judge(ctx: Context, item) -> Outcome:
        i, case = item
        args = [case["y"], case["scores"], case["target"]]
        kwargs = {"num_thresholds": case["num_thresholds"]}
        expected, got = ctx.both("value", args=args, kwargs=kwargs)
        where = f"{_describe(case, i, len(cases))}, {what}"
        got, bad = _pair(got, kind, where)
        if bad:
            return bad
        if oracle:       # the precision Keras itself reports (the reference equals it: tested)
            expected = [expected[0], ctx.key("value", name=ORACLE, args=args, kwargs=kwargs)]
        if part is not None:
            expected, got = expected[part], got[part]
        return compare(expected, got, RTOL, ATOL, kind=kind, where=where, mistakes=_mistake_values(case, part))

    def run(ctx: Context) -> Outcome:
        return first_failure(numbered, lambda item: judge(ctx, item))
    return run


RANDOM = "score sets with no score on a grid threshold"
NON_MONOTONE = "random score sets, some where precision does not rise with the threshold"
TIES = "scores exactly on a grid threshold"
EXACT = "a target_recall exactly equal to a reachable recall"
EMPTY = "sets where precision or recall is 0/0 (all scores equal, no positive labels)"


def threshold_for_recall_checks(ex, rng, hidden) -> list[Check]:
    name = ex.name
    n = (3, 2, 1, 2, 2) if hidden else (4, 3, 1, 3, 3)
    checks = [
        Check(name, "values", "(threshold, precision): the highest threshold with the best qualifying precision", 4,
              guarded(_check_part(random_sets(rng, n[0], monotone=True), RANDOM))),
        Check(name, "precision", "the precision equals keras.metrics.PrecisionAtRecall's", 3,
              guarded(_check_part(random_sets(rng, n[1], monotone=False, part=1) +
                                  random_sets(rng, n[2], monotone=True, part=1), NON_MONOTONE, 1, oracle=True))),
        Check(name, "ties", "a score exactly on a threshold counts as negative (strictly above)", 2,
              guarded(_check_part(grid_tie_sets(rng, n[3]), TIES))),
        Check(name, "exact-target", "a recall equal to the target qualifies (>=), target_recall=1.0 included", 2,
              guarded(_check_part(exact_target_sets(rng, n[4]), EXACT))),
    ]
    if not hidden:
        checks.append(Check(name, "zero-division", "edge cases: all scores equal, no positive labels", 1,
                            guarded(_check_part(edge_sets(), EMPTY))))
    for check in checks:
        check.hidden = hidden
        if hidden:
            check.title += " (hidden score sets)"
    return checks
