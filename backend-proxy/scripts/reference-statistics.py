"""Reference statistics of a CSV file computed independently with numpy, for the streamed-reference tests.

Usage: python3 reference-statistics.py FILE.csv NUMERIC_COLUMNS CATEGORICAL_COLUMNS  (comma-separated names)
Prints JSON: per numeric column count, missing, min, max, mean, std (ddof=1), the 5/25/50/75/95%
quantiles (numpy 'linear') and the counts on Driftwatch's bins (20 equal-width bins over [min, max] as
numpy.histogram, with the two open outer bins, empty in the reference); per categorical column the
frequency of every category and the missing count. Missing: an empty cell or NA, N/A, NaN, nan, null, NULL.
"""
import csv
import json
import sys
from collections import Counter

import numpy as np

MISSING = {"", "NA", "N/A", "NaN", "nan", "null", "NULL"}


def main() -> None:
    path, numeric, categorical = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
    numeric = [c for c in numeric if c]
    categorical = [c for c in categorical if c]
    values = {c: [] for c in numeric}
    missing = {c: 0 for c in numeric + categorical}
    frequencies = {c: Counter() for c in categorical}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            for c in numeric:
                if row[c] in MISSING:
                    missing[c] += 1
                else:
                    values[c].append(float(row[c]))
            for c in categorical:
                if row[c] in MISSING:
                    missing[c] += 1
                else:
                    frequencies[c][row[c]] += 1
    out = {}
    for c in numeric:
        x = np.array(values[c], dtype=np.float64)
        inner, edges = np.histogram(x, bins=20, range=(x.min(), x.max()))
        out[c] = {
            "count": int(x.size),
            "missing": missing[c],
            "min": float(x.min()),
            "max": float(x.max()),
            "mean": float(x.mean()),
            "std": float(x.std(ddof=1)),
            "quantiles": {
                k: float(np.quantile(x, q))
                for k, q in [("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)]
            },
            "edges": [float(e) for e in edges],
            "counts": [0] + [int(n) for n in inner] + [0],
        }
    for c in categorical:
        out[c] = {"frequencies": dict(frequencies[c]), "missing": missing[c]}
    json.dump(out, sys.stdout)


main()
