"""Reference values for `sweep importance`: Optuna's PedAnovaImportanceEvaluator (the default evaluator of
optuna.importance.get_param_importances since Optuna PR #6748) on synthetic sweeps, written as the JSON fixture
tests/EmbedSweeps.Sweeps.Tests/Data/importance_reference.json that ParameterImportanceTests reproduces to 1e-9.

    PYTHONPATH=OPTUNA_SOURCE python3 bench/importance_reference.py > tests/EmbedSweeps.Sweeps.Tests/Data/importance_reference.json

Needs an Optuna with optuna/importance/_ped_anova (4.x or its main branch; pure Python: a source checkout on
PYTHONPATH works on top of Debian's python3-optuna for the dependencies). Each case: the sweep's parameter space in
EmbedSweeps' terms, its trials (parameters and objective; a conditional parameter is absent where it does not apply),
the goal, and Optuna's normalised importances.
"""
import json
import math
import random

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.importance import PedAnovaImportanceEvaluator, get_param_importances


def distribution(space):
    kind = space["kind"]
    if kind == "categorical":
        return CategoricalDistribution(space["values"])
    if kind == "int_uniform":
        return IntDistribution(space["min"], space["max"])
    return FloatDistribution(space["min"], space["max"], log=kind == "log_uniform")


def draw(space, rng):
    kind = space["kind"]
    if kind == "categorical":
        return rng.choice(space["values"])
    if kind == "int_uniform":
        return rng.randint(space["min"], space["max"])
    if kind == "log_uniform":
        return math.exp(rng.uniform(math.log(space["min"]), math.log(space["max"])))
    return rng.uniform(space["min"], space["max"])


def case(name, spaces, objective, n_trials, goal="maximize", seed=0, when=None):
    rng = random.Random(seed)
    trials = []
    for _ in range(n_trials):
        params = {}
        for space in spaces:
            condition = (when or {}).get(space["name"])
            if condition and params.get(condition[0]) not in condition[1]:
                continue
            params[space["name"]] = draw(space, rng)
        trials.append({"parameters": params, "objective": objective(params, rng)})
    study = optuna.create_study(direction=goal)
    for trial in trials:
        study.add_trial(optuna.trial.create_trial(
            params=trial["parameters"], value=trial["objective"],
            distributions={k: distribution(next(s for s in spaces if s["name"] == k)) for k in trial["parameters"]}))
    importances = get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    return {"name": name, "goal": goal, "space": spaces, "trials": trials, "importances": importances}


LOSS = {"name": "loss", "kind": "categorical", "values": ["cosine", "cosent", "mnrl"]}
LR = {"name": "learning_rate", "kind": "log_uniform", "min": 1e-6, "max": 1e-3}
WARMUP = {"name": "warmup_steps", "kind": "int_uniform", "min": 0, "max": 20}
BATCH = {"name": "batch_size", "kind": "categorical", "values": [16, 32, 64]}
RATIO = {"name": "warmup_ratio", "kind": "uniform", "min": 0.0, "max": 0.3}
SCALE = {"name": "scale", "kind": "categorical", "values": [10.0, 20.0, 40.0]}
LONG_WARMUP = {"name": "warmup_steps", "kind": "int_uniform", "min": 0, "max": 500}


def quality(p, rng):
    # learning rate matters most (peak near 5e-5), the loss somewhat, the rest barely
    lr = -0.02 * (math.log10(p["learning_rate"]) + 4.3) ** 2
    loss = {"cosine": -0.01, "cosent": 0.0, "mnrl": 0.012}[p["loss"]]
    return 0.82 + lr + loss + 0.0001 * p.get("warmup_steps", 0) + rng.gauss(0, 0.002)


cases = [
    case("mixed kinds, maximize", [LOSS, LR, WARMUP, BATCH], quality, 60, seed=1),
    case("loss dominates, minimize", [LOSS, RATIO, BATCH],
         lambda p, rng: {"cosine": 1.0, "cosent": 0.6, "mnrl": 0.3}[p["loss"]] + 0.05 * p["warmup_ratio"] + rng.gauss(0, 0.01),
         40, goal="minimize", seed=2),
    case("conditional scale", [LOSS, LR, SCALE],
         lambda p, rng: quality(p, rng) + (0.01 if p.get("scale") == 20.0 else 0.0), 50, seed=3,
         when={"scale": ("loss", ["cosent", "mnrl"])}),
    case("wide integer range, ties", [LONG_WARMUP, LOSS],
         lambda p, rng: round(0.8 + (0.05 if p["warmup_steps"] < 100 else 0.0) + {"cosine": 0, "cosent": 0.01, "mnrl": 0.02}[p["loss"]], 2),
         30, seed=4),
    case("eight trials", [LOSS, LR], quality, 8, seed=5),
    case("a conditional parameter that never applies", [LOSS, LR, SCALE], quality, 20, seed=6,
         when={"scale": ("loss", ["softmax"])}),
]
print(json.dumps({"optuna": optuna.__version__, "cases": cases}, indent=1))
