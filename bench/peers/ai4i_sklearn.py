"""Peers for `npm run bench -- ai4i`: XGBoost and scikit-learn classifiers on the very features and nested folds that
bench/ai4i.ts wrote (bench/peers/exchange.ts). Usage: ai4i_sklearn.py DIR THREADS. Writes DIR/results.json: per model,
per outer fold, P(failure) out of fold on the inner folds of the training rows (in train order), on the test fold from
the fit on the whole training fold, and the training seconds of all fits; bench/ai4i.ts chooses each model's
threshold on the inner scores and scores the test folds, as for ours. XGBoost's round count is chosen on the inner
folds the way bench/ai4i.ts chooses our GBDT's."""
import json
import os
import sys
import time

import numpy as np
import sklearn
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

from exchange import matched_xgboost, read_indices, read_matrix, write_results

directory, threads = sys.argv[1], int(sys.argv[2])
with open(os.path.join(directory, "params.json")) as f:
    params = json.load(f)
X = read_matrix(directory, "X")
y = read_matrix(directory, "y").astype(int)


def xgboost_model(rounds, early_stopping):
    return xgb.XGBClassifier(
        n_estimators=rounds,
        early_stopping_rounds=params["nIterNoChange"] if early_stopping else None,
        eval_metric="logloss",
        **matched_xgboost(params, threads),
    )


def nested_xgboost(train, inner):
    """Early stopping on each inner fold's held-out rows, the round count with the lowest pooled held-out log loss
    (as bench/ai4i.ts `nestedGbdt`), out-of-fold scores at that count, and the fit of that many rounds on `train`."""
    models, curves = [], []
    for fit, held in inner:
        model = xgboost_model(params["maxIterations"], True)
        model.fit(X[fit], y[fit], eval_set=[(X[held], y[held])], verbose=False)
        models.append(model)
        curves.append(np.asarray(model.evals_result()["validation_0"]["logloss"]) * len(held))
    length = min(len(c) for c in curves)
    rounds = int(np.argmin(np.sum([c[:length] for c in curves], axis=0))) + 1
    oof = np.zeros(len(y))
    for model, (_, held) in zip(models, inner):
        oof[held] = model.predict_proba(X[held], iteration_range=(0, rounds))[:, 1]
    final = xgboost_model(rounds, False).fit(X[train], y[train])
    return oof[train], final, rounds


def nested_plain(make, train, inner):
    oof = np.zeros(len(y))
    for fit, held in inner:
        oof[held] = make().fit(X[fit], y[fit]).predict_proba(X[held])[:, 1]
    return oof[train], make().fit(X[train], y[train]), None


models = {
    "XGBoost": nested_xgboost,
    "sklearn RandomForest": lambda train, inner: nested_plain(
        lambda: RandomForestClassifier(n_estimators=500, n_jobs=threads, random_state=0), train, inner
    ),
    "sklearn HistGradientBoosting": lambda train, inner: nested_plain(
        lambda: HistGradientBoostingClassifier(random_state=0), train, inner
    ),
}
results = {name: [] for name in models}
for f in range(params["folds"]):
    train, test = (read_indices(directory, f"{part}_{f}") for part in ("train", "test"))
    inner = [
        (read_indices(directory, f"innerfit_{f}_{k}"), read_indices(directory, f"innertest_{f}_{k}"))
        for k in range(params["innerFolds"])
    ]
    for name, nested in models.items():
        start = time.perf_counter()
        oof, final, rounds = nested(train, inner)
        seconds = time.perf_counter() - start
        entry = dict(
            oof=oof.astype(float).tolist(),
            test=final.predict_proba(X[test])[:, 1].astype(float).tolist(),
            train_s=seconds,
        )
        if rounds is not None:
            entry["rounds"] = rounds
        results[name].append(entry)
    print(f"ai4i peers: fold {f + 1} of {params['folds']} done", file=sys.stderr)
results["versions"] = dict(xgboost=xgb.__version__, sklearn=sklearn.__version__, numpy=np.__version__)
write_results(directory, results)
