"""diagnose (chapter 09): naming the pattern of a training history by five ordered rules.

Leakage is judged against the noise floor passed in (`diagnose(history, noise_floor)`), not
against the training loss: a solution that keeps the old rule (validation loss below half the
training loss) loses the leakage key alone, since dropout alone puts the validation loss below the
training loss, and a leaked model without dropout has it above.

The reference scores full marks, public and hidden, on many seeds, and so does a solution
written from the hint; every generated history lands clearly inside its rule (moving any
threshold by its margin changes nothing) and carries the clauses its kind is meant to test;
the chapter's own runs are classified as the pattern they show; a solution that checks the
rules in another order, misses a clause or uses a wrong threshold loses only the key(s) of
the pattern(s) its mistake is about, never `values`, `inputs` or `strings`, and the message
names the confusion (hidden: in the grader's words only); an answer that is not exactly one of
the five strings costs `strings` alone; the rules' thresholds are written once, in the answer
key, and the chapter's text and the hint state the same numbers.
"""
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder import exercises
from autograder.checks import diagnosis as d
from autograder.references import FOLDER, namespace
from autograder.runner import InProcess, run_exercise

NAME = "diagnose"
SEED = 12345
reference = namespace()[NAME]
ROOT = Path(__file__).resolve().parents[2]

H, U, O, LR, LK = "healthy", "underfitting", "overfitting", "learning_rate_too_high", "leakage_suspected"
R, S = "inputs", "strings"


def both(*keys):
    return {(k, hidden) for k in keys for hidden in (False, True)}


def results_of(fn, seed=SEED):
    return {(r.key, r.hidden): r for r in run_exercise(NAME, InProcess({NAME: fn}), seed=seed)}


def failing(results):
    return {key for key, r in results.items() if not r.passed}


def with_rules(**moved):
    """A solution that applies the five rules with some thresholds moved."""
    def solution(history, noise_floor):
        return d.classify(history, noise_floor, **moved)
    return solution


