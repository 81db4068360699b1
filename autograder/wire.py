"""The message format between the grader and a sandboxed submission.

Length-prefixed JSON, with NumPy arrays as base64 of their raw bytes. Nothing is
ever unpickled: a submission can only send numbers, strings, None, lists,
tuples and dicts, and only numeric array dtypes are accepted back.

Python types survive the trip. JSON keeps int, float (NaN and ±inf included),
bool, None, str and list apart; three marker objects carry the rest:

    array   {"__nd__": "<base64>", "dtype": "<f8", "shape": [2, 3]}
    tuple   {"__tuple__": [item, ...]}
    dict    {"__dict__": [[key, value], ...]}

A dict whose keys are all text, none of them a marker name, travels as a plain
JSON object; any other dict (a key that is an int, float, bool or None, or a
text key such as "__nd__") travels in the pair form, so no key of a learner's
dict can be mistaken for a marker. On arrival every marker object must have
exactly its own fields, and any other object must hold no marker name.

Nothing a sender wrote is quoted in an error: a refused message is described in
the receiver's words only. The receiving side is bounded: MAX_MESSAGE bytes, MAX_NODES values (JSON values
and keys, counted in the raw text before it is parsed, so millions of tiny
objects are refused before they are built), and MAX_DEPTH levels of nesting.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import socket
import struct
import time

import numpy as np

MAX_MESSAGE = 16 * 1024 * 1024          # a message larger than this is refused
MAX_NODES = 250_000                     # values (and keys) in one message
MAX_DEPTH = 100                         # nesting of lists, tuples and dicts (arrays excluded)
_NUMERIC_KINDS = "biuf"                 # bool, int, unsigned, float
_DTYPE = re.compile(r"[<>|=]?(b1|[iu][1248]|f[248])")      # the array dtypes accepted on arrival

_ND, _TUPLE, _DICT = "__nd__", "__tuple__", "__dict__"
MARKERS = frozenset((_ND, _TUPLE, _DICT))
_ND_FIELDS = frozenset((_ND, "dtype", "shape"))
_KEY_TYPES = (str, bool, int, float, type(None))


class WireError(Exception):
    """A malformed, oversized or truncated message."""


# --------------------------------------------------------------------------- encoding

def _key(key):
    """A dict key as str, int, float, bool or None (NumPy scalars become their Python value)."""
    if isinstance(key, np.generic) and key.dtype.kind in _NUMERIC_KINDS:
        key = key.item()
    if key is None or type(key) in (str, bool, int, float):
        return key
    raise WireError(f"cannot send a dict key of type {type(key).__name__}")


def _encode(value, depth=0):
    if depth > MAX_DEPTH:
        raise WireError("cannot send a value nested this deeply")
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _NUMERIC_KINDS:
            raise WireError(f"cannot send an array of dtype {value.dtype}")
        arr = np.asarray(value, order="C")      # (np.ascontiguousarray would make a 0-d array 1-d)
        return {_ND: base64.b64encode(arr.tobytes()).decode("ascii"),
                "dtype": arr.dtype.str, "shape": list(arr.shape)}
    if isinstance(value, np.generic):
        return _encode(np.asarray(value), depth)
    if isinstance(value, dict):
        keys = [_key(k) for k in value]
        items = [_encode(v, depth + 1) for v in value.values()]
        if all(type(k) is str and k not in MARKERS for k in keys):
            return dict(zip(keys, items))
        return {_DICT: [[k, v] for k, v in zip(keys, items)]}
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [_encode(v, depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise WireError(f"cannot send a {type(value).__name__}")


# --------------------------------------------------------------------------- decoding

# A JSON string with its escapes removed, or an unterminated one running to the end
_STRING = re.compile(rb'"[^"]*(?:"|\Z)')


def _count_nodes(body: bytes) -> int:
    """An upper bound on the values and keys in JSON text `body` (exact but for empty containers).

    Each container, element and key is announced by a `[`, `{`, `,` or `:` (plus the top value),
    so counting those outside strings bounds what json.loads would build. Every pass is linear."""
    def count(text):
        return 1 + text.count(b",") + text.count(b":") + text.count(b"[") + text.count(b"{")
    n = count(body)
    if n <= MAX_NODES:
        return n
    # Perhaps inside strings: count again without them. Escapes first (a run of backslashes
    # pairs up from its start, as JSON reads it), then every string is "[^"]*".
    text = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    strings = text.count(b'"') // 2            # each string is a value or a key
    if strings > MAX_NODES:
        return strings
    return count(_STRING.sub(b'""', text))


def _unique_pairs(pairs):
    """json.loads' object hook: a dict, refusing a key given twice (json would keep the last)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        raise WireError("malformed message: an object has the same key twice")
    return out


