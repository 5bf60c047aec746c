"""The wire format between the grader and a student's process: plain data only.

A message is built from dicts, lists, strings, numbers, booleans, None and float64 arrays.
Nothing is ever unpickled or evaluated: decoding builds fresh dicts, lists and arrays, and
anything else is refused.

A frame is ``>II`` (the length of everything after these 8 bytes, the length of the JSON
header), the JSON header, then the arrays' raw little-endian float64 bytes, one after another.
In the header an array is a placeholder ``{"__f64__": shape, "i": k}``: the k-th array of the
frame, whose byte count follows from its shape. The bytes must add up exactly, each array is
used once, and a frame has a size limit, so a student's process cannot flood the grader's
memory. Raw bytes, rather than base64 inside JSON, keep a round trip with a (1, 1000) array
at a few microseconds of encoding.

``to_plain`` and ``from_plain`` are the JSON form (arrays as base64) used to store data on disk.
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import struct
import time

import numpy as np

MAX_FRAME = 64 * 1024 * 1024  # bytes
MAX_HEADER = 1024 * 1024  # bytes of JSON: arrays travel as raw bytes, so a real header is small
MAX_DIMS = 32  # NumPy's own limit on an array's dimensions
_HEAD = struct.Struct(">II")


class ProtocolError(ValueError):
    """A message that is not plain data, or a broken frame."""


def _as_f64(obj) -> np.ndarray:
    return np.array(obj, dtype="<f8", order="C")  # (ascontiguousarray would turn a scalar into shape (1,))


def _check_shape(shape) -> tuple[int, ...]:
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMS and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)):
        raise ProtocolError("malformed array")
    if 0 not in shape:
        count = 1
        for s in shape:  # stop as soon as it is too large: no product of huge numbers
            count *= s
            if 8 * count > MAX_FRAME:
                raise ProtocolError("array larger than a frame")
    return tuple(shape)


def _plain(obj, array_form):
    """``obj`` as JSON-ready values, each array replaced by ``array_form(float64 array)``."""
    if isinstance(obj, (np.ndarray, np.generic)):
        return array_form(_as_f64(obj))
    if isinstance(obj, dict):
        return {str(k): _plain(v, array_form) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v, array_form) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise ProtocolError(f"cannot encode a {type(obj).__name__}: only numbers, strings, lists, dicts and float arrays cross")


def _placeholders(obj, found: list) -> None:
    """Check that a decoded header is plain data; append each array placeholder's (index, shape)."""
    if isinstance(obj, dict):
        if "__f64__" in obj:
            index = obj.get("i")
            if set(obj) != {"__f64__", "i"} or not isinstance(index, int) or isinstance(index, bool):
                raise ProtocolError("malformed array")
            found.append((index, _check_shape(obj["__f64__"])))
            return
        for v in obj.values():
            _placeholders(v, found)
    elif isinstance(obj, list):
        for v in obj:
            _placeholders(v, found)
    elif not (obj is None or isinstance(obj, (bool, int, float, str))):
        raise ProtocolError(f"unexpected {type(obj).__name__} in a message")


def _fill(obj, arrays: dict):
    if isinstance(obj, dict):
        if "__f64__" in obj:
            return arrays[obj["i"]]
        return {k: _fill(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_fill(v, arrays) for v in obj]
    return obj


def encode(obj) -> bytes:
    """One frame for ``obj`` (``ProtocolError`` if it holds anything but plain data)."""
    arrays: list[np.ndarray] = []

    def placeholder(array):
        arrays.append(array)
        return {"__f64__": list(array.shape), "i": len(arrays) - 1}

    header = json.dumps(_plain(obj, placeholder), allow_nan=True).encode("utf-8")
    size = len(header) + sum(a.nbytes for a in arrays)
    if size > MAX_FRAME:
        raise ProtocolError(f"message of {size} bytes is over the limit of {MAX_FRAME}")
    return b"".join([_HEAD.pack(size, len(header)), header, *(a.tobytes() for a in arrays)])


def decode(payload: bytes, header_size: int):
    """The message in ``payload`` (a frame without its 8-byte head); ``ProtocolError`` for
    anything else, however it is malformed (too large, too deep, inconsistent)."""
    try:
        return _decode(payload, header_size)
    except ProtocolError:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError, KeyError) as exc:
        raise ProtocolError(f"not a valid message ({type(exc).__name__})") from None


