"""Writes binary_logistic_regression.json: scikit-learn's LogisticRegression() on a seeded two-class
few-shot problem (for two classes scikit-learn fits one weight vector, not one per class), with its
coefficients and probabilities. Run with Debian's python3-sklearn:
    /usr/bin/python3 make_binary_logistic_regression_fixture.py
"""
import json
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

rng = np.random.RandomState(11)
dim, per_class = 24, 8
centres = rng.normal(size=(2, dim))


def draw(count):
    x = np.repeat(centres, count, axis=0) + 2.0 * rng.normal(size=(2 * count, dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = ["neg" if i == 0 else "pos" for i in np.repeat(np.arange(2), count)]
    return x.astype(np.float32), y


x_train, y_train = draw(per_class)
x_test, _ = draw(30)
model = LogisticRegression(max_iter=100).fit(x_train, y_train)
json.dump({
    "sklearn": sklearn.__version__, "dim": dim,
    "x_train": x_train.ravel().tolist(), "y_train": y_train, "x_test": x_test.ravel().tolist(),
    "classes": model.classes_.tolist(), "coef": model.coef_.ravel().tolist(), "intercept": model.intercept_.tolist(),
    "predicted": model.predict(x_test).tolist(), "probabilities": model.predict_proba(x_test).ravel().tolist(),
}, open("binary_logistic_regression.json", "w"))
