"""The grader <-> sandbox message format (autograder/wire.py).

Length-prefixed JSON with NumPy arrays as base64 of their bytes. The sandboxed
side is untrusted, so everything it could send is checked on arrival: only
numeric arrays, sizes that match shapes, bounded messages, and never pickle.
"""
import base64
import json
import pickle
import socket
import struct
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import wire


def body(message: dict) -> bytes:
    return json.dumps(message).encode()


def array_message(raw: bytes, dtype: str, shape) -> bytes:
    return body({"__nd__": base64.b64encode(raw).decode(), "dtype": dtype, "shape": shape})


def roundtrip(value):
    return wire.loads(wire.dumps(value)[4:])


@pytest.fixture
def pair():
    a, b = socket.socketpair()
    yield a, b
    a.close()
    b.close()


# --------------------------------------------------------------------------- what is refused

@pytest.mark.parametrize("dtype", ["O", "U5", "S3", "c16", "M8[s]", "m8[s]", "V8", "(2,)f8", "i4,O"])
def test_non_numeric_array_dtypes_are_refused_on_arrival(dtype):
    itemsize = np.dtype(dtype).itemsize
    with pytest.raises(wire.WireError, match="refused an array of dtype"):
        wire.loads(array_message(b"\0" * itemsize, dtype, [1]))


@pytest.mark.parametrize("value", [np.array([object()], dtype=object), np.array(["a", "b"]),
                                   np.array([1 + 2j]), np.array([b"x"])])
def test_non_numeric_arrays_cannot_be_sent(value):
    with pytest.raises(wire.WireError, match="cannot send an array of dtype"):
        wire.dumps(value)


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", lambda: 0, Ellipsis])
def test_objects_that_are_not_plain_data_cannot_be_sent(value):
    with pytest.raises(wire.WireError, match="cannot send a"):
        wire.dumps({"value": value})


@pytest.mark.parametrize("raw, shape", [
    (b"\0" * 8, [2]),            # too few bytes
    (b"\0" * 24, [2]),           # too many bytes
    (b"\0" * 8, [-1]),           # a negative dimension
    (b"\0" * 16, [2, 2]),
    (b"", [2 ** 62, 4]),         # a size that overflows
    (b"", [0, -5]),
    (b"", [1.8446744073709552e19]),   # too large for a C long (found by hypothesis)
])
def test_arrays_whose_byte_size_does_not_match_their_shape_are_refused(raw, shape):
    with pytest.raises(wire.WireError):
        wire.loads(array_message(raw, "<f8", shape))


@pytest.mark.parametrize("payload", [
    b"{not json", b"", b"\xff\xfe\x00", b'{"__nd__": "!!!not base64", "dtype": "f8", "shape": [1]}',
    b'{"__nd__": "AA==", "dtype": {"a": 1}, "shape": [1]}', b'{"__nd__": "AA==", "shape": [1]}',
    b'{"__nd__": 5, "dtype": "f8", "shape": []}', b'{"__nd__": "", "dtype": "f8", "shape": 5}',
    b'{"__nd__": "", "dtype": "f8", "shape": [[1]]}', b'{"__nd__": "", "dtype": "nonsense", "shape": []}',
])
def test_malformed_messages_raise_wire_error(payload):
    with pytest.raises(wire.WireError):
        wire.loads(payload)


def test_deeply_nested_messages_raise_wire_error_not_recursion_error():
    with pytest.raises(wire.WireError, match="nested too deeply"):
        wire.loads(b"[" * 100_000 + b"]" * 100_000)


def test_a_message_over_the_size_limit_is_refused_before_it_is_read(pair):
    a, b = pair
    a.sendall(struct.pack("!I", wire.MAX_MESSAGE + 1))      # the header alone: no body follows
    b.settimeout(5)
    with pytest.raises(wire.WireError, match="over the"):
        wire.recv(b)


def test_recv_takes_a_smaller_limit(pair):
    a, b = pair
    wire.send(a, {"x": "y" * 100})
    with pytest.raises(wire.WireError, match="over the 50-byte limit"):
        wire.recv(b, limit=50)


