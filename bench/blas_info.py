"""Which BLAS a PyTorch process calls: what torch.__config__ states (BLAS_INFO=generic means the system's
libblas.so.3) and what the process actually loaded (/proc/self/maps: Debian's alternatives pick reference BLAS
or OpenBLAS). Benchmarks print it, since the reference's speed depends on it."""
import re

import torch


def blas_info():
    build = sorted(set(re.findall(r"\b(?:BLAS|LAPACK)_INFO=\w+", torch.__config__.show())))
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    except OSError:
        paths = set()
    return {"build": build, "loaded": sorted(p for p in paths if "blas" in p.lower() or "lapack" in p.lower())}
