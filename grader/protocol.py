"""The wire format between the grader and a student's process: plain data only.

A message is JSON whose values are dicts, lists, strings, numbers, booleans, None and
float64 arrays (sent as their shape and raw little-endian bytes in base64). Nothing is ever
unpickled or evaluated: decoding builds fresh dicts, lists and arrays, and anything else is
refused. Frames are a 4-byte length and the payload, with a size limit, so a student's
process cannot flood the grader's memory.
"""

from __future__ import annotations

import base64
import json
import os
import struct

import numpy as np

MAX_FRAME = 64 * 1024 * 1024  # bytes


class ProtocolError(ValueError):
    """A message that is not plain data, or a broken frame."""


def _encode_value(obj):
    if isinstance(obj, np.ndarray) or isinstance(obj, np.generic):
        array = np.array(obj, dtype="<f8", order="C")  # (ascontiguousarray would turn a scalar into shape (1,))
        return {"__f64__": list(array.shape), "b64": base64.b64encode(array.tobytes()).decode("ascii")}
    if isinstance(obj, dict):
        return {str(k): _encode_value(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_encode_value(v) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise ProtocolError(f"cannot send a {type(obj).__name__}: only numbers, strings, lists, dicts and float arrays cross")


def _decode_value(obj):
    if isinstance(obj, dict):
        if "__f64__" in obj:
            shape = obj["__f64__"]
            if not (isinstance(shape, list) and all(isinstance(s, int) and s >= 0 for s in shape) and isinstance(obj.get("b64"), str)):
                raise ProtocolError("malformed array")
            raw = base64.b64decode(obj["b64"], validate=True)
            if len(raw) != 8 * int(np.prod(shape, dtype=np.int64)):
                raise ProtocolError("array size does not match its shape")
            return np.frombuffer(raw, dtype="<f8").astype(np.float64).reshape(tuple(shape))
        return {k: _decode_value(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode_value(v) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise ProtocolError(f"unexpected {type(obj).__name__} in a message")


def encode(obj) -> bytes:
    payload = json.dumps(_encode_value(obj), allow_nan=True).encode("utf-8")
    if len(payload) > MAX_FRAME:
        raise ProtocolError(f"message of {len(payload)} bytes is over the limit of {MAX_FRAME}")
    return struct.pack(">I", len(payload)) + payload


def decode(payload: bytes):
    try:
        return _decode_value(json.loads(payload.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, TypeError) as exc:
        raise ProtocolError(f"not a valid message: {exc}") from None


def write_frame(fd: int, obj) -> None:
    data = encode(obj)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int):
    (size,) = struct.unpack(">I", _read_exact(fd, 4))
    if size > MAX_FRAME:
        raise ProtocolError(f"frame of {size} bytes is over the limit")
    return decode(_read_exact(fd, size))
