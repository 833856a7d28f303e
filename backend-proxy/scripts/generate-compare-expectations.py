#!/usr/bin/env python3
"""
Writes test/fixtures/compare/expected-scores.json: the drift scores of the committed CSV pairs
(test/fixtures/compare/*.csv, made by make-compare-fixtures.ts) computed independently with
numpy / scipy, so the Jest suite checks `driftwatch compare`'s numbers without Python.

    python3 backend-proxy/scripts/generate-compare-expectations.py

For every column, what the report computes by rule and by --test:
  numeric      ks on raw values (scipy.stats.ks_2samp's statistic and default p-value,
               method='auto': exact at these sizes), wasserstein / np.std(reference) on raw values, and on the
               reference's bins (numpy.histogram_bin_edges(bins=20, range=(min, max)) + an open bin
               below and above; bin positions = midpoints, outer ones half a bin beyond): ks,
               wasserstein normed, js (base 2), chi2_contingency(correction=False), psi;
  categorical  on the top-50 categories (by count, ties by name) + "other": chi2, js, psi.
"""

import csv
import json
import math
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import special, stats
from scipy.spatial import distance

FIXTURES = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "compare"
OUT = FIXTURES / "expected-scores.json"
PAIRS = ["no-drift", "drift"]
EPSILON = 1e-4


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def as_numbers(values):
    try:
        return np.array([float(v) for v in values])
    except ValueError:
        return None


def binned(reference, current):
    edges = np.histogram_bin_edges(reference, bins=20, range=(reference.min(), reference.max()))

    def counts(x):
        inner, _ = np.histogram(x[(x >= edges[0]) & (x <= edges[-1])], bins=edges)
        return np.concatenate([[np.sum(x < edges[0])], inner, [np.sum(x > edges[-1])]]).astype(float)

    width = edges[1] - edges[0]
    positions = np.concatenate([[edges[0] - width / 2], (edges[:-1] + edges[1:]) / 2, [edges[-1] + width / 2]])
    return counts(reference), counts(current), positions


def ks_from_counts(p_counts, q_counts):
    n, m = p_counts.sum(), q_counts.sum()
    d = float(np.max(np.abs(np.cumsum(p_counts) / n - np.cumsum(q_counts) / m)))
    return {"statistic": d, "pValue": float(special.kolmogorov(math.sqrt(n * m / (n + m)) * d))}


def chi2(p_counts, q_counts):
    table = np.array([p_counts, q_counts])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return {"statistic": 0.0, "pValue": 1.0}
    result = stats.chi2_contingency(table, correction=False)
    return {"statistic": float(result.statistic), "pValue": float(result.pvalue)}


def psi(p_counts, q_counts):
    p = p_counts / p_counts.sum()
    q = q_counts / q_counts.sum()
    p = np.where(p > 0, p, EPSILON)
    q = np.where(q > 0, q, EPSILON)
    return float(np.sum((q - p) * np.log(q / p)))


def numeric_column(reference, current):
    std = max(float(np.std(reference)), 0.001)
    ks = stats.ks_2samp(reference, current)
    d = ks.statistic
    p_counts, q_counts, positions = binned(reference, current)
    return {
        "kind": "numeric",
        "ks": {"statistic": float(d), "pValue": float(ks.pvalue)},
        "wassersteinNormed": float(stats.wasserstein_distance(reference, current)) / std,
        "binned": {
            "ks": ks_from_counts(p_counts, q_counts),
            "wassersteinNormed": float(stats.wasserstein_distance(positions, positions, p_counts, q_counts)) / std,
            "js": float(distance.jensenshannon(p_counts, q_counts, base=2)),
            "chi2": chi2(p_counts, q_counts),
            "psi": psi(p_counts, q_counts),
        },
    }


def categorical_column(reference, current):
    ranked = sorted(Counter(reference).items(), key=lambda kv: (-kv[1], kv[0]))
    kept = [category for category, _ in ranked[:50]]
    index = {category: i for i, category in enumerate(kept)}

    def counts(values):
        out = np.zeros(len(kept) + 1)
        for v in values:
            out[index.get(v, len(kept))] += 1
        return out

    p_counts, q_counts = counts(reference), counts(current)
    return {
        "kind": "categorical",
        "categories": kept,
        "chi2": chi2(p_counts, q_counts),
        "js": float(distance.jensenshannon(p_counts, q_counts, base=2)),
        "psi": psi(p_counts, q_counts),
    }


def main():
    expected = {
        "generator": "backend-proxy/scripts/generate-compare-expectations.py",
        "versions": {"numpy": np.__version__, "scipy": __import__("scipy").__version__},
        "pairs": {},
    }
    for pair in PAIRS:
        reference = read(FIXTURES / f"{pair}-reference.csv")
        current = read(FIXTURES / f"{pair}-current.csv")
        columns = {}
        for name in reference[0].keys():
            ref_values = [r[name] for r in reference]
            cur_values = [r[name] for r in current]
            ref_numbers = as_numbers(ref_values)
            if ref_numbers is not None:
                columns[name] = numeric_column(ref_numbers, as_numbers(cur_values))
            else:
                columns[name] = categorical_column(ref_values, cur_values)
        expected["pairs"][pair] = {"referenceRows": len(reference), "currentRows": len(current), "columns": columns}
    OUT.write_text(json.dumps(expected, indent=2, allow_nan=False) + "\n")
    formatted = subprocess.run(["npx", "--no-install", "prettier", "--write", str(OUT)], cwd=OUT.parents[4], check=False)
    if formatted.returncode != 0:
        print("note: prettier did not run; the JSON is valid but not in the repository's format")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
