"""The time limits of one call: --call-seconds, unless the exercise declares a larger allowance."""
from autograder import exercises
from autograder.targets import Limits


def test_an_exercise_without_an_allowance_gets_the_call_limit():
    assert Limits(call=20).call_for("huber") == 20


def test_the_capstone_which_trains_a_model_in_each_call_gets_its_declared_allowance():
    assert Limits(call=20).call_for("decide") == exercises.exercise("decide").call_seconds == 90


def test_a_call_limit_larger_than_the_allowance_wins():
    assert Limits(call=120).call_for("decide") == 120


def test_a_name_that_is_no_exercise_gets_the_call_limit():
    assert Limits(call=7).call_for("helper") == 7


def test_the_capstones_text_states_its_allowance():
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "solutions" / "11_capstone.ipynb").read_text()
    assert f"A call may take at most {exercises.exercise('decide').call_seconds} seconds" in text
