"""Checks for chapter 11's capstone, `decide`: graded by outcome, the expected cost on held-out rows.

`decide(x_train, y_train, x_val, y_val, x_test, cost_fp, cost_fn)` returns one decision, 0 or 1,
per row of `x_test`. The grader keeps `y_test`, and measures the decisions' expected cost per
example, (cost_fp * FP + cost_fn * FN) / n. It never sees the learner's model: only its decisions.

The data come from one fixed recipe (`draw_problem`): six features on very different scales,
labels from a logistic model with about 8% positives. Public checks draw from a fixed seed,
hidden twins from the grading seed (other samples of the same recipe, other cost ratios).

The bands are measured, not guessed (the chapter's notes and the report of issue 18 give the
numbers): on each problem the grader computes the best trivial rule's cost C_triv (always 0 or
always 1) and the reference's C_ref (autograder/answer_key/capstone.py, on the same data), and
reads a learner's cost C as the share of the reference's saving it achieves,
S = (C_triv - C) / (C_triv - C_ref). Keys, one property each:

* "values": S >= NEAR on a problem with asymmetric costs (public: cost_fp=1, cost_fn=10);
* "beats-baseline": C <= (1 - BASELINE) * C_triv on another problem (no reference needed): a
  useful rule, even if not a good one, is worth something;
* "cost-sensitive": on the values check's problem, raising cost_fn from 1 to 10 (public; hidden:
  to the values check's 8-12) raises the share of positive decisions by at least SHIFT_SHARE;
* "per-row": a row's decision depends on that row only: `decide` on a subset of `x_test`
  (the third of the rows with the largest first feature) gives the same decisions for those rows as
  on all of x_test (the values check's call),
  up to AGREE (a rule that gives every row the same decision has nothing to show and fails).

Every check reads the answer leniently (any shape with one value per row; bools, ints or floats
equal to 0 or 1), so that the form costs nothing by itself; values other than 0 and 1 (scores,
probabilities) fail each check with a message saying so.
"""
from __future__ import annotations

import numpy as np

from . import PASSED, Check, Context, Outcome, Problem, guarded

NAME = "decide"

# The recipe: z ~ N(0, I_6); P(y = 1 | z) = sigmoid(z @ W + B); x = z * SCALE + SHIFT (float32).
W = np.array([1.6, -1.2, 0.9, 0.6, 0.0, 0.0])
B = -3.2
SCALE = np.array([1.0, 12.0, 150.0, 0.05, 900.0, 4.0])
SHIFT = np.array([0.0, 40.0, -300.0, 2.0, 5000.0, 0.0])
SIZES = {"train": 1000, "val": 3000, "test": 4000}

NEAR = 0.85         # "values": at least this share of the reference's saving over the best trivial rule
BASELINE = 0.15     # "beats-baseline": at least this much below the best trivial rule's cost (relative)
SHIFT_SHARE = 0.05  # "cost-sensitive": the share of positive decisions rises by at least this
AGREE = 0.02        # "per-row": at most this share of the subset's decisions may differ


