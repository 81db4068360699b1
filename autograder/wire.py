"""The message format between the grader and a sandboxed submission.

Length-prefixed JSON, with NumPy arrays as base64 of their raw bytes. Nothing is
ever unpickled: a submission can only send numbers, strings, lists and dicts,
and only numeric array dtypes are accepted back.
"""
from __future__ import annotations

import base64
import json
import socket
import struct

import numpy as np

MAX_MESSAGE = 64 * 1024 * 1024          # a reply larger than this is refused
_NUMERIC_KINDS = "biuf"                 # bool, int, unsigned, float


class WireError(Exception):
    """A malformed, oversized or truncated message."""


def _encode(value):
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _NUMERIC_KINDS:
            raise WireError(f"cannot send an array of dtype {value.dtype}")
        arr = np.asarray(value, order="C")      # (np.ascontiguousarray would make a 0-d array 1-d)
        return {"__nd__": base64.b64encode(arr.tobytes()).decode("ascii"),
                "dtype": arr.dtype.str, "shape": list(arr.shape)}
    if isinstance(value, np.generic):
        return _encode(np.asarray(value))
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise WireError(f"cannot send a {type(value).__name__}")


def _decode(value):
    if isinstance(value, dict):
        if "__nd__" in value:
            dtype = np.dtype(str(value["dtype"]))
            if dtype.kind not in _NUMERIC_KINDS:
                raise WireError(f"refused an array of dtype {dtype}")
            shape = tuple(int(n) for n in value["shape"])
            raw = base64.b64decode(value["__nd__"])
            if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
                raise WireError("array size does not match its shape")
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(message) -> bytes:
    body = json.dumps(_encode(message), allow_nan=True).encode("utf-8")
    return struct.pack("!I", len(body)) + body


def loads(body: bytes):
    try:
        return _decode(json.loads(body.decode("utf-8")))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, OverflowError) as exc:
        raise WireError(f"malformed message: {exc}") from None
    except RecursionError:
        raise WireError("malformed message: nested too deeply") from None


def send(sock: socket.socket, message) -> None:
    sock.sendall(dumps(message))


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv(sock: socket.socket, limit: int = MAX_MESSAGE):
    (size,) = struct.unpack("!I", _recv_exact(sock, 4))
    if size > limit:
        raise WireError(f"message of {size} bytes is over the {limit}-byte limit")
    return loads(_recv_exact(sock, size))
