#!/usr/bin/env bash
# EmbedSweeps (fp32 and bf16) vs the PyTorch reference doing the identical training step:
# all-MiniLM-L6-v2, MultipleNegativesRankingLoss on NLI triplets, batch 32, max_seq_length 64,
# 10 timed steps after 3 warm-up steps. Prints one JSON object with the three runs and the ratios.
# Needs Debian's python3-torch: apt-get install python3-torch libopenblas0-openmp
set -euo pipefail
python="${PYTHON:-/usr/bin/python3}"   # Debian's interpreter, where apt installs python3-torch
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-$root/../shared/models/all-MiniLM-L6-v2}"
work="$(mktemp -d)"
args=(--model "$model" --data nli --loss mnrl --batch-size 32 --max-seq-length 64 --steps 10 --warmup-steps 3)
"$root/embedsweeps" bench train "${args[@]}" --precision fp32 --json "$work/fp32.json" > /dev/null
"$root/embedsweeps" bench train "${args[@]}" --precision bf16 --json "$work/bf16.json" > /dev/null
(cd "$root/bench" && "$python" train_reference.py "$model" "$root/../shared/data/nli/train.tsv" \
  --batch-size 32 --max-seq-length 64 --steps 10 --warmup-steps 3 --threads "$(nproc)") > "$work/pytorch.json"
"$python" - "$work" <<'PY'
import json, sys, os
runs = {name: json.load(open(os.path.join(sys.argv[1], name + ".json"))) for name in ("fp32", "bf16", "pytorch")}
pt = runs["pytorch"]["pairs_per_second"]
print(json.dumps({**runs, "fp32_vs_pytorch": round(runs["fp32"]["pairs_per_second"] / pt, 3),
                  "bf16_vs_pytorch": round(runs["bf16"]["pairs_per_second"] / pt, 3)}, indent=2))
PY
rm -rf "$work"