def _decode(payload: bytes, header_size: int):
    if not 0 <= header_size <= len(payload):
        raise ProtocolError("header size out of range")
    if header_size > MAX_HEADER:
        raise ProtocolError(f"header of {header_size} bytes is over the limit of {MAX_HEADER}")
    try:
        header = json.loads(payload[:header_size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, TypeError) as exc:
        raise ProtocolError(f"not a valid message: {exc}") from None
    placeholders: list = []
    _placeholders(header, placeholders)
    if sorted(i for i, _ in placeholders) != list(range(len(placeholders))):
        raise ProtocolError("array placeholders are not numbered 0, 1, ... once each")
    shapes = dict(placeholders)
    arrays, offset = {}, header_size
    for index in range(len(shapes)):
        nbytes = 8 * math.prod(shapes[index])
        if offset + nbytes > len(payload):
            raise ProtocolError("array bytes run past the end of the frame")
        arrays[index] = np.frombuffer(payload, dtype="<f8", count=nbytes // 8, offset=offset).astype(np.float64).reshape(shapes[index])
        offset += nbytes
    if offset != len(payload):
        raise ProtocolError("frame has bytes that belong to no array")
    return _fill(header, arrays)


def _wait(fd: int, deadline: float | None, write: bool = False) -> None:
    """Wait until ``fd`` is ready, or raise ``TimeoutError`` at ``deadline`` (``time.monotonic``)."""
    if deadline is None:
        return
    remaining = deadline - time.monotonic()
    ready = select.select([], [fd], [], max(remaining, 0))[1] if write else select.select([fd], [], [], max(remaining, 0))[0]
    if not ready:
        raise TimeoutError


def write_frame(fd: int, obj, deadline: float | None = None) -> None:
    """Write one frame. With ``deadline`` (``fd`` should then be non-blocking), a reader that
    stops reading cannot hold the writer past it: ``TimeoutError``."""
    data = encode(obj)
    view = memoryview(data)
    while view:
        _wait(fd, deadline, write=True)
        try:
            written = os.write(fd, view[: 1 << 16])
        except BlockingIOError:
            continue
        view = view[written:]


def _read_exact(fd: int, n: int, deadline: float | None = None) -> bytes:
    chunks, remaining = [], n
    while remaining:
        _wait(fd, deadline)
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None):
    """Read one frame. With ``deadline``, a writer that stops mid-frame cannot hold the reader
    past it: ``TimeoutError``."""
    size, header_size = _HEAD.unpack(_read_exact(fd, _HEAD.size, deadline))
    if size > MAX_FRAME:
        raise ProtocolError(f"frame of {size} bytes is over the limit")
    return decode(_read_exact(fd, size, deadline), header_size)


# ----------------------------------------------------------------------------- stored form
def to_plain(obj):
    """``obj`` as JSON-ready values, arrays as ``{"__f64__": shape, "b64": ...}``."""
    return _plain(obj, lambda array: {"__f64__": list(array.shape), "b64": base64.b64encode(array.tobytes()).decode("ascii")})


def from_plain(obj):
    """The inverse of ``to_plain``, refusing anything that is not plain data."""
    if isinstance(obj, dict):
        if "__f64__" in obj:
            shape = _check_shape(obj["__f64__"])
            if not isinstance(obj.get("b64"), str):
                raise ProtocolError("malformed array")
            raw = base64.b64decode(obj["b64"], validate=True)
            if len(raw) != 8 * math.prod(shape):
                raise ProtocolError("array size does not match its shape")
            return np.frombuffer(raw, dtype="<f8").astype(np.float64).reshape(shape)
        return {k: from_plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [from_plain(v) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise ProtocolError(f"unexpected {type(obj).__name__} in stored data")
