"""Benchmark: the cost of one landscape evaluation in isolated grading, the part that is not math.

    python bench/protocol.py [--size 1000] [--trips 3000]

1. Encoding and decoding one callback frame holding a (1, size) array (``grader/protocol.py``).
2. A round trip of such frames through two pipes to a second process and back, with both
   processes on one core, and with each on its own core. Isolated grading makes one round
   trip for every loss or gradient an optimizer asks of a reference landscape.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.sandbox import protocol  # noqa: E402
from grader.sandbox.protocol import decode, encode, read_frame, write_frame  # noqa: E402

#: frames before commit f699a2f were a 4-byte length and JSON with base64 arrays
OLD_FORMAT = not hasattr(protocol, "to_plain")


def codec_seconds(message, repeat=5, number=1000) -> float:
    def once():
        frame = encode(message)
        decode(frame[4:]) if OLD_FORMAT else decode(frame[8:], int.from_bytes(frame[4:8], "big"))

    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            once()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def round_trip_seconds(message, trips: int, parent_core: int, child_core: int) -> float:
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the echo: read a frame, answer with its array
        os.sched_setaffinity(0, {child_core})
        for _ in range(trips + 10):
            request = read_frame(to_child_r)
            write_frame(from_child_w, {"ok": True, "value": request["args"][0]})
        os._exit(0)
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {parent_core})
    try:
        for _ in range(10):  # warm up
            write_frame(to_child_w, message)
            read_frame(from_child_r)
        start = time.perf_counter()
        for _ in range(trips):
            write_frame(to_child_w, message)
            read_frame(from_child_r)
        return (time.perf_counter() - start) / trips
    finally:
        os.sched_setaffinity(0, before)
        os.waitpid(pid, 0)
        for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
            os.close(fd)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--trips", type=int, default=3000)
    args = parser.parse_args()
    message = {"op": "callback", "handle": 0, "method": "grad", "args": [np.random.default_rng(0).normal(size=(1, args.size))]}
    print(f"encode + decode of a callback with a (1, {args.size}) array: {codec_seconds(message) * 1e6:.1f} us", flush=True)
    cores = sorted(os.sched_getaffinity(0))
    same = round_trip_seconds(message, args.trips, cores[0], cores[0])
    print(f"round trip, both processes on core {cores[0]}: {same * 1e6:.1f} us", flush=True)
    if len(cores) > 1:
        apart = round_trip_seconds(message, args.trips, cores[0], cores[1])
        print(f"round trip, processes on cores {cores[0]} and {cores[1]}: {apart * 1e6:.1f} us ({apart / same:.2f}x one core)", flush=True)


if __name__ == "__main__":
    main()
