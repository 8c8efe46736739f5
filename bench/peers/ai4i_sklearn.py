"""Peers for `npm run bench -- ai4i`: XGBoost and scikit-learn classifiers on the very features and folds that
bench/ai4i.ts wrote (bench/peers/exchange.ts). Usage: ai4i_sklearn.py DIR THREADS. Writes DIR/results.json: per model,
per fold, P(failure) on the tuning hold-out and on the test fold, and the training seconds; bench/ai4i.ts scores them."""
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


def xgboost_model():
    return xgb.XGBClassifier(
        n_estimators=params["maxIterations"],
        early_stopping_rounds=params["nIterNoChange"],
        eval_metric="logloss",
        **matched_xgboost(params, threads),
    )


models = {
    "XGBoost": xgboost_model,
    "sklearn RandomForest": lambda: RandomForestClassifier(n_estimators=500, n_jobs=threads, random_state=0),
    "sklearn HistGradientBoosting": lambda: HistGradientBoostingClassifier(random_state=0),
}
results = {name: [] for name in models}
for f in range(params["folds"]):
    fit, tune, test = (read_indices(directory, f"{part}_{f}") for part in ("fit", "tune", "test"))
    for name, make in models.items():
        model = make()
        start = time.perf_counter()
        if name == "XGBoost":
            model.fit(X[fit], y[fit], eval_set=[(X[tune], y[tune])], verbose=False)
        else:
            model.fit(X[fit], y[fit])
        seconds = time.perf_counter() - start
        results[name].append(
            dict(
                tune=model.predict_proba(X[tune])[:, 1].astype(float).tolist(),
                test=model.predict_proba(X[test])[:, 1].astype(float).tolist(),
                train_s=seconds,
            )
        )
results["versions"] = dict(xgboost=xgb.__version__, sklearn=sklearn.__version__, numpy=np.__version__)
write_results(directory, results)
