"""One flaw costs its own check keys, and the same points under every seed.

Every corpus file with an `# expect:` header (tests/corpus.py) is graded in this
process: its public checks once, its hidden checks under 20 seeds. Under each
seed exactly the expected keys fail (public and hidden twins alike), so the
score is the same whatever the secret seed is.
"""
import functools
import runpy

import pytest

from autograder import exercises, references
from autograder.checks import Context, checks_for
from autograder.runner import InProcess, Withheld, run_exercises
from autograder.targets import CachedReference

from corpus import all_expectations

SEEDS = range(20)
CASES = all_expectations()


def each(cases):
    """One test per corpus file, named by its path (under pytest-xdist a file's tests share a worker and its
    grading: tests/conftest.py)."""
    return [pytest.param(e, id=e.id) for e in cases]


def _graded_names(exp, namespace):
    chapters = {exercises.exercise(name).chapter for name in exp.exercises}
    return [ex.name for ch in sorted(chapters) for ex in exercises.exercises_for(ch) if ex.name in namespace]


@functools.cache
def answer_key():
    """One answer key for the whole corpus, each distinct question computed once, as in a batch."""
    return CachedReference(references.namespace())


@functools.cache
def graded(path):
    """(public results, {seed: [(exercise, key, passed, weight share)]}) of one corpus file."""
    namespace = runpy.run_path(str(path), run_name="submission")
    exp = next(e for e in CASES if e.path == path)
    names = _graded_names(exp, namespace)
    target = InProcess(namespace)
    public = run_exercises(names, target, seed=None, reference=answer_key())
    hidden = {}
    for seed in SEEDS:
        rows = []
        for name in names:
            checks = checks_for(name, seed)
            total = sum(c.weight for c in checks)
            ex = exercises.exercise(name)
            for check in checks:
                if check.hidden:
                    ctx = Context(Withheld(target), answer_key(), name, hidden=True)
                    outcome = check.run(ctx)
                    rows.append((name, check.key, outcome.passed, ex.points * check.weight / total))
        hidden[seed] = rows
    return public, hidden


def test_the_corpus_has_expectations():
    assert len(CASES) >= 30


@pytest.mark.parametrize("exp", each(CASES))
def test_exactly_the_expected_keys_fail_under_every_seed(exp):
    public, hidden = graded(exp.path)
    failed_public = {(r.exercise, r.key) for r in public if not r.passed}
    assert failed_public <= exp.fails, [(r.exercise, r.key, r.message) for r in public if not r.passed]
    for seed, rows in hidden.items():
        failed = {(e, k) for e, k, ok, _ in rows if not ok}
        assert failed <= exp.fails, (seed, failed - exp.fails)
        every_key = {(r.exercise, r.key) for r in public} | {(e, k) for e, k, _, _ in rows}
        assert exp.fails <= every_key, exp.fails - every_key            # the header names real keys
        assert exp.fails <= failed_public | failed, (seed, exp.fails - failed_public - failed)


@pytest.mark.parametrize("exp", each(CASES))
def test_the_same_score_under_every_seed(exp):
    _, hidden = graded(exp.path)
    scores = {seed: round(sum(share for *_, ok, share in rows if ok), 6) for seed, rows in hidden.items()}
    assert len(set(scores.values())) == 1, scores


@pytest.mark.parametrize("exp", each([e for e in CASES if e.says]))
def test_a_failing_public_check_says_what_is_wrong(exp):
    public, _ = graded(exp.path)
    messages = " | ".join(r.message for r in public if not r.passed)
    for words in exp.says:
        assert words in messages, messages


ONE_SECONDARY_FLAW = [e for e in CASES if e.path.parent.name == "one_flaw" and len(e.fails) == 1
                      and next(iter(e.fails))[1] != "values"]


@pytest.mark.parametrize("exp", each(ONE_SECONDARY_FLAW))
def test_one_secondary_flaw_keeps_at_least_70_percent(exp):
    public, hidden = graded(exp.path)
    (name, _), = exp.fails
    score = sum(r.score for r in public if r.exercise == name) + \
        sum(share for e, _, ok, share in hidden[0] if ok and e == name)
    assert score >= 0.7 * exercises.exercise(name).points
