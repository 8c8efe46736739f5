"""Reads what bench/peers/exchange.ts writes: float64 matrices (name.f64 + name.json) and int32 indices (name.i32)."""
import json
import os

import numpy as np


def read_matrix(directory, name):
    with open(os.path.join(directory, name + ".json")) as f:
        meta = json.load(f)
    data = np.fromfile(os.path.join(directory, name + ".f64"), dtype="<f8")
    return data.reshape(meta["rows"], meta["cols"]) if meta["cols"] > 1 else data


def read_indices(directory, name):
    return np.fromfile(os.path.join(directory, name + ".i32"), dtype="<i4")


def write_results(directory, results):
    with open(os.path.join(directory, "results.json"), "w") as f:
        json.dump(results, f)


def matched_xgboost(params, threads):
    """XGBoost settings matching Gemba's GBDT options in `params`: leaf-wise trees of at most maxLeafNodes leaves,
    L2 on leaf values, the learning rate, 255 bins."""
    return dict(
        tree_method="hist",
        grow_policy="lossguide",
        max_depth=0,
        max_leaves=params["maxLeafNodes"],
        reg_lambda=params["l2Regularization"],
        learning_rate=params["learningRate"],
        max_bin=255,
        n_jobs=threads,
        random_state=0,
    )
