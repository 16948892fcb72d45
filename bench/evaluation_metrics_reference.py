"""Independent reference values for EmbedSweeps' evaluation metrics, computed with numpy, scipy and
scikit-learn on a small data set this script makes (seeded). It writes
tests/EmbedSweeps.Embeddings.Tests/Fixtures/evaluation_metrics.json: the inputs and the expected values,
which tests/EmbedSweeps.Embeddings.Tests/Evaluation/EvaluationMetricsTests.cs compares against.

Run with Debian's python3-numpy, python3-scipy and python3-sklearn:
    /usr/bin/python3 bench/evaluation_metrics_reference.py

Definitions (as sentence-transformers' evaluators and MTEB 2.x state them):
- retrieval: rank the corpus by the similarity (ties by corpus order), per query accuracy@k, precision@k,
  recall@k (k = 1, 3, 5, 10), MRR@10, NDCG@10 with binary gains, MAP@100 = sum of precision at each hit
  / min(100, #relevant); means over queries.
- pair classification: accuracy and F1 at the best cut of the score-sorted list, average precision
  (sklearn.metrics.average_precision_score).
- STS: scipy.stats.pearsonr / spearmanr of the cosine similarities with the gold scores.
- triplet: share of rows with cos(anchor, positive) > cos(anchor, negative).
- classification sampling: numpy.random.RandomState(seed).shuffle, one generator for all experiments
  (MTEB 1.x) or a fresh one per experiment (MTEB 2.x).
- classification: sklearn accuracy_score, f1_score(average=macro|weighted).
- percentiles: numpy.percentile (linear).
"""
import json
import os

import numpy as np
from scipy import stats
from sklearn.metrics import average_precision_score

rng = np.random.default_rng(7)
DIM = 8


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# --- retrieval
queries = rng.normal(size=(12, DIM)).astype(np.float32)
corpus = rng.normal(size=(160, DIM)).astype(np.float32)  # more than 100 documents: the top-k evicts
corpus[17] = corpus[5]  # an exact tie: corpus order decides
corpus[150] = corpus[5]  # and one beyond the first chunks
relevant = [sorted(rng.choice(160, size=rng.integers(1, 4), replace=False).tolist()) for _ in range(12)]
relevant[0] = [5, 17]


def retrieval(fn):
    if fn == "cosine":
        scores = unit(queries.astype(np.float64)) @ unit(corpus.astype(np.float64)).T
    else:
        scores = queries.astype(np.float64) @ corpus.astype(np.float64).T
    out = {}
    per = {}
    for q in range(len(queries)):
        order = np.argsort(-scores[q], kind="stable")
        hits = np.isin(order, relevant[q])
        n_rel = len(relevant[q])
        for k in (1, 3, 5, 10):
            per.setdefault(f"{fn}_accuracy_at_{k}", []).append(float(hits[:k].any()))
            per.setdefault(f"{fn}_precision_at_{k}", []).append(hits[:k].sum() / k)
            per.setdefault(f"{fn}_recall_at_{k}", []).append(hits[:k].sum() / n_rel)
        first = np.flatnonzero(hits[:10])
        per.setdefault(f"{fn}_mrr_at_10", []).append(1.0 / (first[0] + 1) if len(first) else 0.0)
        discounts = 1.0 / np.log2(np.arange(2, 12))
        dcg = (hits[:10] * discounts[: len(hits[:10])]).sum()
        idcg = discounts[: min(n_rel, 10)].sum()
        per.setdefault(f"{fn}_ndcg_at_10", []).append(dcg / idcg)
        ranks = np.flatnonzero(hits[:100]) + 1
        precisions = np.arange(1, len(ranks) + 1) / ranks
        per.setdefault(f"{fn}_map_at_100", []).append(precisions.sum() / min(100, n_rel))
    for key, values in per.items():
        out[key] = float(np.mean(values))
    return out


# --- pair classification (scores with ties, binary labels)
pair_scores = np.round(rng.uniform(-1, 1, size=60), 2)
pair_labels = (pair_scores + rng.normal(scale=0.6, size=60) > 0.1).astype(int)