def rule_values(history):
    L = np.asarray(history["loss"], dtype=float)
    V = np.asarray(history["val_loss"], dtype=float)
    return L, V, len(L), max(1, len(L) // 3)


# --------------------------------------------------------------------------- the reference

def test_the_reference_scores_full_marks_public_and_hidden():
    results = results_of(reference)
    assert all(r.passed for r in results.values()), [r.message for r in results.values() if not r.passed]
    assert sum(r.score for r in results.values()) == pytest.approx(10)
    assert len(results) == 16 and sum(r.hidden for r in results.values()) == 8


@pytest.mark.parametrize("seed", range(20))
def test_the_reference_scores_full_marks_on_many_seeds(seed):
    assert failing(results_of(reference, seed=seed)) == set()


def test_the_reference_names_the_chapters_runs():
    for _, pattern, _, floor, runs in d.CHAPTER_RUNS:
        history = {k: [float(v) for v in text.split()] for k, text in runs.items()}
        assert reference(history, float(floor)) == pattern


def test_the_chapters_runs_show_both_sides_of_the_old_rule():
    """The leaked run without dropout has its validation loss above its training loss, the honest run
    with heavy dropout below it: the old rule misreads the leak; the noise floor reads both."""
    runs = {what: ({k: [float(v) for v in text.split()] for k, text in r.items()}, float(floor), pattern)
            for _, pattern, what, floor, r in d.CHAPTER_RUNS}
    leak, floor, _ = runs["the chapter's run with a leaked column, without dropout"]
    L, V, n, t = rule_values(leak)
    assert V[-t:].mean() > L[-t:].mean() and V[-t:].mean() < 0.1 * floor
    drop, floor, pattern = runs["the chapter's honest run with dropout 0.7"]
    L, V, n, t = rule_values(drop)
    assert V[-t:].mean() < 0.8 * L[-t:].mean() and V[-t:].mean() > floor and pattern == H


# --------------------------------------------------------------------------- the thresholds, written once

def test_the_checks_read_the_thresholds_from_the_answer_keys_text():
    source = (FOLDER / "diagnosis.py").read_text(encoding="utf-8")
    assert "THRESHOLDS = {" in source and "th[\"leak\"]" in source           # the reference uses them
    checks_source = Path(d.__file__).read_text(encoding="utf-8")
    assert 'THRESHOLDS = answer_key_constant("THRESHOLDS")' in checks_source
    assert "def diagnose(" not in checks_source
    assert d.THRESHOLDS == {"rise": 1.1, "rise_share": 1 / 3, "start": 1.0, "leak": 0.5, "climb": 1.2,
                            "gap": 2.0, "underfit": 0.8, "tail": 3}


def _rules_text(th):
    """The rules' expressions as the chapter writes them, from the thresholds."""
    def num(v):
        return f"{v:g}"
    return [f"L[i+1] > {num(th['rise'])} * L[i]", f"mean(V[-t:]) < {num(th['leak'])} * noise_floor",
            f"V[-1] > {num(th['climb'])} * min(V)", f"V[-1] > {num(th['gap'])} * L[-1]",
            f"L[-1] > {num(th['underfit'])} * L[0]",
            "max(L[1:]) > L[0]" if th["start"] == 1 else f"max(L[1:]) > {num(th['start'])} * L[0]"]


def test_the_chapter_states_the_answer_keys_thresholds():
    cells = json.loads((ROOT / "solutions" / "09_diagnosing_training.ipynb").read_text(encoding="utf-8"))["cells"]
    texts = ["".join(c["source"]) for c in cells]
    rules = next(t for t in texts if t.startswith("## From curves to rules"))
    exercise = next(t for t in texts if "### Exercise 9.1: diagnose" in t)
    solution = next(t for t in texts if t.startswith("def diagnose("))
    assert solution.startswith("def diagnose(history, noise_floor):")
    assert not any("* mean(L[-t:])" in t or "* L[-t:].mean()" in t for t in (rules, exercise, solution))
    th = d.THRESHOLDS
    for text in (rules, exercise):
        for expression in _rules_text(th):
            assert expression in text, expression
        assert round(th["rise_share"] * 3) == 1 and ("(n-1)/3" in text or "(n-1)/3" in text.replace(" ", ""))
        assert th["tail"] == 3 and "n/3" in text.replace(" ", "")
    for expression in _rules_text(th):
        assert expression.replace("mean(V[-t:])", "V[-t:].mean()") \
            .replace("min(V)", "V.min()").replace("L[i+1]", "L[1:]").replace("* L[i]", "* L[:-1]") \
            .replace("max(L[1:])", "L[1:].max()") in solution, expression


def test_the_hint_states_the_answer_keys_thresholds():
    hint = exercises.exercise(NAME).hint
    th = d.THRESHOLDS
    assert f"more than {th['rise'] - 1:.0%}" in hint                      # rises of more than 10%
    assert "(n - 1) / 3" in hint and th["rise_share"] == 1 / 3
    assert "t = max(1, n // 3)" in hint and th["tail"] == 3
    assert "a later loss above L[0]" in hint and th["start"] == 1.0
    assert "below half of noise_floor" in hint and th["leak"] == 0.5
    numbers = {float(x.rstrip("%")) / (100 if x.endswith("%") else 1) for x in re.findall(r"\d+(?:\.\d+)?%?", hint)}
    assert numbers <= {0.1, 1.0, 3.0, 0.0}, numbers                        # no other threshold in the hint


def test_a_solution_written_from_the_chapters_rules_scores_full_marks():
    def from_hint(history, noise_floor):
        L = np.asarray(history["loss"], dtype=float)
        V = np.asarray(history["val_loss"], dtype=float)
        n = len(L)
        t = max(1, n // 3)
        if not (np.isfinite(L).all() and np.isfinite(V).all()):
            return "learning_rate_too_high"
        if L[1:].max() > L[0] or np.sum(L[1:] > 1.1 * L[:-1]) >= (n - 1) / 3:
            return "learning_rate_too_high"
        if V[-t:].mean() < 0.5 * noise_floor:
            return "leakage_suspected"
        if (np.argmin(V) < n - t and V[-1] > 1.2 * V.min()) or V[-1] > 2 * L[-1]:
            return "overfitting"
        if L[-1] > 0.8 * L[0]:
            return "underfitting"
        return "healthy"

    assert failing(results_of(from_hint)) == set()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=1e-3, max_value=1e3), min_size=6, max_size=60).flatmap(
    lambda loss: st.tuples(st.just(loss), st.lists(st.floats(min_value=1e-3, max_value=1e3),
                                                   min_size=len(loss), max_size=len(loss)))),
       st.floats(min_value=1e-3, max_value=1e3))
def test_the_reference_agrees_with_the_rules_clause_by_clause(pair, floor):
    loss, val_loss = pair
    history = {"loss": loss, "val_loss": val_loss}
    assert reference(history, floor) == d.classify(history, floor)


# --------------------------------------------------------------------------- the generated histories

KIND_LIST = [(p, k) for p, kinds in d.KINDS.items() for k in kinds]


