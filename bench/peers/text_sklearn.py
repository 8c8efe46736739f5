"""Peer for `npm run bench -- text`: scikit-learn TfidfVectorizer + LogisticRegression on the folds Gemba used.

Usage: /usr/bin/python3 bench/peers/text_sklearn.py INPUT.json
INPUT: {"texts": [...], "labels": [...], "folds": [[test indices], ...], "ngrams": 2, "minDf": 2, "c": 10.0,
        "classWeight": "balanced"}. Prints one JSON object: per-fold macro-F1, out-of-fold predictions, timings.
"""
import json
import sys
import time

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

spec = json.load(open(sys.argv[1], encoding="utf-8"))
texts, labels = spec["texts"], spec["labels"]
n = len(texts)
predicted = [None] * n
fold_f1, fit_ms, iterations = [], [], []
for test in spec["folds"]:
    in_test = set(test)
    train = [i for i in range(n) if i not in in_test]
    t0 = time.perf_counter()
    # defaults otherwise: lowercase, token_pattern r"(?u)\b\w\w+\b", smooth_idf, norm="l2"
    vectorizer = TfidfVectorizer(ngram_range=(1, spec["ngrams"]), min_df=spec["minDf"])
    X_train = vectorizer.fit_transform([texts[i] for i in train])
    model = LogisticRegression(
        C=spec["c"],
        class_weight=None if spec["classWeight"] == "none" else spec["classWeight"],
        max_iter=1000,
    )  # lbfgs, multinomial for more than two classes (sklearn 1.2 defaults)
    model.fit(X_train, [labels[i] for i in train])
    fold_pred = model.predict(vectorizer.transform([texts[i] for i in test]))
    fit_ms.append((time.perf_counter() - t0) * 1000)
    iterations.append(int(model.n_iter_.max()))
    for i, p in zip(test, fold_pred):
        predicted[i] = str(p)
    fold_f1.append(f1_score([labels[i] for i in test], fold_pred, average="macro", zero_division=0))

json.dump(
    {
        "sklearn": sklearn.__version__,
        "foldMacroF1": fold_f1,
        "predicted": predicted,
        "fitPredictMs": fit_ms,
        "iterations": iterations,
    },
    sys.stdout,
)
