"""MTEB's classification protocol (AbsTaskClassification, logReg evaluator) in Python with
scikit-learn, on embeddings saved by `embedsweeps encode`. It cross-checks the C# evaluator on the
same inputs:

    ./embedsweeps encode --model M --input train.txt --output train.npy
    ./embedsweeps encode --model M --input test.txt --output test.npy
    python3 bench/mteb_classification_reference.py train.npy ../shared/data/banking77/train.tsv \
        test.npy ../shared/data/banking77/test.tsv [mteb-v2|mteb-v1]

The sampling follows MTEB 2.x by default (mteb/abstasks/classification.py, _undersample_data: a fresh
np.random.RandomState(seed) for every experiment, reshuffling the previous experiment's order);
mteb-v1 draws all ten shuffles from one generator, as MTEB 1.x did.
Needs Debian's python3-sklearn. Prints JSON: mean accuracy, macro-F1 and weighted-F1 over 10 experiments.
"""
import json
import sys
from collections import defaultdict

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score


def labels(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        column = header.index("label")
        return [line.rstrip("\n").split("\t")[column] for line in f]


def undersample(y, samples_per_label, idxs, rng):
    rng.shuffle(idxs)
    counts, chosen = defaultdict(int), []
    for i in idxs:
        if counts[y[i]] < samples_per_label:
            chosen.append(i)
            counts[y[i]] += 1
    return chosen


def main(train_npy, train_tsv, test_npy, test_tsv, protocol="mteb-v2", experiments=10, samples_per_label=8, seed=42):
    x_train, y_train = np.load(train_npy), labels(train_tsv)
    x_test, y_test = np.load(test_npy), labels(test_tsv)
    rng = np.random.RandomState(seed)
    idxs = np.arange(len(y_train))
    scores = defaultdict(list)
    for _ in range(experiments):
        if protocol == "mteb-v2":
            rng = np.random.RandomState(seed)
        chosen = undersample(y_train, samples_per_label, idxs, rng)
        model = LogisticRegression(random_state=seed, max_iter=100)
        model.fit(x_train[chosen], [y_train[i] for i in chosen])
        predicted = model.predict(x_test)
        scores["accuracy"].append(accuracy_score(y_test, predicted))
        scores["f1"].append(f1_score(y_test, predicted, average="macro"))
        scores["f1_weighted"].append(f1_score(y_test, predicted, average="weighted"))
    result = {k: float(np.mean(v)) for k, v in scores.items()}
    result["protocol"] = protocol
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(*sys.argv[1:6])