@pytest.mark.parametrize("pattern, kind", KIND_LIST)
def test_every_generated_history_lands_clearly_inside_its_rule(pattern, kind):
    signature = d.KINDS[pattern][kind]
    for seed in range(30):
        case = d.generate(np.random.default_rng(seed), pattern, kind)
        assert reference(case.history, case.floor) == pattern
        assert d.is_clear(case.history, case.floor, case.also)
        for moved in d.MARGINS:                                       # the margins, one by one
            assert d.classify(case.history, case.floor, **moved) == pattern, (seed, moved)
            assert set(case.also) <= d.fired(case.history, case.floor, **moved)
        if signature is not None:
            assert d.clauses(case.history, case.floor) & d.watched(pattern, case.also) == signature
        key = d.check_of(pattern, kind)                               # the old rule reads it right or
        if (pattern, kind) in d.OLD_RULE_FAILS:                       # clearly wrong, by its key
            assert not d.old_rule_agrees(case.history, case.floor) and key == LK
        elif key not in (LK, LR):
            assert d.old_rule_agrees(case.history, case.floor)


def test_the_kinds_test_the_clauses_they_are_named_after():
    rng = np.random.default_rng(7)
    for _ in range(20):
        L, _, n, _ = rule_values(d.generate(rng, "learning_rate_too_high", "oscillate").history)
        assert L[1:].max() < 0.97 * L[0] and np.sum(L[1:] > 1.1 * L[:-1]) >= 0.37 * (n - 1)
        L, _, n, _ = rule_values(d.generate(rng, "learning_rate_too_high", "spike").history)
        assert L[-1] < L[0] < L[1:].max()                          # the final loss alone misses it
        L, V, n, t = rule_values(d.generate(rng, "overfitting", "near_gap").history)
        assert 2.2 < V[-1] / L[-1] < 2.7 and not (np.argmin(V) < n - t and V[-1] > 1.12 * V.min())
        L, V, n, t = rule_values(d.generate(rng, "overfitting", "near_climb").history)
        assert np.argmin(V) < n - t and 1.28 < V[-1] / V.min() < 1.5 and V[-1] < 1.8 * L[-1]
        case = d.generate(rng, "healthy", "near_leak")
        L, V, n, t = rule_values(case.history)
        assert 0.55 < V[-t:].mean() / case.floor < 0.7 and V[-t:].mean() > 0.55 * L[-t:].mean()
        case = d.generate(rng, "leakage_suspected", "near")
        L, V, n, t = rule_values(case.history)
        assert 0.3 < V[-t:].mean() / case.floor < 0.45
        case = d.generate(rng, "healthy", "dropout")                 # val far below train, above the floor
        L, V, n, t = rule_values(case.history)
        assert V[-t:].mean() < 0.45 * L[-t:].mean() and V[-t:].mean() > case.floor
        case = d.generate(rng, "leakage_suspected", "no_dropout")    # val above train, far below the floor
        L, V, n, t = rule_values(case.history)
        assert V[-t:].mean() > L[-t:].mean() and V[-t:].mean() < 0.45 * case.floor
        L, _, n, _ = rule_values(d.generate(rng, "learning_rate_too_high", "near_oscillate").history)
        assert L[1:].max() < 0.97 * L[0] and 0.37 <= np.sum(L[1:] > 1.1 * L[:-1]) / (n - 1) < 0.5
        L, V, n, _ = rule_values(d.generate(rng, "learning_rate_too_high", "nan").history)
        assert np.isnan(L[-1]) and np.sum(L[1:] > 1.1 * L[:-1]) < (n - 1) / 3       # only the nan tells


def test_the_overlap_cases_fire_two_rules_and_the_order_decides():
    rng = np.random.default_rng(3)
    for pattern, kind, other in [("overfitting", "climb_underfit", "underfitting"),
                                 ("leakage_suspected", "wobble", "overfitting")]:
        for _ in range(10):
            case = d.generate(rng, pattern, kind)
            assert d.fired(case.history, case.floor) == {pattern, other}
            assert reference(case.history, case.floor) == pattern


def test_the_robustness_histories_are_clear_even_with_wide_margins():
    for seed in range(15):
        for case in d.robustness_cases(np.random.default_rng(seed)):
            assert reference(case.history, case.floor) == case.pattern
            assert all(d.classify(case.history, case.floor, **m) == case.pattern for m in d.WIDE_MARGINS)
            assert case.pattern == LR or d.old_rule_agrees(case.history, case.floor)