def best_cut(scores, labels):
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    n = len(y)
    positives_so_far = np.cumsum(y)[:-1]
    negatives_after = (y == 0).sum() - np.cumsum(y == 0)[:-1]
    accuracy = (positives_so_far + negatives_after) / n
    i = int(np.argmax(accuracy))
    best_accuracy, accuracy_threshold = float(accuracy[i]), float((s[i] + s[i + 1]) / 2)
    extracted = np.arange(1, n)
    precision = positives_so_far / extracted
    recall = positives_so_far / y.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(positives_so_far > 0, 2 * precision * recall / (precision + recall), 0.0)
    j = int(np.argmax(f1))
    return {
        "cosine_accuracy": best_accuracy, "cosine_accuracy_threshold": accuracy_threshold,
        "cosine_f1": float(f1[j]), "cosine_precision": float(precision[j]), "cosine_recall": float(recall[j]),
        "cosine_f1_threshold": float((s[j] + s[j + 1]) / 2),
        "cosine_ap": float(average_precision_score(labels, scores)),
    }


# --- STS and triplets
sts_first = rng.normal(size=(30, DIM))
sts_second = sts_first + rng.normal(scale=1.0, size=(30, DIM))
sts_gold = np.round(rng.uniform(0, 5, size=30), 1)
cos = (unit(sts_first) * unit(sts_second)).sum(axis=1)
anchors, positives, negatives = (rng.normal(size=(25, DIM)) for _ in range(3))
positives = anchors + rng.normal(scale=1.2, size=(25, DIM))
triplet_accuracy = float(((unit(anchors) * unit(positives)).sum(1) > (unit(anchors) * unit(negatives)).sum(1)).mean())

# --- MTEB sampling
labels = [f"l{i % 4}" for i in range(60)]


def draw(protocol, experiments=3, per_label=3, seed=42):
    idxs = np.arange(len(labels))
    generator = np.random.RandomState(seed)
    result = []
    for _ in range(experiments):
        if protocol == "mteb-v2":
            generator = np.random.RandomState(seed)
        generator.shuffle(idxs)
        counts, chosen = {}, []
        for i in idxs:
            if counts.get(labels[i], 0) < per_label:
                chosen.append(int(i))
                counts[labels[i]] = counts.get(labels[i], 0) + 1
        result.append(chosen)
    return result


percentile_values = rng.normal(size=101).tolist()

# --- classification scores (a label only predicted, one only true)
class_truth = rng.integers(0, 5, size=80)
class_predicted = np.where(rng.uniform(size=80) < 0.6, class_truth, rng.integers(0, 6, size=80))
from sklearn.metrics import accuracy_score, f1_score

fixture = {
    "versions": {"numpy": np.__version__, "scipy": __import__("scipy").__version__, "sklearn": __import__("sklearn").__version__},
    "retrieval": {
        "queries": queries.tolist(), "corpus": corpus.tolist(), "relevant": relevant,
        "expected": {"cosine": retrieval("cosine"), "dot": retrieval("dot")},
    },
    "pair_classification": {"scores": pair_scores.tolist(), "labels": pair_labels.tolist(), "expected": best_cut(pair_scores, pair_labels)},
    "sts": {
        "cosine": cos.tolist(), "gold": sts_gold.tolist(),
        "expected": {"pearson": float(stats.pearsonr(cos, sts_gold)[0]), "spearman": float(stats.spearmanr(cos, sts_gold)[0])},
    },
    "triplet": {"anchors": anchors.tolist(), "positives": positives.tolist(), "negatives": negatives.tolist(), "expected": triplet_accuracy},
    "sampling": {"labels": labels, "mteb-v1": draw("mteb-v1"), "mteb-v2": draw("mteb-v2")},
    "classification": {
        "truth": class_truth.tolist(), "predicted": class_predicted.tolist(),
        "accuracy": float(accuracy_score(class_truth, class_predicted)),
        "f1": float(f1_score(class_truth, class_predicted, average="macro")),
        "f1_weighted": float(f1_score(class_truth, class_predicted, average="weighted")),
    },
    "percentile": {"values": percentile_values, "p2_5": float(np.percentile(percentile_values, 2.5)), "p97_5": float(np.percentile(percentile_values, 97.5))},
}
target = os.path.join(os.path.dirname(__file__), "..", "tests", "EmbedSweeps.Embeddings.Tests", "Fixtures", "evaluation_metrics.json")
with open(target, "w") as f:
    json.dump(fixture, f)
print(json.dumps({k: v.get("expected") if isinstance(v, dict) else None for k, v in fixture.items()}, indent=1)[:1500])
