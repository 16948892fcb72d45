"""PyTorch reference for `embedsweeps bench train`: the identical training step — BERT forward
with dropout, mean pooling + normalisation, MultipleNegativesRankingLoss (scale 20) on NLI
(anchor, positive, soft negative) triplets, backward, gradient clipping to 1.0, AdamW (weight
decay 0.01, none on biases and LayerNorm) — on the same batch size and sequence limit.

    python3 bench/train_reference.py MODEL_DIR NLI_TRAIN.tsv [--batch-size 32] [--max-seq-length 64] [--steps 10] [--warmup-steps 3]

Tokenization happens before the clock starts. Prints JSON: median step, pairs/s, tokens/s, peak RSS.
"""
import argparse
import json
import os
import random
import resource
import statistics
import time

import torch

from blas_info import blas_info

from encode_reference import WordPiece, forward, load_safetensors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-seq-length", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup-steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)

    config = json.load(open(os.path.join(args.model, "config.json")))
    weights = {k: torch.nn.Parameter(v) for k, v in load_safetensors(os.path.join(args.model, "model.safetensors")).items()
               if not k.startswith("pooler")}
    tokenizer = WordPiece(os.path.join(args.model, "vocab.txt"))
    rows = [line.rstrip("\n").split("\t") for line in open(args.data, encoding="utf-8")][1:]
    entailed = [(p, h) for p, h, label in rows if label == "0"]
    negatives = [h for _, h in entailed]
    random.Random(42).shuffle(negatives)
    triplets = [(p, h, n) for (p, h), n in zip(entailed, negatives)]
    random.Random(42).shuffle(triplets)
    steps = args.steps + args.warmup_steps
    batches = []
    for step in range(steps):
        chunk = triplets[step * args.batch_size:(step + 1) * args.batch_size]
        columns = []
        for c in range(3):
            encoded = [tokenizer.encode(t[c], args.max_seq_length) for t in chunk]
            longest = max(map(len, encoded))
            ids = torch.tensor([e + [0] * (longest - len(e)) for e in encoded])
            mask = torch.tensor([[1] * len(e) + [0] * (longest - len(e)) for e in encoded])
            columns.append((ids, mask))
        batches.append((columns, int(sum(mask.sum() for _, mask in columns))))

    no_decay = lambda n: n.endswith("bias") or "LayerNorm.weight" in n
    optimizer = torch.optim.AdamW([
        {"params": [p for n, p in weights.items() if not no_decay(n)], "weight_decay": 0.01},
        {"params": [p for n, p in weights.items() if no_decay(n)], "weight_decay": 0.0}], lr=2e-5)

    def step(columns):
        embeddings = []
        for ids, mask in columns:
            tokens = forward(weights, config, ids, mask, 0.1)
            m = mask.unsqueeze(-1).float()
            embeddings.append(torch.nn.functional.normalize((tokens * m).sum(1) / m.sum(1).clamp(min=1e-9), p=2, dim=1))
        scores = embeddings[0] @ torch.cat(embeddings[1:]).T * 20.0
        loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(scores)))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(weights.values(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    times, tokens = [], []
    for index, (columns, token_count) in enumerate(batches):
        start = time.perf_counter()
        step(columns)
        if index >= args.warmup_steps:
            times.append(time.perf_counter() - start)
            tokens.append(token_count)
    median = statistics.median(times)
    print(json.dumps({
        "benchmark": "train", "implementation": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(), "blas": blas_info(),
        "loss": "mnrl", "batch_size": args.batch_size, "max_seq_length": args.max_seq_length, "timed_steps": len(times),
        "median_step_seconds": round(median, 4), "pairs_per_second": round(args.batch_size / median, 2),
        "tokens_per_second": round(statistics.mean(tokens) / median, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }, indent=2))



if __name__ == "__main__":
    main()
