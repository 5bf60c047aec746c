"""Other machines on this one: the environment under which NumPy rounds as another CPU does.

Two things decide the last bits of a NumPy computation on x86-64: the BLAS/LAPACK kernels that
OpenBLAS picks for the processor (``OPENBLAS_CORETYPE`` overrides the pick) and the SIMD loops
NumPy dispatches its own functions to (``exp``, ``log``, reductions; ``NPY_DISABLE_CPU_FEATURES``
turns the wider ones off). Setting both as another processor family would gives this machine that
family's rounding, so a test can run the grader "on" an AVX2 machine (most AMD EPYC and Ryzen
before Zen 4, Intel before Skylake-SP) from an AVX-512 one. A machine can only stand in for
families whose instructions it has: ``available()`` lists those.
"""

from __future__ import annotations

import ctypes
import glob
import os
from pathlib import Path

import numpy as np

#: NumPy's dispatch targets above the SSE4.2 baseline, widest last
_WIDE = ("AVX512_SPR", "AVX512_ICL", "X86_V4")
_AVX2 = ("X86_V3",)

#: processor family -> (OpenBLAS kernels, NumPy dispatch targets turned off)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "avx512": ("SkylakeX", ()),  # Intel Skylake-SP and later, AMD Zen 4 and later
    "avx2": ("Haswell", _WIDE),  # Intel Haswell to Comet Lake, AMD Zen 1-3 (OpenBLAS runs Zen on Haswell kernels)
    "avx": ("Sandybridge", _WIDE + _AVX2),  # Intel Sandy and Ivy Bridge
    "sse4": ("Nehalem", _WIDE + _AVX2),  # NumPy's baseline (x86-64-v2)
}


def _cpu_features() -> dict:
    from numpy._core._multiarray_umath import __cpu_features__

    return dict(__cpu_features__)


def _dispatch_targets() -> tuple[str, ...]:
    from numpy._core._multiarray_umath import __cpu_dispatch__

    return tuple(__cpu_dispatch__)


def openblas_core() -> str:
    """The kernels OpenBLAS runs in this process (``"SkylakeX"``, ``"Haswell"``...), or ``"?"``."""
    libs = glob.glob(str(Path(np.__file__).resolve().parent.parent / "numpy.libs" / "libscipy_openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename64_", "openblas_get_corename"):
            func = getattr(lib, name, None)
            if func is not None:
                func.restype = ctypes.c_char_p
                return func().decode()
    return "?"


def this_kind() -> str:
    """The family this process rounds as: from the NumPy targets it dispatches to and, below
    AVX2, the OpenBLAS kernels."""
    features = _cpu_features()
    if features.get("X86_V4"):
        return "avx512"
    if features.get("X86_V3"):
        return "avx2"
    return "avx" if openblas_core() == "Sandybridge" else "sse4"


def available() -> list[str]:
    """The families this machine can stand in for: its own and every narrower one (x86-64 only)."""
    if os.uname().machine not in ("x86_64", "AMD64"):
        return []
    order = list(KINDS)
    return order[order.index(this_kind()):]


def environment(kind: str) -> dict[str, str]:
    """The environment variables that make a NumPy process started with them round as ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown processor family {kind!r}: choose one of {', '.join(KINDS)}")
    core, off = KINDS[kind]
    known = set(_dispatch_targets())
    return {"OPENBLAS_CORETYPE": core, "NPY_DISABLE_CPU_FEATURES": " ".join(t for t in off if t in known)}


def describe() -> str:
    """``avx2 (OpenBLAS Haswell)``: how this process rounds, for reports."""
    return f"{this_kind()} (OpenBLAS {openblas_core()})"
