#!/usr/bin/env python3
"""
Writes test/fixtures/performance-fixtures.json: reference values for the estimated-performance
functions in src/monitoring/performance, computed here with numpy, so the Jest suite needs no Python.

    python3 backend-proxy/scripts/generate-performance-fixtures.py

Covariate shift with P(label | features) fixed: the reference and a production window draw
features from different distributions; labels always come from the same conditional law; the
model's scores are monotone but miscalibrated. Binary (score = model's P(positive)) and
multiclass (confidence = model's top-class probability). Deterministic (fixed seed).

The calibration's pool-adjacent-violators step is written differently from the TypeScript
(repeat: merge the first violating pair of blocks, until none is left).
"""

import json
import subprocess
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "performance-fixtures.json"
Z95 = 1.959963984540054
BINS = 20


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def edges_of(values):
    # As histogramEdges.equalWidthEdges: BINS equal-width bins over [min, max].
    lo, hi = float(values.min()), float(values.max())
    step = (hi - lo) / BINS
    return [lo + i * step for i in range(BINS)] + [hi]


def bin_index(edges, values):
    # Number of edges <= value, except a value equal to the last edge falls in the last inner bin.
    e = np.asarray(edges)
    idx = np.searchsorted(e, values, side="right")
    idx[values == e[-1]] = len(e) - 1
    return idx


def counts_of(idx, nbins, mask=None):
    w = None if mask is None else mask.astype(float)
    return np.bincount(idx, weights=w, minlength=nbins).astype(int)


def calibrate(totals, events):
    blocks = [[k + 1.0, m + 2.0, 1] for m, k in zip(totals, events)]
    changed = True
    while changed:
        changed = False
        for i in range(len(blocks) - 1):
            a, b = blocks[i], blocks[i + 1]
            if a[0] / a[1] > b[0] / b[1]:
                blocks[i : i + 2] = [[a[0] + b[0], a[1] + b[1], a[2] + b[2]]]
                changed = True
                break
    return np.concatenate([np.full(blk[2], blk[0] / blk[1]) for blk in blocks])


def band(counts, q, totals):
    n = counts.sum()
    est = float((counts * q).sum() / n)
    var = float((counts * q * (1 - q)).sum() / n**2 + ((counts / n) ** 2 * q * (1 - q) / (totals + 2)).sum())
    se = var**0.5
    return {"estimate": est, "lower": max(0.0, est - Z95 * se), "upper": min(1.0, est + Z95 * se), "standardError": se}


def binary_case(rng, name, shift):
    def draw(n, mean):
        x = rng.normal(mean, 1.0, n)
        y = rng.random(n) < sigmoid(2.0 * x)  # P(y | x) fixed
        score = 0.1 + 0.8 * sigmoid(1.2 * x + 0.3)  # monotone, miscalibrated
        return score, y

    rs, ry = draw(20000, 0.0)
    ps, py = draw(1000, shift)
    edges = edges_of(rs)
    nb = len(edges) + 1
    ridx, pidx = bin_index(edges, rs), bin_index(edges, ps)
    totals, positives = counts_of(ridx, nb), counts_of(ridx, nb, ry)
    p = calibrate(totals, positives)
    # Share of each bin at or above the threshold, scores uniform within an inner bin.
    e = np.asarray(edges)
    inner = np.clip((e[1:] - 0.5) / (e[1:] - e[:-1]), 0.0, 1.0)
    pos = np.concatenate([[float(e[0] >= 0.5)], inner, [float(e[-1] >= 0.5)]])
    counts = counts_of(pidx, nb)
    tp = float((counts * pos * p).sum())
    fp = float((counts * pos * (1 - p)).sum())
    fn = float((counts * (1 - pos) * p).sum())
    tn = float((counts * (1 - pos) * (1 - p)).sum())
    q = pos * p + (1 - pos) * (1 - p)
    realized = float(((ps >= 0.5) == py).mean())
    return {
        "name": name,
        "edges": edges,
        "threshold": 0.5,
        "referenceTotals": totals.tolist(),
        "referencePositives": positives.tolist(),
        "calibrated": p.tolist(),
        "positiveShare": pos.tolist(),
        "windowCounts": counts.tolist(),
        "confusion": {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
            "accuracy": (tp + tn) / counts.sum(),
            "precision": tp / (tp + fp),
            "recall": tp / (tp + fn),
            "f1": 2 * tp / (2 * tp + fp + fn),
        },
        "band": band(counts, q, totals),
        "realizedAccuracy": realized,
    }


def multiclass_case(rng, name, shift):
    w = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])

    def draw(n, mean):
        x = rng.normal(mean, 1.0, (n, 2))
        z = x @ w.T
        truth = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        y = np.array([rng.choice(3, p=row) for row in truth])  # P(y | x) fixed
        zm = 0.5 * z  # the model is under-confident
        model = np.exp(zm) / np.exp(zm).sum(axis=1, keepdims=True)
        return model.max(axis=1), model.argmax(axis=1) == y

    rc, rok = draw(20000, np.array([0.0, 0.0]))
    pc, pok = draw(1000, np.array(shift))
    edges = edges_of(rc)
    nb = len(edges) + 1
    ridx, pidx = bin_index(edges, rc), bin_index(edges, pc)
    totals, correct = counts_of(ridx, nb), counts_of(ridx, nb, rok)
    q = calibrate(totals, correct)
    counts = counts_of(pidx, nb)
    return {
        "name": name,
        "edges": edges,
        "referenceTotals": totals.tolist(),
        "referenceCorrect": correct.tolist(),
        "calibrated": q.tolist(),
        "windowCounts": counts.tolist(),
        "band": band(counts, q, totals),
        "realizedAccuracy": float(pok.mean()),
    }


def main():
    rng = np.random.default_rng(16)
    fixtures = {
        "generator": "backend-proxy/scripts/generate-performance-fixtures.py",
        "binary": [
            binary_case(rng, "binary, no shift", 0.0),
            binary_case(rng, "binary, features shifted toward the positive side", 1.0),
            binary_case(rng, "binary, features concentrated near the boundary", -0.5),
        ],
        "multiclass": [
            multiclass_case(rng, "three classes, no shift", [0.0, 0.0]),
            multiclass_case(rng, "three classes, features shifted", [1.0, 0.5]),
        ],
    }
    OUT.write_text(json.dumps(fixtures, indent=2, allow_nan=False) + "\n")
    formatted = subprocess.run(["npx", "--no-install", "prettier", "--write", str(OUT)], cwd=OUT.parents[3], check=False)
    if formatted.returncode != 0:
        print("note: prettier did not run; the JSON is valid but not in the repository's format")


if __name__ == "__main__":
    main()
