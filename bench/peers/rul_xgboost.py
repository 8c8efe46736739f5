"""Peer for `npm run bench -- rul`: XGBoost regressors on the very feature matrix and engine hold-out that Gemba's
GBDT gets (written by bench/rul.ts with bench/peers/exchange.ts). Usage: rul_xgboost.py DIR THREADS.
Writes DIR/results.json: per model, test predictions, training seconds and the boosting rounds kept."""
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
fit_rows = read_indices(directory, "fit_rows")
valid_rows = read_indices(directory, "valid_rows")
results = {}

# Same hyper-parameters as ours: leaf-wise trees of at most max_leaf_nodes leaves, min_child_weight = fewest rows
# per leaf (the squared-error hessian is 1 per row), L2 on leaf values, 255 bins, early stopping on the held-out
# engines, then a refit on every engine with the rounds found.
matched = dict(matched_xgboost(params, threads), min_child_weight=params["minSamplesLeaf"])
start = time.perf_counter()
model = xgb.XGBRegressor(
    n_estimators=params["maxIterations"],
    early_stopping_rounds=params["nIterNoChange"],
    eval_metric="rmse",
    **matched,
)
model.fit(X[fit_rows], y[fit_rows], eval_set=[(X[valid_rows], y[valid_rows])], verbose=False)
rounds = model.best_iteration + 1
final = xgb.XGBRegressor(n_estimators=rounds, **matched)
final.fit(X, y, verbose=False)
results["XGBoost (same settings)"] = dict(
    predictions=final.predict(X_test).astype(float).tolist(),
    train_s=time.perf_counter() - start,
    rounds=rounds,
)
print(f"XGBoost (same settings): {rounds} rounds, {results['XGBoost (same settings)']['train_s']:.1f} s", file=sys.stderr)

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
