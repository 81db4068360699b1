"""The learner's in-notebook self-check: a report, and a cell that fails until every public check passes."""
import keras
import pytest

from autograder.selfcheck import SelfCheckFailed, self_check


def right_mse(y_true, y_pred):
    y_pred = keras.ops.convert_to_tensor(y_pred)
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == 1 and len(y_pred.shape) == 2:          # (n,) with (n, 1): line up
        y_true = keras.ops.expand_dims(y_true, -1)
    if len(y_pred.shape) == 1 and len(y_true.shape) == 2:
        y_pred = keras.ops.expand_dims(y_pred, -1)
    return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)


def summed_mse(y_true, y_pred):          # the classic slip: sum instead of mean over the last axis
    y_pred = keras.ops.convert_to_tensor(y_pred)
    y_true = keras.ops.cast(y_true, y_pred.dtype)
    return keras.ops.sum(keras.ops.square(y_true - y_pred), axis=-1)


def test_all_checks_passing_prints_well_done_and_raises_nothing(capsys):
    assert self_check("mse", namespace={"mse": right_mse}) is None
    out = capsys.readouterr().out
    assert "✗" not in out and out.rstrip().endswith("Well done!")


def test_a_failing_check_raises_after_printing_the_report(capsys):
    with pytest.raises(SelfCheckFailed, match=r"\d+ of \d+ checks fail"):
        self_check("mse", namespace={"mse": summed_mse})
    out = capsys.readouterr().out
    assert "✗" in out and "✓" in out          # partly right: some checks pass, some fail
    assert "Well done" not in out


def test_an_unwritten_exercise_raises_and_says_not_written(capsys):
    def mse(y_true, y_pred):
        raise NotImplementedError("mse: Square the error, then take keras.ops.mean over axis=-1.")
    with pytest.raises(SelfCheckFailed):
        self_check("mse", namespace={"mse": mse})
    assert "not written yet" in capsys.readouterr().out


def test_quiet_mode_returns_the_verdict_without_raising(capsys):
    assert self_check("mse", namespace={"mse": summed_mse}, quiet=True) is False
    assert self_check("mse", namespace={"mse": right_mse}, quiet=True) is True
    assert capsys.readouterr().out == ""
