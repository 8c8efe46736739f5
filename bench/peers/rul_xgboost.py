"""Peer for `npm run bench -- rul`: XGBoost regressors on the very feature matrix and engine folds that Gemba's GBDT
gets (written by bench/rul.ts with bench/peers/exchange.ts). Usage: rul_xgboost.py DIR THREADS.
Writes DIR/results.json: per model, test predictions, training seconds, the boosting rounds kept and, for the
CV-selected model, its out-of-fold predictions (bench/rul.ts chooses its ridge blend weight from them)."""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb

from exchange import matched_xgboost, read_indices, read_matrix, write_results

directory, threads = sys.argv[1], int(sys.argv[2])
with open(os.path.join(directory, "params.json")) as f:
    params = json.load(f)
X = read_matrix(directory, "X_train")
y = read_matrix(directory, "y_train")
X_test = read_matrix(directory, "X_test")
fold_of = read_indices(directory, "fold_of")
folds = [(np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)) for k in range(params["folds"])]
results = {}


def settings(setting):
    """Same hyper-parameters as ours: leaf-wise trees of at most maxLeafNodes leaves, min_child_weight = fewest rows
    per leaf (the squared-error hessian is 1 per row), L2 on leaf values, the learning rate, 255 bins."""
    merged = dict(params, **setting)
    return dict(matched_xgboost(merged, threads), min_child_weight=merged["minSamplesLeaf"])


# The same selection as ours: per tree setting, each fold boosted with its held-out engines as validation (early
# stopping keeps every tree), the fold curves pooled row-weighted, the round with the lowest pooled loss kept; the
# setting with the lower CV RMSE is refitted on every engine with those rounds.
start = time.perf_counter()
cv = []
for setting in params["grid"]:
    models, curves = [], []
    for train, test in folds:
        model = xgb.XGBRegressor(
            n_estimators=params["maxIterations"],
            early_stopping_rounds=params["nIterNoChange"],
            eval_metric="rmse",
            **settings(setting),
        )
        model.fit(X[train], y[train], eval_set=[(X[test], y[test])], verbose=False)
        models.append(model)
        curves.append(np.square(np.asarray(model.evals_result()["validation_0"]["rmse"])))
    length = min(len(c) for c in curves)
    pooled = sum(len(test) * c[:length] for c, (_, test) in zip(curves, folds))
    rounds = int(np.argmin(pooled)) + 1
    oof = np.zeros(len(y))
    for model, (_, test) in zip(models, folds):
        oof[test] = model.predict(X[test], iteration_range=(0, rounds))
    cv_rmse = float(np.sqrt(np.mean(np.square(oof - y))))
    print(f"  CV XGBoost {setting}: {rounds} rounds, RMSE {cv_rmse:.2f}", file=sys.stderr)
    cv.append(dict(setting=setting, rounds=rounds, cv_rmse=cv_rmse, oof=oof))
best = min(cv, key=lambda c: c["cv_rmse"])
final = xgb.XGBRegressor(n_estimators=best["rounds"], **settings(best["setting"]))
final.fit(X, y, verbose=False)
results["XGBoost (same settings)"] = dict(
    predictions=final.predict(X_test).astype(float).tolist(),
    train_s=time.perf_counter() - start,
    rounds=best["rounds"],
    oof=best["oof"].tolist(),
    setting=best["setting"],
    cv=[dict(setting=c["setting"], rounds=c["rounds"], cv_rmse=c["cv_rmse"]) for c in cv],
)
print(f"XGBoost (same settings): {best['rounds']} rounds, {results['XGBoost (same settings)']['train_s']:.1f} s", file=sys.stderr)

# XGBoost's own defaults (100 depth-wise trees of depth 6, learning rate 0.3), on every engine.
start = time.perf_counter()
default = xgb.XGBRegressor(tree_method="hist", n_jobs=threads, random_state=0)
default.fit(X, y, verbose=False)
results["XGBoost (defaults)"] = dict(
    predictions=default.predict(X_test).astype(float).tolist(),
    train_s=time.perf_counter() - start,
    rounds=100,
)
results["versions"] = dict(xgboost=xgb.__version__, numpy=np.__version__)
write_results(directory, results)
