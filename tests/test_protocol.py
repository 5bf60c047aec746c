"""The wire format: plain data round-trips exactly; anything else, or a broken frame, is refused."""

import json
import os
import struct

import numpy as np
import pytest

from grader.sandbox.protocol import MAX_FRAME, ProtocolError, decode, encode, from_plain, read_frame, to_plain, write_frame


def _roundtrip(obj):
    frame = encode(obj)
    size, header_size = struct.unpack(">II", frame[:8])
    assert size == len(frame) - 8
    return decode(frame[8:], header_size)


def _frame(header: dict, raw: bytes = b"") -> tuple[bytes, int]:
    text = json.dumps(header).encode()
    return text + raw, len(text)


def test_plain_data_and_arrays_round_trip_exactly():
    X = np.random.default_rng(0).normal(size=(3, 4))
    message = {"op": "fit", "n": None, "flags": [True, False], "k": 3, "x": 2.5, "s": "é", "arrays": [X, np.float64(7.0), np.zeros((0, 2)), np.array([np.inf, -np.inf, np.nan])]}
    back = _roundtrip(message)
    np.testing.assert_array_equal(back["arrays"][0], X)
    assert back["arrays"][1].shape == () and float(back["arrays"][1]) == 7.0
    assert back["arrays"][2].shape == (0, 2)
    np.testing.assert_array_equal(back["arrays"][3], [np.inf, -np.inf, np.nan])
    assert {k: back[k] for k in ("op", "n", "flags", "k", "x", "s")} == {k: message[k] for k in ("op", "n", "flags", "k", "x", "s")}
    assert back["arrays"][0].flags.writeable  # a fresh array, not a view of the frame


def test_integer_and_boolean_arrays_cross_as_float64():
    back = _roundtrip({"a": np.array([[1, 2], [3, 4]]), "b": np.array([True, False])})
    assert back["a"].dtype == np.float64 and back["b"].dtype == np.float64


@pytest.mark.parametrize("thing", [object(), {1, 2}, b"bytes", np.array(["text"]), lambda: 0])
def test_anything_else_is_refused_when_sent(thing):
    with pytest.raises((ProtocolError, ValueError)):
        encode({"value": thing})


@pytest.mark.parametrize(
    "payload, header_size, why",
    [
        (*_frame({"a": {"__f64__": [2], "i": 0}}, np.zeros(1).tobytes()), "too few bytes"),
        (*_frame({"a": {"__f64__": [1], "i": 0}}, np.zeros(2).tobytes()), "bytes left over"),
        (*_frame({"a": {"__f64__": [1], "i": 1}}, np.zeros(1).tobytes()), "index out of order"),
        (*_frame({"a": {"__f64__": [1], "i": 0}, "b": {"__f64__": [1], "i": 0}}, np.zeros(2).tobytes()), "index used twice"),
        (*_frame({"a": {"__f64__": [-1], "i": 0}}), "negative shape"),
        (*_frame({"a": {"__f64__": [2**40, 2**40], "i": 0}}), "a shape larger than any frame"),
        (*_frame({"a": {"__f64__": [1], "i": 0, "pickle": "x"}}, np.zeros(1).tobytes()), "extra keys in a placeholder"),
        (*_frame({"a": {"__f64__": [1], "i": True}}, np.zeros(1).tobytes()), "a boolean index"),
        (b"{not json", 9, "not JSON"),
        (b"\xff\xfe", 2, "not UTF-8"),
        (*_frame({"a": 1}), "header size past the end"),
    ],
)
def test_broken_frames_are_refused(payload, header_size, why):
    if why == "header size past the end":
        header_size = len(payload) + 5
    with pytest.raises(ProtocolError):
        decode(payload, header_size)


def test_frames_over_the_limit_are_refused_on_both_sides():
    r, w = os.pipe()
    try:
        os.write(w, struct.pack(">II", MAX_FRAME + 1, 2))
        with pytest.raises(ProtocolError):
            read_frame(r)
    finally:
        os.close(r)
        os.close(w)
    with pytest.raises(ProtocolError):
        encode({"big": np.zeros(MAX_FRAME // 8 + 1)})


def test_frames_cross_a_pipe_and_eof_is_reported():
    r, w = os.pipe()
    X = np.arange(6.0).reshape(2, 3)
    write_frame(w, {"op": "callback", "args": [X]})
    os.close(w)
    got = read_frame(r)
    np.testing.assert_array_equal(got["args"][0], X)
    with pytest.raises(EOFError):
        read_frame(r)
    os.close(r)


def test_stored_form_round_trips_and_refuses_non_plain_data():
    X = np.linspace(0, 1, 5)
    stored = json.loads(json.dumps(to_plain({"X": X, "k": [1, None]})))
    back = from_plain(stored)
    np.testing.assert_array_equal(back["X"], X)
    assert back["k"] == [1, None]
    with pytest.raises(ProtocolError):
        from_plain({"X": {"__f64__": [6], "b64": stored["X"]["b64"]}})
    with pytest.raises(ProtocolError):
        to_plain({"x": object()})


def _frame(header: bytes, body: bytes = b"") -> bytes:
    import struct

    return struct.pack(">II", len(header) + len(body), len(header)) + header + body


@pytest.mark.parametrize(
    "header",
    [
        b"[" * 100000 + b"]" * 100000,  # nested too deeply for the decoder
        b'{"a": {"__f64__": [' + b",".join([b"4611686018427387904"] * 50000) + b'], "i": 0}}',  # a huge shape
        b'{"pad": [' + b"{}," * 400000 + b"{}]}",  # a header over 1 MiB (arrays travel as raw bytes)
    ],
    ids=["deep", "huge_shape", "large_header"],
)
def test_hostile_headers_are_refused_cheaply(header):
    """A frame built to make the reader recurse, multiply huge numbers or build millions of
    objects is a ProtocolError at once (found by a red-team pass: each cost the grader seconds
    of CPU or gigabytes of memory, or crashed it with a RecursionError)."""
    import time

    payload = _frame(header)[8:]
    start = time.process_time()
    with pytest.raises(ProtocolError):
        decode(payload, len(header))
    assert time.process_time() - start < 1.0
