"""Which BLAS a PyTorch process calls: what torch.__config__ states (BLAS_INFO=generic means the system's
libblas.so.3) and what the process actually loaded (/proc/self/maps: Debian's alternatives pick reference BLAS
or OpenBLAS). Benchmarks print it, since the reference's speed depends on it."""
import ctypes
import os
import re

import torch


def blas_info():
    build = sorted(set(re.findall(r"\b(?:BLAS|LAPACK)_INFO=\w+", torch.__config__.show())))
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    except OSError:
        paths = set()
    loaded = sorted(p for p in paths if "blas" in p.lower() or "lapack" in p.lower())
    return {"build": build, "loaded": loaded, "openblas_core": openblas_core(loaded),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "")}


def openblas_core(loaded):
    """The kernel family OpenBLAS runs with (openblas_get_corename), or None when OpenBLAS is not loaded."""
    for path in loaded:
        if "openblas" in os.path.basename(path):
            try:
                library = ctypes.CDLL(path)
                library.openblas_get_corename.restype = ctypes.c_char_p
                return library.openblas_get_corename().decode()
            except (OSError, AttributeError):
                return None
    return None
