"""Prints the OpenBLAS kernel family this CPU supports (for OPENBLAS_CORETYPE), or nothing.

Why: OpenBLAS picks its kernels by the CPU's family and model number, and a version older than the
CPU does not know it. Debian bookworm's OpenBLAS 0.3.21 reads this machine's Xeon (family 6,
model 207) as "Prescott" — SSE3 kernels, about a sixth of the speed its AVX-512 kernels reach
(2048² sgemm on 2 threads: 0.60 s vs 0.095 s) — which made the PyTorch reference look 4× slower
than it is. The benchmarks name the kernel family from the CPU's feature flags instead, so the
reference runs at its real speed; blas_info() reports the kernels actually used.

    OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-$(python3 bench/openblas_core.py)}"
"""


def core_for_flags(flags):
    """The newest OpenBLAS x86-64 core family whose instructions `flags` (from /proc/cpuinfo) all has."""
    if {"avx512f", "avx512bw", "avx512vl", "avx512_bf16"} <= flags:
        return "Cooperlake"
    if {"avx512f", "avx512bw", "avx512vl"} <= flags:
        return "SkylakeX"
    if {"avx2", "fma"} <= flags:
        return "Haswell"
    return ""


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


if __name__ == "__main__":
    print(core_for_flags(cpu_flags()))
