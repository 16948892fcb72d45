"""Writes (anchor, positive, negative) triplets from MNLI validation_matched for `eval --task triplet`:
anchor = a premise, positive = its entailed hypothesis, negative = its contradicting hypothesis, for the
first N premises (file order) that have both. Standard library only.

    python3 bench/make_mnli_triplets.py ../shared/data/mnli/validation_matched.tsv mnli-triplets.tsv [N=1000]
"""
import sys


def main(source, target, limit="1000"):
    by_premise, order = {}, []
    with open(source, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        p, h, l = header.index("premise"), header.index("hypothesis"), header.index("label")
        for line in f:
            fields = line.rstrip("\n").split("\t")
            premise, hypothesis, label = fields[p].strip(), fields[h].strip(), fields[l].strip()
            if not premise or not hypothesis:
                continue
            if premise not in by_premise:
                by_premise[premise] = {}
                order.append(premise)
            by_premise[premise].setdefault(label, hypothesis)
    rows = [(p, by_premise[p]["0"], by_premise[p]["2"]) for p in order if "0" in by_premise[p] and "2" in by_premise[p]]
    with open(target, "w", encoding="utf-8") as f:
        f.write("anchor\tpositive\tnegative\n")
        for row in rows[: int(limit)]:
            f.write("\t".join(row) + "\n")
    print(f"{min(len(rows), int(limit))} triplets -> {target}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
