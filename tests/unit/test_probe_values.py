"""How the probes turn return values into plain data (autograder/probes.py: plain, call, answer forms).

The probes run both in the learner's kernel (self-check, no wire) and in the sandbox (grading,
over autograder/wire.py), so what they return must survive the wire with its Python types:
tuples stay tuples, dict keys keep their type.
"""
import numpy as np
import pytest

from autograder import probes, wire
from autograder.probes import ProbeError, check_answer_form, plain


def call(fn, *args):
    return probes.call({"f": fn}, "f", list(args))


def roundtrip(value):
    return wire.loads(wire.dumps(value)[4:])


def test_a_numpy_int_key_becomes_a_python_int():
    got = plain({np.int64(3): 1.0})
    assert got == {3: 1.0} and type(next(iter(got))) is int


def test_a_numpy_float_key_becomes_a_python_float():
    got = plain({np.float32(0.5): 1.0})
    assert got == {0.5: 1.0} and type(next(iter(got))) is float


def test_a_numpy_bool_key_becomes_a_python_bool():
    assert type(next(iter(plain({np.bool_(True): 1.0})))) is bool


def test_int_float_bool_and_text_keys_keep_their_type():
    got = plain({0: 1.0, 1.5: 2.0, "k": 4.0})
    assert [type(k) for k in got] == [int, float, str]
    assert type(next(iter(plain({0.0: 1.0})))) is float


def test_tuples_stay_tuples_and_lists_stay_lists():
    got = plain({"t": (1, np.float32(2.5)), "l": [np.int64(1)]})
    assert got == {"t": (1, 2.5), "l": [1]}
    assert type(got["t"]) is tuple and type(got["l"]) is list


def test_numbers_become_python_numbers_of_their_kind():
    got = plain([np.int32(1), np.float32(0.5), np.bool_(True), True, 2])
    assert [type(v) for v in got] == [int, float, bool, bool, int]


@pytest.mark.parametrize("key", [(0, 1), None], ids=repr)
def test_keys_that_are_not_text_or_numbers_are_refused(key):
    with pytest.raises(ProbeError, match="key"):
        plain({key: 1.0})


def test_plain_values_cross_the_wire_unchanged():
    value = plain({np.int64(0): 0.5, 1.0: (np.float64(0.25), True), "l": ["x", ()], "__tuple__": ()})
    got = roundtrip(value)
    assert got == value
    assert [type(k) for k in got] == [type(k) for k in value]
    assert type(got[1.0]) is tuple and type(got[1.0][1]) is bool and type(got["l"][1]) is tuple
    assert type(got["__tuple__"]) is tuple


def test_call_of_a_function_returning_a_tuple_gives_a_tuple_of_arrays():
    got = call(lambda x: (x, x * 2), np.arange(3.0))
    assert type(got) is tuple and len(got) == 2 and all(isinstance(v, np.ndarray) for v in got)
    np.testing.assert_array_equal(got[1], [0.0, 2.0, 4.0])


def test_call_of_a_function_returning_a_list_gives_one_array():
    got = call(lambda x: [x, x], np.arange(3.0))
    assert isinstance(got, np.ndarray) and got.shape == (2, 3)


def test_a_tuple_from_call_crosses_the_wire_as_a_tuple():
    got = roundtrip(call(lambda: (np.ones(2, np.float32), 3)))
    assert type(got) is tuple and got[0].dtype == np.float32 and got[1].shape == ()


@pytest.mark.parametrize("answer", [np.ones(2), (np.ones(2), np.zeros(1)), [np.ones(2)]],
                         ids=["array", "tuple", "list"])
def test_call_answers_may_be_an_array_or_a_tuple_or_list_of_arrays(answer):
    assert check_answer_form("call", answer) is answer


@pytest.mark.parametrize("answer", [(np.ones(2), 1.0), "text", {"a": np.ones(1)}], ids=repr)
def test_call_answers_of_other_forms_are_refused(answer):
    with pytest.raises(ProbeError, match="unexpected form"):
        check_answer_form("call", answer)


def test_a_metric_stream_answer_holds_a_list_of_results():
    answer = {"results": [np.ones(()), np.ones(())], "after_reset": np.zeros(()), "again": np.ones(())}
    assert check_answer_form("metric_stream", answer) is answer


@pytest.mark.parametrize("answer", ["healthy", 1.5, 2, True, (0.5, 0.75), [0.5, 0.75], {0: 1.0, 1: 2.5},
                                    {0.0: 1.0}, {"a": [1, "b"]}, {"a": ((),)}, {"k": {}}],
                         ids=repr)
def test_value_answers_may_be_anything_plain_returns(answer):
    assert check_answer_form("value", answer) is answer


@pytest.mark.parametrize("answer", [np.ones(2), {"a": np.ones(1)}, (np.float64(1.0),), None, {"a": None},
                                    {"a": [[[1]]]}, {(1, 2): 1.0}],
                         ids=repr)
def test_value_answers_plain_could_not_return_are_refused(answer):
    with pytest.raises(ProbeError, match="unexpected form"):
        check_answer_form("value", answer)
