"""Writes logistic_regression.json: scikit-learn's LogisticRegression() (the defaults MTEB uses)
fitted on a seeded few-shot problem shaped like Banking77's (8 examples per label, unit-norm
embeddings), with its coefficients, predictions and scores. Run with Debian's python3-sklearn:
    python3 make_logistic_regression_fixture.py
"""
import json
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

rng = np.random.RandomState(7)
classes, per_class, dim, test_per_class = 12, 8, 48, 20
centres = rng.normal(size=(classes, dim))

def draw(count):
    x = np.repeat(centres, count, axis=0) + 1.5 * rng.normal(size=(classes * count, dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = [f"label_{i:02d}" for i in np.repeat(np.arange(classes), count)]
    return x.astype(np.float32), y

x_train, y_train = draw(per_class)
x_test, y_test = draw(test_per_class)
model = LogisticRegression(max_iter=100).fit(x_train, y_train)
predicted = model.predict(x_test)
json.dump({
    "sklearn": sklearn.__version__,
    "dim": dim,
    "x_train": x_train.ravel().tolist(), "y_train": y_train,
    "x_test": x_test.ravel().tolist(), "y_test": y_test,
    "classes": model.classes_.tolist(),
    "coef": model.coef_.ravel().tolist(), "intercept": model.intercept_.tolist(),
    "n_iter": int(model.n_iter_[0]),
    "predicted": predicted.tolist(),
    "probabilities": model.predict_proba(x_test).ravel().tolist(),
    "accuracy": accuracy_score(y_test, predicted),
    "f1_macro": f1_score(y_test, predicted, average="macro"),
    "f1_weighted": f1_score(y_test, predicted, average="weighted"),
}, open("logistic_regression.json", "w"))