def test_a_truncated_message_is_an_eof_not_a_partial_value(pair):
    a, b = pair
    a.sendall(wire.dumps({"value": list(range(100))})[:-10])
    a.close()
    b.settimeout(5)
    with pytest.raises(EOFError):
        wire.recv(b)


def test_nothing_is_ever_unpickled(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("wire unpickled something")
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(np, "load", forbidden)
    evil = pickle.dumps(np.array([object()], dtype=object))
    for message in (array_message(evil, "O", [1]), array_message(evil, "|V%d" % len(evil), []),
                    body({"__pickle__": base64.b64encode(evil).decode()})):
        try:
            value = wire.loads(message)
        except wire.WireError:
            continue
        assert not isinstance(value, np.ndarray) or value.dtype.kind in "biuf"


# --------------------------------------------------------------------------- what gets through

def test_a_zero_dimensional_array_keeps_its_shape():
    assert roundtrip(np.float32(2.5)).shape == ()
    assert roundtrip(np.asarray(7)).shape == ()
    assert roundtrip({"v": np.asarray(1.0)})["v"].shape == ()


def test_non_contiguous_and_fortran_arrays_arrive_with_their_values():
    a = np.arange(12.0).reshape(3, 4)
    for value in (a.T, a[:, ::2], np.asfortranarray(a)):
        np.testing.assert_array_equal(roundtrip(value), value)


def test_nan_and_inf_survive():
    got = roundtrip({"a": np.array([np.nan, np.inf, -np.inf]), "f": float("nan")})
    assert np.isnan(got["a"][0]) and got["a"][1] == np.inf and got["a"][2] == -np.inf
    assert np.isnan(got["f"])


def test_nested_messages_keep_their_structure():
    message = {"ok": True, "value": [np.ones(2), {"k": np.zeros((0, 3), np.int8)}], "n": None, "s": "é"}
    got = roundtrip(message)
    assert got["ok"] is True and got["n"] is None and got["s"] == "é"
    np.testing.assert_array_equal(got["value"][0], np.ones(2))
    assert got["value"][1]["k"].shape == (0, 3) and got["value"][1]["k"].dtype == np.int8


def test_tuples_arrive_as_lists_and_numpy_scalars_as_arrays():
    got = roundtrip((np.float64(1.5), np.int32(2)))
    assert isinstance(got, list) and got[0].dtype == np.float64 and got[1].dtype == np.int32


def test_send_and_recv_over_a_socket(pair):
    a, b = pair
    value = np.random.default_rng(0).normal(size=(300, 300))     # larger than the socket buffer
    sender = threading.Thread(target=wire.send, args=(a, {"value": value}))
    sender.start()
    b.settimeout(10)
    np.testing.assert_array_equal(wire.recv(b)["value"], value)
    sender.join()


def test_decoded_arrays_are_writable_copies():
    got = roundtrip(np.arange(3.0))
    got[0] = 10.0                       # np.frombuffer alone would be read-only
    assert got[0] == 10.0


NUMERIC_DTYPES = st.one_of(hnp.boolean_dtypes(), hnp.integer_dtypes(endianness="="),
                           hnp.unsigned_integer_dtypes(endianness="="),
                           hnp.floating_dtypes(endianness="="),
                           hnp.floating_dtypes(endianness=">", sizes=(32, 64)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hnp.arrays(NUMERIC_DTYPES, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)))
def test_every_numeric_array_round_trips_exactly(value):
    got = roundtrip({"value": value})["value"]
    assert got.dtype == value.dtype and got.shape == value.shape
    np.testing.assert_array_equal(got, value)      # NaNs compare equal here


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_either_decode_or_raise_wire_error(data):
    try:
        wire.loads(data)
    except wire.WireError:
        pass


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"__nd__": st.one_of(st.text(max_size=12), JSONISH),
                              "dtype": st.one_of(st.sampled_from(["f8", "<i4", "O", "U3", "b1", "V4", "f2"]),
                                                 JSONISH),
                              "shape": st.one_of(st.lists(st.integers(-3, 5), max_size=3), JSONISH)}))
def test_forged_array_records_either_decode_to_numbers_or_raise_wire_error(record):
    try:
        value = wire.loads(body(record))
    except wire.WireError:
        return
    assert isinstance(value, np.ndarray) and value.dtype.kind in "biuf"
