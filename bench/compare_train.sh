#!/usr/bin/env bash
# EmbedSweeps (fp32 and bf16) vs the PyTorch reference doing the identical training step:
# all-MiniLM-L6-v2, MultipleNegativesRankingLoss on NLI triplets, batch 32, max_seq_length 64,
# 10 timed steps after 3 warm-up steps per run; RUNS runs (default 3), the three programs taking turns
# so that a slow minute of the machine hits all of them. Prints one JSON object: every run, the median
# of the runs' median step times per program, and the ratios of those medians (same run of this script).
# Needs Debian's python3-torch: apt-get install python3-torch libopenblas0-openmp
set -euo pipefail
python="${PYTHON:-/usr/bin/python3}"   # Debian's interpreter, where apt installs python3-torch
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-$root/../shared/models/all-MiniLM-L6-v2}"
runs="${RUNS:-3}"
# OpenBLAS older than the CPU falls back to SSE3 kernels; name the family the CPU supports (see openblas_core.py)
# (only when it names one: an empty or unknown value makes OpenBLAS fall back to its slowest kernels)
core="${OPENBLAS_CORETYPE:-$("$python" "$root/bench/openblas_core.py")}"
if [ -n "$core" ]; then export OPENBLAS_CORETYPE="$core"; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
args=(--model "$model" --data nli --loss mnrl --batch-size 32 --max-seq-length 64 --steps 10 --warmup-steps 3)
for run in $(seq 1 "$runs"); do
  "$root/embedsweeps" bench train "${args[@]}" --precision fp32 --json "$work/fp32-$run.json" > /dev/null
  "$root/embedsweeps" bench train "${args[@]}" --precision bf16 --json "$work/bf16-$run.json" > /dev/null
  (cd "$root/bench" && "$python" train_reference.py "$model" "$root/../shared/data/nli/train.tsv" \
    --batch-size 32 --max-seq-length 64 --steps 10 --warmup-steps 3 --threads "$(nproc)") > "$work/pytorch-$run.json"
done
"$python" - "$work" "$runs" <<'PY'
import json, os, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
results = {name: [json.load(open(os.path.join(work, f"{name}-{run}.json"))) for run in range(1, runs + 1)]
           for name in ("fp32", "bf16", "pytorch")}
step = {name: statistics.median(r["median_step_seconds"] for r in rs) for name, rs in results.items()}
print(json.dumps({
    "runs": results,
    "median_step_seconds": step,
    "pairs_per_second": {name: round(32 / seconds, 2) for name, seconds in step.items()},
    "fp32_vs_pytorch": round(step["pytorch"] / step["fp32"], 3),
    "bf16_vs_pytorch": round(step["pytorch"] / step["bf16"], 3),
    "bf16_vs_fp32": round(step["fp32"] / step["bf16"], 3),
}, indent=2))
PY