def _array(value):
    if set(value) != _ND_FIELDS:
        raise WireError("malformed message: an array record has other fields than __nd__, dtype, shape")
    data, dtype, shape = value[_ND], value["dtype"], value["shape"]
    if not isinstance(data, str) or not isinstance(dtype, str) or not isinstance(shape, list) or \
            not all(type(n) is int and n >= 0 for n in shape):
        raise WireError("malformed message: an array record's fields have the wrong types")
    if not _DTYPE.fullmatch(dtype):
        raise WireError("refused an array whose dtype is not a plain numeric one")
    dtype = np.dtype(dtype)
    raw = base64.b64decode(data, validate=True)
    if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
        raise WireError("array size does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(tuple(shape)).copy()


def _decode(value, depth=0):
    if depth > MAX_DEPTH:
        raise WireError("malformed message: nested too deeply")
    if isinstance(value, list):
        return [_decode(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value                    # str, int, float, bool or None: all json.loads makes
    marks = [k for k in value if k in MARKERS]
    if not marks:
        return {k: _decode(v, depth + 1) for k, v in value.items()}
    if len(marks) > 1:
        raise WireError("malformed message: an object holds two markers")
    mark = marks[0]
    if mark == _ND:
        return _array(value)
    if len(value) != 1 or not isinstance(value[mark], list):
        raise WireError(f"malformed message: a {mark} record must be {{{mark!r}: [...]}} alone")
    if mark == _TUPLE:
        return tuple(_decode(v, depth + 1) for v in value[mark])
    out = {}
    for pair in value[mark]:
        if not isinstance(pair, list) or len(pair) != 2:
            raise WireError("malformed message: a __dict__ item is not a [key, value] pair")
        key = pair[0]
        if not isinstance(key, _KEY_TYPES):
            raise WireError(f"malformed message: a dict key of type {type(key).__name__}")
        if key in out:
            raise WireError("malformed message: a dict key is given twice")
        out[key] = _decode(pair[1], depth + 1)
    return out


def dumps(message) -> bytes:
    body = json.dumps(_encode(message), allow_nan=True).encode("utf-8")
    if _count_nodes(body) > MAX_NODES:
        raise WireError(f"cannot send more than {MAX_NODES} values in one message")
    return struct.pack("!I", len(body)) + body


def loads(body: bytes):
    if _count_nodes(body) > MAX_NODES:
        raise WireError(f"message of more than {MAX_NODES} values refused")
    try:
        return _decode(json.loads(body.decode("utf-8"), object_pairs_hook=_unique_pairs))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, OverflowError, binascii.Error) as exc:
        raise WireError(f"malformed message ({type(exc).__name__})") from None
    except RecursionError:
        raise WireError("malformed message: nested too deeply") from None


def send(sock: socket.socket, message) -> None:
    sock.sendall(dumps(message))


def _recv_exact(sock: socket.socket, n: int, deadline: float | None = None) -> bytes:
    """`n` bytes, by `deadline` (time.monotonic()) when given: a sender trickling bytes just inside
    the socket's timeout cannot stretch the wait."""
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("no complete message in time")
            sock.settimeout(left)
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv(sock: socket.socket, limit: int = MAX_MESSAGE, timeout: float | None = None):
    """One message; with `timeout`, the whole message must arrive within that many seconds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    (size,) = struct.unpack("!I", _recv_exact(sock, 4, deadline))
    if size > limit:
        raise WireError(f"a message over the {limit}-byte limit")
    return loads(_recv_exact(sock, size, deadline))