class Shown:
    """A grader-made text shown as is in a message (not quoted as a str's repr would be)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self):
        return self.text


def draw(rng, n):
    """n rows of the recipe: (x float32 (n, 6), y int64 (n,))."""
    z = rng.normal(size=(n, W.size))
    p = 1 / (1 + np.exp(-(z @ W + B)))
    y = (rng.uniform(size=n) < p).astype(np.int64)
    return (z * SCALE + SHIFT).astype(np.float32), y


def draw_problem(rng, test=SIZES["test"]):
    """{x_train, y_train, x_val, y_val, x_test, y_test} from the recipe."""
    out = {}
    for part, n in (("train", SIZES["train"]), ("val", SIZES["val"]), ("test", test)):
        out[f"x_{part}"], out[f"y_{part}"] = draw(rng, n)
    return out


def expected_cost(decisions, y, cost_fp, cost_fn):
    """Cost per example: (cost_fp * false positives + cost_fn * false negatives) / n."""
    d = np.asarray(decisions).reshape(-1).astype(bool)
    y = np.asarray(y).reshape(-1).astype(bool)
    return float((cost_fp * np.sum(d & ~y) + cost_fn * np.sum(~d & y)) / y.size)


def trivial_cost(y, cost_fp, cost_fn):
    """(cost, rule) of the better of "always 0" and "always 1"."""
    y = np.asarray(y).reshape(-1)
    zero = expected_cost(np.zeros_like(y), y, cost_fp, cost_fn)
    one = expected_cost(np.ones_like(y), y, cost_fp, cost_fn)
    return (zero, "always 0") if zero <= one else (one, "always 1")


def _args(problem, cost_fp, cost_fn, x_test=None):
    return [problem["x_train"], problem["y_train"], problem["x_val"], problem["y_val"],
            problem["x_test"] if x_test is None else x_test, float(cost_fp), float(cost_fn)]


def _where(problem, cost_fp, cost_fn, rows=None):
    n = {k: len(problem[f"y_{k}"]) for k in ("train", "val", "test")}
    rows = n["test"] if rows is None else rows
    return (f"decide(x_train {n['train']}x6, y_train, x_val {n['val']}x6, y_val, x_test {rows}x6, "
            f"cost_fp={cost_fp:g}, cost_fn={cost_fn:g}) on the chapter's recipe "
            f"({int(problem['y_train'].sum())} of {n['train']} training labels are 1)")


def read_decisions(got, rows, kind, where):
    """(decisions as a bool array of `rows`, None) or (None, a failed Outcome saying what came back)."""
    try:
        arr = np.asarray(got)
        if arr.size == rows:
            flat = arr.reshape(-1).astype(np.float64)
    except (ValueError, TypeError, OverflowError):
        return None, Outcome(False, Problem.TYPE, kind=kind, where=where,
                             expected=Shown(f"one decision, 0 or 1, per row of x_test ({rows},)"),
                             got=Shown("something that is not an array of numbers"),
                             detail="return a NumPy array (or a list) with one decision, 0 or 1, per row of x_test")
    if arr.size != rows:
        return None, Outcome(False, Problem.SHAPE, kind=kind, where=where,
                             expected=Shown(f"one decision per row of x_test ({rows},)"), got=arr.shape,
                             detail=f"expected one decision per row of x_test, {rows} of them")
    if not np.isin(flat, (0.0, 1.0)).all():
        return None, Outcome(False, Problem.TYPE, kind=kind, where=where, expected=Shown("decisions, each 0 or 1"),
                             got=Shown(f"values such as {flat[~np.isin(flat, (0.0, 1.0))][:3].round(4).tolist()}"),
                             detail="each decision must be 0 or 1 (threshold your scores; do not return "
                                    "probabilities)")
    return flat.astype(bool), None


def _rate_advice(mine, ref):
    """Grader's words comparing the shares of positive decisions (public messages only)."""
    text = f"you decide 1 for {mine:.1%} of the rows, the reference for {ref:.1%}"
    if mine < 0.6 * ref:
        text += ("; too few positives for these costs: a threshold of 0.5 ignores them (the best threshold on "
                 "probabilities is near cost_fp / (cost_fp + cost_fn))")
    elif mine > 1.6 * ref:
        text += ("; too many positives: were the costs counted twice (class weights AND a lowered threshold on "
                 "the weighted model's scores), or swapped?")
    return text


# =========================================================================== the checks

def _asker(memo):
    """ctx.learner("call", ...), each distinct question asked once: the checks of one build share problems
    (the values check's call is also the cost-sensitive check's dearer one and the per-row check's whole
    x_test), so a learner's model is trained as few times as the checks need. Keyed by the target the
    checks are given (the runner gives every check of a pass the same one), so answers never cross targets."""
    def ask(ctx: Context, key, args):
        slot = (id(ctx.target), id(args[0]), key)
        if slot not in memo:
            memo[slot] = ctx.learner("call", args=args)
        return memo[slot]
    return ask

