"""The capstone's bands (autograder/checks/capstone.py) are the numbers its exercise text states."""
from autograder import exercises
from autograder.checks import capstone as C


def test_the_stated_phrases_carry_the_bands_the_checks_use():
    states = exercises.exercise("decide").states
    assert f"at least {C.NEAR:.0%} of what the reference saves" in states["values"]
    assert f"at least {C.BASELINE:.0%} below" in states["beats-baseline"]
    assert f"at least {C.SHIFT_SHARE:.0%} more of the rows" in states["cost-sensitive"]
    assert f"at most {C.AGREE:.0%} may differ" in states["per-row"]


def test_the_trivial_rules_and_the_expected_cost():
    y = [1, 0, 0, 0]
    assert C.expected_cost([1, 1, 0, 0], y, 1.0, 10.0) == 0.25            # one false positive
    assert C.expected_cost([0, 0, 0, 0], y, 1.0, 10.0) == 2.5             # one missed positive
    assert C.trivial_cost(y, 1.0, 10.0) == (0.75, "always 1")


def test_the_hidden_draws_follow_the_grading_seed_and_stay_in_their_ranges():
    import numpy as np
    seen = set()
    for seed in range(20):
        costs, high, problems, _ = C.draws(np.random.default_rng([seed, 1]), hidden=True)
        assert 8 <= costs["values"][1] <= 12 and 3 <= costs["beats-baseline"][1] <= 5
        assert 8 <= high[1] <= 12 and costs["values"][0] == 1.0
        assert 0.08 < problems["values"]["y_test"].mean() < 0.2
        seen.add(costs["values"][1])
    assert len(seen) > 5