def test_the_chapter_runs_show_their_pattern_clearly():
    found = {}
    for key, pattern, what, floor, runs in d.CHAPTER_RUNS:
        history = {k: [float(v) for v in text.split()] for k, text in runs.items()}
        assert reference(history, float(floor)) == pattern and d.is_clear(history, float(floor)), what
        assert what in [c.what for c in d.chapter_cases(key)]
        assert key == LK or d.old_rule_agrees(history, float(floor)) or pattern == LR, what
        found[what] = pattern
    assert sorted(found.values()) == sorted([H, U, O, LR, LR, LK, H])


def test_moving_any_threshold_within_its_margin_still_scores_full_marks():
    for moved in d.MARGINS:
        assert failing(results_of(with_rules(**moved))) == set(), moved


# --------------------------------------------------------------------------- mistakes cost only their checks

def overfitting_before_leakage(history, noise_floor):
    rules = d.fired(history, noise_floor)
    for name in ("learning_rate_too_high", "overfitting", "leakage_suspected", "underfitting"):
        if name in rules:
            return name
    return "healthy"


def underfitting_before_overfitting(history, noise_floor):
    rules = d.fired(history, noise_floor)
    for name in ("learning_rate_too_high", "leakage_suspected", "underfitting", "overfitting"):
        if name in rules:
            return name
    return "healthy"


def without(*names):
    """The rules with some clauses left out (and nan/inf not treated specially if 'nonfinite' is)."""
    def solution(history, noise_floor):
        L, V, n, t = rule_values(history)
        with np.errstate(invalid="ignore"):
            if "nonfinite" not in names and not (np.isfinite(L).all() and np.isfinite(V).all()):
                return "learning_rate_too_high"
            tests = {"start": L[1:].max() > L[0], "final": L[-1] > L[0],
                     "rises": np.sum(L[1:] > 1.1 * L[:-1]) >= (n - 1) / 3,
                     "leak": V[-t:].mean() < 0.5 * noise_floor,
                     "old_leak": V[-t:].mean() < 0.5 * L[-t:].mean(),
                     "climb": np.argmin(V) < n - t and V[-1] > 1.2 * V.min(), "gap": V[-1] > 2 * L[-1],
                     "underfit": L[-1] > 0.8 * L[0]}
        held = {k for k, v in tests.items() if v and k not in names}
        leak = {"old_leak"} if "leak" in names else {"leak"}            # without("leak"): the old rule
        for name, parts in [("learning_rate_too_high", {"start", "final", "rises"}), ("leakage_suspected", leak),
                            ("overfitting", {"climb", "gap"}), ("underfitting", {"underfit"})]:
            if held & parts:
                return name
        return "healthy"
    return solution


@pytest.mark.parametrize("solution, lost, words", [
    (overfitting_before_leakage, LK, "expected 'leakage_suspected', got 'overfitting'"),
    (underfitting_before_overfitting, O, "expected 'overfitting', got 'underfitting'"),
    (without("nonfinite"), LR, "expected 'learning_rate_too_high', got"),
    (without("start"), LR, "expected 'learning_rate_too_high', got"),     # final > first only
    (without("rises"), LR, "expected 'learning_rate_too_high', got"),
    (without("gap"), O, "expected 'overfitting', got 'healthy'"),
    (without("climb"), O, "expected 'overfitting', got"),
    (without("leak"), LK, "leakage was not judged against the noise floor"),          # val < train / 2
    (with_rules(leak=1.0), H, "expected 'healthy', got 'leakage_suspected'"),          # any val below the floor
    (with_rules(leak=0.7), H, "expected 'healthy', got 'leakage_suspected'"),
    (with_rules(leak=0.3), LK, "expected 'leakage_suspected', got 'healthy'"),
    (with_rules(gap=1.5), H, "expected 'healthy', got 'overfitting'"),
    (with_rules(gap=3.0), O, "expected 'overfitting', got 'healthy'"),
    (with_rules(climb=1.5), O, "expected 'overfitting', got 'healthy'"),
    (with_rules(underfit=0.95), U, "expected 'underfitting', got 'healthy'"),
    (with_rules(underfit=0.6), H, "expected 'healthy', got 'underfitting'"),
    (with_rules(rise_share=0.5), LR, "expected 'learning_rate_too_high', got"),
    (with_rules(start=1.5), LR, "expected 'learning_rate_too_high', got"),
])
def test_a_mistake_loses_only_the_key_of_its_pattern_and_is_named(solution, lost, words):
    results = results_of(solution)
    assert failing(results) == both(lost)
    public = results[(lost, False)].message
    assert words in public, public
    assert "loss [" in public and "rule " in public and "Looks like " in public
    hidden = results[(lost, True)].message
    assert hidden.startswith(f"{d._article(lost)} {lost} history"), hidden
    assert "loss [" not in hidden and "fires:" not in hidden and "got" not in hidden and "expected" not in hidden
    assert "Looks like " in hidden