def _values(problem, cost_fp, cost_fn, kind, ask):
    def run(ctx: Context) -> Outcome:
        args = _args(problem, cost_fp, cost_fn)
        where = _where(problem, cost_fp, cost_fn)
        got = ask(ctx, ("all", cost_fp, cost_fn), args)
        expected = ctx.key("call", args=args)
        mine, bad = read_decisions(got, len(problem["y_test"]), kind, where)
        if bad:
            return bad
        y = problem["y_test"]
        c_ref = expected_cost(expected, y, cost_fp, cost_fn)
        c_triv, rule = trivial_cost(y, cost_fp, cost_fn)
        c = expected_cost(mine, y, cost_fp, cost_fn)
        limit = c_triv - NEAR * (c_triv - c_ref)
        if c <= limit + 1e-12:
            return PASSED
        return Outcome(False, Problem.OTHER if ctx.hidden else Problem.VALUES, kind=kind, where=where,
                       expected=Shown(f"a cost per row of at most {limit:.4f} on the held-out rows "
                                f"(the reference's {c_ref:.4f}, {rule} {c_triv:.4f})"),
                       got=Shown(f"{c:.4f}"),
                       advice="" if ctx.hidden else _rate_advice(float(mine.mean()), float(np.mean(expected))),
                       detail=f"{kind}: your decisions' expected cost on the held-out rows is not within the band "
                              f"of the reference's (they must save at least {NEAR:.0%} of what the reference "
                              f"saves over the best trivial rule; the public check shows the numbers)")
    return run


def _baseline(problem, cost_fp, cost_fn, kind):
    def run(ctx: Context) -> Outcome:
        where = _where(problem, cost_fp, cost_fn)
        got = ctx.learner("call", args=_args(problem, cost_fp, cost_fn))
        mine, bad = read_decisions(got, len(problem["y_test"]), kind, where)
        if bad:
            return bad
        y = problem["y_test"]
        c_triv, rule = trivial_cost(y, cost_fp, cost_fn)
        c = expected_cost(mine, y, cost_fp, cost_fn)
        limit = (1 - BASELINE) * c_triv
        if c <= limit:
            return PASSED
        return Outcome(False, Problem.OTHER if ctx.hidden else Problem.VALUES, kind=kind, where=where,
                       expected=Shown(f"a cost per row of at most {limit:.4f} ({BASELINE:.0%} below "
                                f"{rule}'s {c_triv:.4f})"), got=Shown(f"{c:.4f}"),
                       detail=f"{kind}: your decisions cost no less than {BASELINE:.0%} below the best trivial "
                              f"rule (always 0 or always 1) on the held-out rows")
    return run


def _cost_sensitive(problem, low, high, kind, ask):
    """low, high: (cost_fp, cost_fn) pairs; high makes a missed positive dearer."""
    def run(ctx: Context) -> Outcome:
        rows = len(problem["y_test"])
        shares = []
        for cost_fp, cost_fn in (low, high):
            where = _where(problem, cost_fp, cost_fn)
            got = ask(ctx, ("all", cost_fp, cost_fn), _args(problem, cost_fp, cost_fn))
            mine, bad = read_decisions(got, rows, kind, where)
            if bad:
                return bad
            shares.append(float(mine.mean()))
        if shares[1] - shares[0] >= SHIFT_SHARE:
            return PASSED
        where = (f"the same data with cost_fp={low[0]:g}, cost_fn={low[1]:g}, then cost_fp={high[0]:g}, "
                 f"cost_fn={high[1]:g}: " + _where(problem, *high))
        slip = ("your decisions do not change with the costs: the threshold (or the weights) must come from "
                "cost_fp and cost_fn" if abs(shares[1] - shares[0]) < 1e-9 else
                "your decisions move the wrong way: are cost_fp and cost_fn swapped?" if shares[1] < shares[0]
                else "")
        return Outcome(False, Problem.OTHER if ctx.hidden else Problem.VALUES, kind=kind, where=where,
                       expected=Shown(f"at least {SHIFT_SHARE:.0%} more of the rows decided 1 when a missed positive "
                                f"costs more"), got=Shown(f"{shares[0]:.1%} then {shares[1]:.1%} decided 1"),
                       slip=slip,
                       detail=f"{kind}: when a missed positive becomes dearer, your decisions must include at "
                              f"least {SHIFT_SHARE:.0%} more positives (the public check shows the numbers)")
    return run


def _subset(problem):
    """Rows of x_test from one end of feature 0 (the third with the largest values)."""
    x0 = problem["x_test"][:, 0]
    return np.flatnonzero(x0 >= np.quantile(x0, 2 / 3))


