#!/usr/bin/env bash
# EmbedSweeps vs the PyTorch reference on the same texts (STS-B validation, 3,000 sentences), same
# batch size and thread count; prints one JSON object with both medians and their ratio.
# Needs Debian's python3-torch (and libopenblas0-openmp): apt-get install python3-torch libopenblas0-openmp
set -euo pipefail
python="${PYTHON:-/usr/bin/python3}"   # Debian's interpreter, where apt installs python3-torch
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-$root/../shared/models/all-MiniLM-L6-v2}"
runs="${RUNS:-5}"
# OpenBLAS older than the CPU falls back to SSE3 kernels; name the family the CPU supports (see openblas_core.py)
# (only when it names one: an empty or unknown value makes OpenBLAS fall back to its slowest kernels)
core="${OPENBLAS_CORETYPE:-$("$python" "$root/bench/openblas_core.py")}"
if [ -n "$core" ]; then export OPENBLAS_CORETYPE="$core"; fi
work="$(mktemp -d)"
tail -n +2 "$root/../shared/data/stsb/validation.tsv" | cut -f1,2 | tr '\t' '\n' > "$work/texts.txt"
"$root/embedsweeps" bench encode --model "$model" --input "$work/texts.txt" --runs "$runs" --json "$work/csharp.json" > /dev/null
"$python" "$root/bench/encode_reference.py" "$model" "$work/texts.txt" --runs "$runs" --threads "$(nproc)" > "$work/pytorch.json"
"$python" - "$work/csharp.json" "$work/pytorch.json" <<'PY'
import json, sys
cs, pt = (json.load(open(p)) for p in sys.argv[1:3])
print(json.dumps({"embedsweeps": cs, "pytorch": pt,
                  "speedup": round(cs["sentences_per_second"] / pt["sentences_per_second"], 3)}, indent=2))
PY
rm -rf "$work"
