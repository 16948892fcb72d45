"""Writes losses.json: each loss of sentence-transformers, written out in PyTorch, evaluated on a
tiny model (embeddings = X @ Wᵀ, W of shape [6, 8]) with its gradient with respect to W (and to
the SoftmaxLoss classifier). The C# losses must reproduce the values and gradients.
Run with Debian's python3-torch:  python3 make_loss_fixtures.py
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(0)
BATCH, INPUT, DIM = 5, 8, 6
W0 = torch.randn(DIM, INPUT)


def columns(count):
    return [torch.randn(BATCH, INPUT) for _ in range(count)]


def cos_matrix(a, b):
    return F.normalize(a, p=2, dim=1) @ F.normalize(b, p=2, dim=1).T


def cosine_loss(e, scores, labels, extra):
    return F.mse_loss(F.cosine_similarity(e[0], e[1]), scores)


def cosent_loss(e, scores, labels, extra, scale=20.0):
    s = F.cosine_similarity(e[0], e[1]) * scale
    diff = s[None, :] - s[:, None]
    mask = scores[:, None] > scores[None, :]
    diff = diff - (~mask).float() * 1e12
    return torch.logsumexp(torch.cat((torch.zeros(1), diff.view(-1))), dim=0)


def mnrl_loss(e, scores, labels, extra, scale=20.0):
    s = cos_matrix(e[0], torch.cat(e[1:])) * scale
    return F.cross_entropy(s, torch.arange(len(e[0])))


def softmax_loss(e, scores, labels, extra):
    features = torch.cat([e[0], e[1], (e[0] - e[1]).abs()], 1)
    return F.cross_entropy(F.linear(features, extra["weight"], extra["bias"]), labels)


def matryoshka_mnrl(e, scores, labels, extra):
    return sum(mnrl_loss([c[:, :d] for c in e], scores, labels, extra) for d in (6, 4, 2))


cases = []
for name, fn, count in [("cosine", cosine_loss, 2), ("cosent", cosent_loss, 2), ("mnrl", mnrl_loss, 3),
                        ("softmax", softmax_loss, 2), ("matryoshka_mnrl", matryoshka_mnrl, 3)]:
    xs = columns(count)
    scores = torch.rand(BATCH)
    labels = torch.tensor([0, 1, 2, 1, 0])
    w = W0.clone().requires_grad_(True)
    extra = {"weight": (torch.randn(3, 3 * DIM) * 0.3).requires_grad_(True), "bias": torch.randn(3).requires_grad_(True)}
    loss = fn([x @ w.T for x in xs], scores, labels, extra)
    loss.backward()
    case = {"loss": name, "columns": [x.flatten().tolist() for x in xs], "w": W0.flatten().tolist(),
            "scores": scores.tolist(), "labels": labels.tolist(), "value": loss.item(), "grad_w": w.grad.flatten().tolist()}
    if name == "softmax":
        case.update(classifier_weight=extra["weight"].detach().flatten().tolist(), classifier_bias=extra["bias"].detach().tolist(),
                    grad_classifier_weight=extra["weight"].grad.flatten().tolist())
    cases.append(case)

json.dump({"torch": torch.__version__, "batch": BATCH, "input": INPUT, "dim": DIM, "cases": cases}, open("losses.json", "w"), indent=1)