def _per_row(problem, cost_fp, cost_fn, kind, ask):
    def run(ctx: Context) -> Outcome:
        rows = _subset(problem)
        where = _where(problem, cost_fp, cost_fn)
        got = ask(ctx, ("all", cost_fp, cost_fn), _args(problem, cost_fp, cost_fn))
        full, bad = read_decisions(got, len(problem["y_test"]), kind, where)
        if bad:
            return bad
        if full.all() or not full.any():
            return Outcome(False, Problem.OTHER, kind=kind,
                           detail=f"{kind}: every row got the same decision ({int(full[0])}), so there is nothing "
                                  f"to compare: a rule must decide from each row's features")
        where_sub = _where(problem, cost_fp, cost_fn, rows=len(rows)) + \
            ", x_test being the third of the rows with the largest first feature"
        got = ask(ctx, ("part", cost_fp, cost_fn), _args(problem, cost_fp, cost_fn, problem["x_test"][rows]))
        part, bad = read_decisions(got, len(rows), kind, where_sub)
        if bad:
            return bad
        differ = float(np.mean(part != full[rows]))
        if differ <= AGREE:
            return PASSED
        return Outcome(False, Problem.OTHER if ctx.hidden else Problem.VALUES, kind=kind, where=where_sub,
                       expected=Shown("the same decisions for those rows as when they came with all of x_test"),
                       got=Shown(f"{differ:.1%} of them decided otherwise"),
                       slip="each decision must depend on its own row only: scale x_test with x_train's mean and "
                            "standard deviation (never x_test's own), and use a fixed threshold, not a share of "
                            "x_test; seed the training (keras.utils.set_random_seed) so that the same data give "
                            "the same model",
                       detail=f"{kind}: given a part of x_test, your decisions for those rows changed; each "
                              f"decision must depend on its own row only (scale with x_train's statistics)")
    return run


TITLES = {
    "values": "expected cost on held-out rows within the band of the reference's",
    "beats-baseline": "expected cost clearly below the best trivial rule's (always 0 or always 1)",
    "cost-sensitive": "a dearer missed positive gives more positive decisions",
    "per-row": "each row's decision depends on that row only",
}
WEIGHTS = {"values": 4, "beats-baseline": 2, "cost-sensitive": 2, "per-row": 2}


def draws(rng, hidden):
    """(costs {key: (cost_fp, cost_fn)}, the cost-sensitive check's dearer costs, problems {key: problem},
    kinds {key: text}) of one set of checks, drawn in a fixed order from `rng`."""
    if hidden:
        ratio = round(float(rng.uniform(8.0, 12.0)), 1)
        costs = {"values": (1.0, ratio), "beats-baseline": (1.0, round(float(rng.uniform(3.0, 5.0)), 1)),
                 "per-row": (1.0, ratio)}
        high = (1.0, ratio)
        kinds = {"values": "a hidden sample of the recipe, a missed positive 8 to 12 times dearer than a false alarm",
                 "beats-baseline": "a hidden sample of the recipe, cost_fn / cost_fp from 3 to 5",
                 "cost-sensitive": "a hidden sample of the recipe, cost_fn raised from 1 to 8-12",
                 "per-row": "a hidden sample of the recipe, then a third of its x_test rows"}
    else:
        costs = {"values": (1.0, 10.0), "beats-baseline": (1.0, 4.0), "per-row": (1.0, 10.0)}
        high = (1.0, 10.0)
        kinds = {"values": "the recipe's data, a missed positive 10 times dearer than a false alarm",
                 "beats-baseline": "the recipe's data, cost_fn / cost_fp = 4",
                 "cost-sensitive": "the recipe's data, cost_fn raised from 1 to 10",
                 "per-row": "the recipe's data, then a third of its x_test rows"}
    shared, other = draw_problem(rng), draw_problem(rng)
    problems = {"values": shared, "beats-baseline": other, "cost-sensitive": shared, "per-row": shared}
    return costs, high, problems, kinds


def decide_checks(ex, rng, hidden) -> list[Check]:
    name = ex.name
    costs, high, problems, kinds = draws(rng, hidden)
    ask = _asker({})
    runs = {"values": _values(problems["values"], *costs["values"], kinds["values"], ask),
            "beats-baseline": _baseline(problems["beats-baseline"], *costs["beats-baseline"],
                                        kinds["beats-baseline"]),
            "cost-sensitive": _cost_sensitive(problems["cost-sensitive"], (1.0, 1.0), high, kinds["cost-sensitive"],
                                              ask),
            "per-row": _per_row(problems["per-row"], *costs["per-row"], kinds["per-row"], ask)}
    suffix = " (hidden data and costs)" if hidden else ""
    return [Check(name, key, TITLES[key] + suffix, WEIGHTS[key], guarded(runs[key]), hidden=hidden) for key in TITLES]