def test_any_rise_as_overfitting_loses_the_healthy_key_and_never_values_inputs_or_strings():
    results = results_of(with_rules(climb=1.0))
    lost = failing(results)
    assert both(H) <= lost <= both(H, U)
    assert "expected 'healthy', got 'overfitting'" in results[(H, False)].message


def test_the_order_message_says_which_rule_comes_first():
    for solution, key, words in [
            (overfitting_before_leakage, LK, "the overfitting rule (rule 3) was tested before the "
                                             "leakage_suspected rule (rule 2), which comes first and fires too"),
            (underfitting_before_overfitting, O, "the underfitting rule (rule 4) was tested before the "
                                                 "overfitting rule (rule 3), which comes first and fires too")]:
        results = results_of(solution)
        assert words in results[(key, False)].message and words in results[(key, True)].message


def test_a_wrong_threshold_message_gives_the_numbers():
    message = results_of(with_rules(gap=1.5))[(H, False)].message
    assert "val_loss[-1] is 1." in message and "rule 3 needs more than 2" in message


# --------------------------------------------------------------------------- reading the input

def first_val_key(history, noise_floor):
    val = next(v for k, v in history.items() if k.startswith("val"))
    return reference({"loss": history["loss"], "val_loss": val}, noise_floor)


def lists_only(history, noise_floor):
    history = {k: v.copy() for k, v in history.items()}            # tuples have no .copy()
    return reference(history, noise_floor)


def first_values(history, noise_floor):
    values = list(history.values())
    return reference({"loss": values[0], "val_loss": values[1]}, noise_floor)


@pytest.mark.parametrize("solution, words", [
    (first_val_key, "with extra keys 'mae', 'val_mae' (climbing) and 'learning_rate'"),
    (lists_only, "history 2 of 8, given as tuples: loss ["),
    (first_values, "Looks like your code read another key: use only history['loss'] and "
                   "history['val_loss']"),
])
def test_reading_the_input_wrongly_fails_only_the_inputs_key(solution, words):
    results = results_of(solution)
    assert failing(results) == both(R)
    assert words in results[(R, False)].message, results[(R, False)].message


def test_an_error_on_a_hidden_history_says_its_kind_not_its_text():
    results = results_of(lists_only)
    assert "AttributeError: 'tuple' object has no attribute 'copy'" in results[(R, False)].message
    hidden = results[(R, True)].message
    assert hidden.startswith("an overfitting history (given as tuples): your code raised an error"), hidden
    assert "AttributeError" not in hidden


# --------------------------------------------------------------------------- answers that are not answers

def spelled(how):
    def solution(history, noise_floor):
        return how(reference(history, noise_floor))
    return solution


@pytest.mark.parametrize("how", [str.capitalize, lambda a: a.replace("_", " "), lambda a: [a], lambda a: (a,),
                                 lambda a: f" {a} "])
def test_an_answer_spelled_otherwise_costs_only_the_strings_key(how):
    results = results_of(spelled(how))
    assert failing(results) == both(S)
    assert "is not exactly its string" in results[(S, False)].message
    assert "is not exactly its string" in results[(S, True)].message


@pytest.mark.parametrize("answer, words", [
    (3, "expected one of the strings 'healthy', 'underfitting', 'overfitting', 'learning_rate_too_high', "
        "'leakage_suspected', got an int"),
    ("overfit", "Looks like the answer is not one of the five strings"),
])
def test_an_answer_that_is_no_pattern_is_told_what_to_return(answer, words):
    results = results_of(lambda history, noise_floor: answer)
    assert words in results[(H, False)].message, results[(H, False)].message
    hidden = results[(H, True)].message
    assert "'overfit'" not in hidden and "got" not in hidden and "int" not in hidden.split("(")[0], hidden


def test_a_wrong_pattern_spelled_right_passes_the_strings_key():
    results = results_of(lambda history, noise_floor: "healthy")
    assert (S, False) not in failing(results) and (S, True) not in failing(results)


def test_an_unwritten_exercise_is_reported_as_not_written():
    from autograder.selfcheck import format_report

    def stub(history, noise_floor):
        raise NotImplementedError("diagnose: follow the hint")
    results = run_exercise(NAME, InProcess({NAME: stub}))
    assert "NotImplementedError: diagnose:" in results[0].message
    assert "not written yet" in format_report(results, "Self-check (09)")
