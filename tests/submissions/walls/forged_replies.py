"""mse writes its own replies on the sandbox's socket, each carrying the inputs it was given (hidden ones
included, marked LEAK): malformed JSON, a huge error text, a dict with a key given twice, a deep nest. None
of it may reach a hidden message, and results.json must stay small."""
import json
import os
import socket
import stat
import struct

import numpy as np

CALLS = [0]


def _socket():
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                return socket.socket(fileno=os.dup(fd))
        except OSError:
            continue


def _send(sock, body: bytes):
    sock.sendall(struct.pack("!I", len(body)) + body)


def mse(y_true, y_pred):
    leak = "LEAK" + repr(np.asarray(y_true).round(4).tolist())
    sock = _socket()
    n = CALLS[0] % 4
    CALLS[0] += 1
    if n == 0:
        _send(sock, b'{"ok": ' + leak.encode() * 50)
    elif n == 1:
        _send(sock, json.dumps({"ok": False, "error": leak * 20000}).encode())
    elif n == 2:
        _send(sock, ('{"ok": true, "value": {"__dict__": [["%s", 1], ["%s", 2]]}}' % (leak, leak)).encode())
    else:
        _send(sock, b'{"ok": true, "value": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    raise RuntimeError(leak)
