"""PyTorch reference for `embedsweeps bench encode`: the same BERT forward pass, mean/CLS pooling
and normalisation, in PyTorch (Debian's python3-torch; install libopenblas0-openmp for speed),
on the same texts, batch size and sequence limit. Tokenization (pure Python here, Rust in
Hugging Face's stack) is done before the clock starts, so the time is the model's alone.

    python3 bench/encode_reference.py MODEL_DIR TEXTS.txt [--batch-size 32] [--runs 5] [--threads N]

Prints JSON like the C# benchmark: median seconds, sentences/s, tokens/s, peak RSS.
"""
import argparse
import json
import os
import resource
import statistics
import struct
import time
import unicodedata

import numpy as np
import torch

from blas_info import blas_info


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        assert entry["dtype"] == "F32"
        tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype=np.float32).reshape(entry["shape"]).copy())
    return tensors


class WordPiece:
    """Hugging Face's BasicTokenizer + WordPiece (lower-casing models)."""

    def __init__(self, vocab_path):
        self.vocab = {line.rstrip("\n"): i for i, line in enumerate(open(vocab_path, encoding="utf-8"))}

    def words(self, text):
        text = "".join(" " if c in " \t\n\r" or unicodedata.category(c) == "Zs" else c for c in text
                       if not (ord(c) in (0, 0xFFFD) or (c not in "\t\n\r" and unicodedata.category(c).startswith("C"))))
        text = "".join(f" {c} " if 0x4E00 <= ord(c) <= 0x9FFF else c for c in text)
        text = unicodedata.normalize("NFC", text)
        out = []
        for word in text.split():
            word = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")
            current = ""
            for c in word:
                cp = ord(c)
                if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 or unicodedata.category(c).startswith("P"):
                    if current:
                        out.append(current)
                    out.append(c)
                    current = ""
                else:
                    current += c
            if current:
                out.append(current)
        return out

    def encode(self, text, max_length):
        ids = [self.vocab["[CLS]"]]
        for word in self.words(text):
            if len(word) > 100:
                ids.append(self.vocab["[UNK]"])
                continue
            pieces, start = [], 0
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = ("##" if start > 0 else "") + word[start:end]
                    if piece in self.vocab:
                        found = self.vocab[piece]
                        break
                    end -= 1
                if found is None:
                    pieces = [self.vocab["[UNK]"]]
                    break
                pieces.append(found)
                start = end
            ids.extend(pieces)
        return ids[: max_length - 1] + [self.vocab["[SEP]"]]


def forward(w, config, ids, mask, p=0.0):
    """BERT as Hugging Face computes it (post-LayerNorm, erf GELU, additive mask); dropout p when training."""
    F = torch.nn.functional
    h, heads, eps = config["hidden_size"], config["num_attention_heads"], config["layer_norm_eps"]
    b, s = ids.shape
    positions = torch.arange(s).unsqueeze(0)
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][positions] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = F.dropout(F.layer_norm(x, (h,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps), p)
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    for i in range(config["num_hidden_layers"]):
        q_ = f"encoder.layer.{i}."
        lin = lambda t, name: F.linear(t, w[q_ + name + ".weight"], w[q_ + name + ".bias"])
        split = lambda t: t.view(b, s, heads, h // heads).transpose(1, 2)
        q, k, v = split(lin(x, "attention.self.query")), split(lin(x, "attention.self.key")), split(lin(x, "attention.self.value"))
        probs = F.dropout((q @ k.transpose(-1, -2) / (h // heads) ** 0.5 + additive).softmax(-1), p)
        context = (probs @ v).transpose(1, 2).reshape(b, s, h)
        x = F.layer_norm(F.dropout(lin(context, "attention.output.dense"), p) + x, (h,),
                         w[q_ + "attention.output.LayerNorm.weight"], w[q_ + "attention.output.LayerNorm.bias"], eps)
        inner = F.gelu(lin(x, "intermediate.dense"))
        x = F.layer_norm(F.dropout(lin(inner, "output.dense"), p) + x, (h,),
                         w[q_ + "output.LayerNorm.weight"], w[q_ + "output.LayerNorm.bias"], eps)
    return x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("texts")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--max-seq-length", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    config = json.load(open(os.path.join(args.model, "config.json")))
    pooling = json.load(open(os.path.join(args.model, "1_Pooling", "config.json")))
    max_length = args.max_seq_length or json.load(open(os.path.join(args.model, "sentence_bert_config.json")))["max_seq_length"]
    weights = load_safetensors(os.path.join(args.model, "model.safetensors"))
    tokenizer = WordPiece(os.path.join(args.model, "vocab.txt"))
    texts = [line.rstrip("\n") for line in open(args.texts, encoding="utf-8")]
    encoded = sorted((tokenizer.encode(t, max_length) for t in texts), key=len, reverse=True)
    batches = []
    for start in range(0, len(encoded), args.batch_size):
        chunk = encoded[start:start + args.batch_size]
        longest = max(map(len, chunk))
        ids = torch.tensor([c + [0] * (longest - len(c)) for c in chunk])
        batches.append((ids, torch.tensor([[1] * len(c) + [0] * (longest - len(c)) for c in chunk])))

    def run():
        with torch.inference_mode():
            for ids, mask in batches:
                tokens = forward(weights, config, ids, mask)
                if pooling["pooling_mode_cls_token"]:
                    pooled = tokens[:, 0]
                else:
                    m = mask.unsqueeze(-1).float()
                    pooled = (tokens * m).sum(1) / m.sum(1).clamp(min=1e-9)
                torch.nn.functional.normalize(pooled, p=2, dim=1)

    run()
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    tokens = sum(map(len, encoded))
    print(json.dumps({
        "benchmark": "encode", "implementation": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(), "blas": blas_info(),
        "texts": len(texts), "tokens": tokens, "batch_size": args.batch_size, "max_seq_length": max_length,
        "runs": len(times), "median_seconds": round(median, 4),
        "sentences_per_second": round(len(texts) / median, 1), "tokens_per_second": round(tokens / median, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }, indent=2))



if __name__ == "__main__":
    main()
