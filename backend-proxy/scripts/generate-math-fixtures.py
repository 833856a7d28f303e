#!/usr/bin/env python3
"""
Writes test/fixtures/math-fixtures.json: reference values for the TypeScript statistics in
src/monitoring/{stats,drift,accuracy}, so the Jest suites need no Python.

    python3 backend-proxy/scripts/generate-math-fixtures.py

Deterministic (fixed seeds). Needs numpy, scipy and mpmath (a scipy dependency); formats the
output with the repository's Prettier when `npx prettier` is available.

The drift measures and distribution tails are computed with mpmath at 50 digits, and each value
is asserted here to agree with numpy / scipy / MLRun's float64 code (relative 1e-9, p-values
1e-8; Hellinger and Jensen-Shannon to 1e-7 absolute, as their float64 forms cancel for
near-identical histograms), so the stored values are numpy/scipy's without their rounding noise.
"""

import json
import math
import subprocess
from collections import Counter
from pathlib import Path

import mpmath as mp
import numpy as np
from scipy import special, stats
from scipy.spatial import distance

mp.mp.dps = 50
OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "math-fixtures.json"


def check(name, value, reference, rel, abs_=0.0):
    if not abs(value - reference) <= rel * abs(reference) + abs_:
        raise AssertionError(f"{name}: {value!r} != {reference!r}")


def floats(values):
    return [float(v) for v in values]


# ----------------------------------------------------------------------------- stats


def moments_cases(rng):
    samples = {
        "normal n=1000": rng.normal(50, 10, 1000),
        "integers n=37": rng.integers(-20, 20, 37).astype(float),
        "n=2": np.array([3.5, -1.25]),
        "n=1": np.array([42.0]),
        "lognormal n=5000": rng.lognormal(0, 1.5, 5000),
    }
    cases = []
    for name, x in samples.items():
        n = len(x)
        cases.append(
            {
                "name": name,
                "count": n,
                "sum": math.fsum(x),
                "sumSquares": math.fsum(x * x),
                "mean": float(np.mean(x)),
                # null: undefined (NaN) for a single value.
                "variance": float(np.var(x, ddof=1)) if n > 1 else None,
                "std": float(np.std(x, ddof=1)) if n > 1 else None,
            }
        )
    return cases


def quantile_cases(rng):
    qs = [0, 0.001, 0.01, 0.1, 0.25, 1 / 3, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]
    samples = {
        "single value": np.array([7.5]),
        "two values": np.array([-1.0, 3.0]),
        "ties": np.array([1, 1, 2, 2, 2, 3, 10], dtype=float),
        "normal n=101": rng.normal(0, 1, 101),
        "exponential n=1000": rng.exponential(3, 1000),
    }
    return [
        {
            "name": name,
            "sorted": floats(np.sort(x)),
            "q": qs,
            "expected": floats(np.quantile(x, qs, method="linear")),
        }
        for name, x in samples.items()
    ]


def edges_cases():
    ranges = [(0, 1, 20), (-3.7, 12.2, 20), (0.1, 0.7, 20), (5, 5, 20), (-1e-3, 1e-3, 7), (1e6, 1e6 + 3, 20), (0, 1, 1)]
    return [
        {
            "min": lo,
            "max": hi,
            "binCount": bins,
            "edges": floats(np.histogram_bin_edges([], bins=bins, range=(lo, hi))),
        }
        for lo, hi, bins in ranges
    ]


def bin_index_cases(rng):
    cases = []
    for name, lo, hi, bins, values in [
        ("normal data, 20 bins", -2.0, 2.0, 20, rng.normal(0, 1.2, 5000)),
        ("values on the edges", 0.1, 0.7, 20, None),
        ("degenerate range", 5.0, 5.0, 20, np.array([4.4, 4.5, 5.0, 5.5, 5.6, 5.0])),
        ("single bin", 0.0, 1.0, 1, np.array([-1.0, 0.0, 0.5, 1.0, 2.0])),
    ]:
        edges = np.histogram_bin_edges([], bins=bins, range=(lo, hi))
        if values is None:
            # Every edge, its neighbours one ulp away, and the infinities.
            values = np.concatenate([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf), [-np.inf, np.inf]])
        inner, _ = np.histogram(values, bins=edges)
        counts = [int(np.sum(values < edges[0]))] + [int(c) for c in inner] + [int(np.sum(values > edges[-1]))]
        cases.append(
            {
                "name": name,
                "edges": floats(edges),
                # JSON has no infinities: they are written as the strings "Infinity" / "-Infinity".
                "values": [v if math.isfinite(v) else ("Infinity" if v > 0 else "-Infinity") for v in floats(values)],
                "counts": counts,
            }
        )
    return cases


# Renard R10 series, 50 us .. 63 s, written out independently of the TypeScript generator.
LATENCY_BOUNDS_US = [50, 63, 80]
for decade in [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]:
    for mantissa in [1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8]:
        bound = round(mantissa * decade)
        if bound <= 63_000_000:
            LATENCY_BOUNDS_US.append(bound)


def prometheus_histogram_quantile(upper_bounds, counts, q):
    """Prometheus' histogram_quantile, with q = 0 giving the lower bound of the first non-empty bucket."""
    cumulative = np.cumsum(counts, dtype=float)
    total = cumulative[-1]
    rank = q * total
    if rank == 0:
        b = next(i for i, c in enumerate(counts) if c > 0)
    else:
        b = next(i for i, c in enumerate(cumulative) if c >= rank)
    if b == len(upper_bounds) - 1:
        return upper_bounds[-2]
    if b == 0 and upper_bounds[0] <= 0:
        return upper_bounds[0]
    start = 0.0 if b == 0 else upper_bounds[b - 1]
    below = 0.0 if b == 0 else cumulative[b - 1]
    return start + (upper_bounds[b] - start) * ((rank - below) / counts[b])


def histogram_quantile_cases(rng):
    qs = [0, 0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1]
    cases = []
    bounds = LATENCY_BOUNDS_US + [math.inf]
    for name, latencies in [
        ("lognormal latencies around 20ms", rng.lognormal(math.log(20_000), 0.8, 20_000)),
        ("latencies beyond the last bound", np.concatenate([rng.lognormal(math.log(5e6), 1, 1000), [2e8] * 30])),
        ("sub-50us latencies", rng.uniform(1, 49, 100)),
    ]:
        counts = np.histogram(latencies, bins=[0] + bounds)[0]
        cases.append(
            {
                "name": name,
                "upperBounds": floats(LATENCY_BOUNDS_US) + ["Infinity"],
                "counts": [int(c) for c in counts],
                "q": qs,
                "expected": [prometheus_histogram_quantile(bounds, counts, q) for q in qs],
            }
        )
    small_bounds = [1.0, 2.0, 4.0, math.inf]
    for name, counts in [("hand-made", [2, 0, 6, 2]), ("first bucket empty", [0, 3, 1, 0])]:
        cases.append(
            {
                "name": name,
                "upperBounds": [1.0, 2.0, 4.0, "Infinity"],
                "counts": counts,
                "q": qs,
                "expected": [prometheus_histogram_quantile(small_bounds, counts, q) for q in qs],
            }
        )
    return cases


def special_function_cases():
    kolmogorov = []
    for x in [0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.999, 1.0, 1.001, 1.2, 1.358, 1.63, 2.0, 3.0, 5.0, 8.0, 12.0, 18.0, 26.0]:
        sf = float(special.kolmogorov(x))
        check(f"kolmogorov({x})", float(stats.kstwobign.sf(x)), sf, 1e-12, 1e-300)
        kolmogorov.append({"x": x, "sf": sf})
    chi2 = []
    for dof in [1, 2, 3, 5, 10, 19, 50, 101, 400, 1000]:
        for x in [1e-6, 0.01, 0.5, dof / 2, dof - 1, dof, dof + 1, dof + 3 * math.sqrt(2 * dof), 2 * dof + 10, 5 * dof + 100]:
            exact = mp.gammainc(mp.mpf(dof) / 2, mp.mpf(x) / 2, mp.inf, regularized=True)
            check(f"chi2.sf({x}, {dof})", float(stats.chi2.sf(x, dof)), float(exact), 1e-12, 1e-300)
            chi2.append({"x": x, "dof": dof, "sf": float(exact)})
    log_gamma = []
    for x in [1e-8, 0.1, 0.5, 1, 1.5, 2, 2.5, 3.7, 10, 20.5, 100, 171.5, 1000.5, 1e6]:
        value = float(mp.loggamma(x))
        check(f"gammaln({x})", float(special.gammaln(x)), value, 1e-14, 1e-15)
        log_gamma.append({"x": x, "value": value})
    return {"kolmogorov": kolmogorov, "chiSquared": chi2, "logGamma": log_gamma}


# ----------------------------------------------------------------------------- drift


def probabilities(counts):
    counts = [mp.mpf(int(c)) for c in counts]
    total = mp.fsum(counts)
    return [c / total for c in counts]


def exact_drift(expected, actual, positions):
    p, q = probabilities(expected), probabilities(actual)
    eps = mp.mpf(1e-4)

    tvd = mp.fsum(abs(a - b) for a, b in zip(p, q)) / 2
    hellinger = mp.sqrt(max(mp.mpf(0), 1 - mp.fsum(mp.sqrt(a * b) for a, b in zip(p, q))))

    def kl(eps, base):
        ps = [a if a > 0 else eps for a in p]
        qs = [b if b > 0 else eps for b in q]
        ps_total, qs_total = mp.fsum(ps), mp.fsum(qs)
        ps, qs = [a / ps_total for a in ps], [b / qs_total for b in qs]
        return mp.fsum(a * mp.log(a / b) for a, b in zip(ps, qs)) / mp.log(base)

    def mlrun_one_way(t, u):
        return mp.fsum(a * mp.log(a / (b if b > 0 else eps)) for a, b in zip(t, u) if a > 0)

    psi = mp.fsum((b - a) * mp.log(b / a) for a, b in zip([a if a > 0 else eps for a in p], [b if b > 0 else eps for b in q]))

    def js(base):
        terms = []
        for a, b in zip(p, q):
            m = (a + b) / 2
            if a > 0:
                terms.append(a * mp.log(a / m))
            if b > 0:
                terms.append(b * mp.log(b / m))
        return mp.sqrt(max(mp.mpf(0), mp.fsum(terms) / 2 / mp.log(base)))

    cum_p, cum_q, ks, wasserstein = mp.mpf(0), mp.mpf(0), mp.mpf(0), mp.mpf(0)
    for a, b in zip(p, q):
        cum_p, cum_q = cum_p + a, cum_q + b
        ks = max(ks, abs(cum_p - cum_q))
    order = np.argsort(positions, kind="stable")
    cum_p, cum_q = mp.mpf(0), mp.mpf(0)
    for i, j in zip(order[:-1], order[1:]):
        cum_p, cum_q = cum_p + p[i], cum_q + q[i]
        wasserstein += abs(cum_p - cum_q) * (mp.mpf(positions[j]) - mp.mpf(positions[i]))

    return {
        "tvd": tvd,
        "hellinger": hellinger,
        "kl": kl(eps, mp.e),
        "klBase2Epsilon1e6": kl(mp.mpf(1e-6), 2),
        "symmetricKl": mlrun_one_way(q, p) + mlrun_one_way(p, q),
        "psi": psi,
        "js": js(2),
        "jsNatural": js(mp.e),
        "ksStatistic": ks,
        "wasserstein": wasserstein,
    }


def float64_drift(expected, actual, positions):
    """The same measures the way numpy/scipy/MLRun compute them in float64."""
    e, a = np.asarray(expected, float), np.asarray(actual, float)
    p, q = e / e.sum(), a / a.sum()

    def smoothed(x, eps):
        return np.where(x == 0, eps, x)

    def mlrun_kl(t, u, zero_scaling=1e-4):
        # mlrun/model_monitoring/metrics/histogram_distance.py, KullbackLeiblerDivergence._calc_kl_div
        mask = t != 0
        t, u = t[mask], u[mask]
        return np.sum(t * np.log(t / np.where(u != 0, u, zero_scaling)))

    sp, sq = smoothed(p, 1e-4), smoothed(q, 1e-4)
    return {
        "tvd": np.sum(np.abs(p - q)) / 2,
        "hellinger": np.sqrt(max(1 - np.sum(np.sqrt(p * q)), 0)),
        "kl": stats.entropy(sp, sq),
        "klBase2Epsilon1e6": stats.entropy(smoothed(p, 1e-6), smoothed(q, 1e-6), base=2),
        "symmetricKl": mlrun_kl(q, p) + mlrun_kl(p, q),
        "psi": np.sum((sq - sp) * np.log(sq / sp)),
        "js": distance.jensenshannon(e, a, base=2),
        "jsNatural": distance.jensenshannon(e, a),
        "ksStatistic": np.max(np.abs(np.cumsum(p) - np.cumsum(q))),
        "wasserstein": stats.wasserstein_distance(positions, positions, u_weights=e, v_weights=a),
    }


def drift_case(name, expected, actual, positions=None):
    expected, actual = [int(c) for c in expected], [int(c) for c in actual]
    positions = floats(np.arange(len(expected)) if positions is None else positions)
    exact = exact_drift(expected, actual, positions)
    approx = float64_drift(expected, actual, positions)
    case = {"name": name, "expected": expected, "actual": actual, "positions": positions}
    for key, value in exact.items():
        # float64 loses up to ~1e-8 absolute to cancellation for near-identical histograms
        # (1 - sum sqrt(pq) in MLRun's Hellinger, p log(p/m) in scipy's Jensen-Shannon).
        check(f"{name}: {key}", float(approx[key]), float(value), 1e-9, 1e-7 if key in ("hellinger", "js", "jsNatural") else 1e-13)
        case[key] = float(value)

    n, m = sum(expected), sum(actual)
    x = mp.sqrt(mp.mpf(n) * m / (n + m)) * exact["ksStatistic"]
    case["ksPValue"] = float(special.kolmogorov(float(x)))
    check(f"{name}: ks p", float(stats.kstwobign.sf(float(x))), case["ksPValue"], 1e-12, 1e-300)

    table = np.array([expected, actual])
    table = table[:, table.sum(axis=0) > 0]
    result = stats.chi2_contingency(table, correction=False)
    rows, cols, total = table.sum(axis=1), table.sum(axis=0), table.sum()
    statistic = mp.fsum(
        (mp.mpf(int(table[i, j])) - mp.mpf(int(rows[i])) * int(cols[j]) / total) ** 2
        / (mp.mpf(int(rows[i])) * int(cols[j]) / total)
        for i in range(2)
        for j in range(table.shape[1])
    )
    dof = table.shape[1] - 1
    p_value = mp.gammainc(mp.mpf(dof) / 2, statistic / 2, mp.inf, regularized=True) if dof > 0 else mp.mpf(1)
    check(f"{name}: chi2", float(result.statistic), float(statistic), 1e-10, 1e-12)
    check(f"{name}: chi2 p", float(result.pvalue), float(p_value), 1e-8, 1e-300)
    assert result.dof == dof
    case["chi2"] = {"statistic": float(statistic), "degreesOfFreedom": dof, "pValue": float(p_value)}
    return case


def binned(samples, edges):
    inner = np.histogram(samples, bins=edges)[0]
    return [int(np.sum(samples < edges[0]))] + [int(c) for c in inner] + [int(np.sum(samples > edges[-1]))]


def drift_cases(rng):
    cases = [
        drift_case("identical", [10, 20, 30, 40], [10, 20, 30, 40]),
        drift_case("same proportions, different totals", [10, 20, 30, 40], [30, 60, 90, 120]),
        drift_case("disjoint", [5, 5, 0, 0], [0, 0, 7, 3]),
        drift_case("empty bins on one side", [0, 10, 20, 0, 5], [3, 8, 15, 4, 0]),
        drift_case("single bin", [7], [13]),
        drift_case("zero columns for chi2", [10, 0, 5, 0, 20, 0], [12, 0, 0, 3, 18, 0]),
        drift_case("unsorted positions with ties", [4, 9, 1, 6, 3], [2, 2, 8, 5, 7], [3.5, -1.0, 10.0, 3.5, 0.25]),
    ]

    # Reference vs shifted production data on 20 equal-width bins + 2 open outer bins.
    reference = rng.normal(0, 1, 10_000)
    edges = np.histogram_bin_edges(reference, bins=20)
    width = edges[1] - edges[0]
    positions = [edges[0] - width / 2] + floats((edges[:-1] + edges[1:]) / 2) + [edges[-1] + width / 2]
    for name, production in [
        ("normal, no drift", rng.normal(0, 1, 3_000)),
        ("normal, shifted by 0.3", rng.normal(0.3, 1, 3_000)),
        ("normal, wider", rng.normal(0, 2, 3_000)),
    ]:
        case = drift_case(name, binned(reference, edges), binned(production, edges), positions)
        # Binning can only hide differences between the empirical CDFs: the statistic is at most the raw one.
        assert case["ksStatistic"] <= stats.ks_2samp(reference, production).statistic + 1e-12
        cases.append(case)

    base = rng.poisson(200, 500) + 1
    cases.append(drift_case("500 bins", base, rng.poisson(base * np.linspace(0.8, 1.2, 500))))
    large = (rng.uniform(0.5, 1.5, 22) * 1e9).astype(np.int64)
    cases.append(drift_case("large counts, near-identical", large, large + rng.integers(-3000, 3000, 22)))
    cases.append(drift_case("large counts, small shift", large, (large * np.linspace(0.999, 1.001, 22)).astype(np.int64)))

    # KS p-values in the far tail (x = sqrt(en) * D from ~7 to ~18).
    for n, shift in [(20_000, 0.15), (60_000, 0.2), (200_000, 0.1)]:
        ref, prod = rng.normal(0, 1, n), rng.normal(shift, 1, n)
        cases.append(drift_case(f"tiny KS p-value, n={n}, shift={shift}", binned(ref, edges), binned(prod, edges), positions))
    return cases


# ----------------------------------------------------------------------------- accuracy


def classification_cases(rng):
    cases = []
    for name, labels, predictable, n in [
        ("four classes, one never predicted", ["bird", "cat", "dog", "fish"], ["cat", "dog", "fish"], 500),
        ("a predicted class that never occurs", ["no", "yes"], ["no", "yes", "maybe"], 120),
        ("perfect", ["a", "b"], None, 40),
    ]:
        y_true = rng.choice(labels, n)
        y_pred = y_true.copy() if predictable is None else np.where(rng.uniform(size=n) < 0.6, y_true, rng.choice(predictable, n))
        if predictable is not None:
            y_pred = np.where(np.isin(y_pred, predictable), y_pred, predictable[0])
        cells = [{"actual": a, "predicted": p, "count": c} for (a, p), c in Counter(zip(y_true, y_pred)).items()]
        rng.shuffle(cells)
        # The same pair twice (counts add up) and an empty cell.
        first = cells[0]
        cells[0] = {**first, "count": first["count"] - 1}
        cells.append({**first, "count": 1})
        cells.append({"actual": labels[0], "predicted": labels[-1], "count": 0})
        classes = []
        for label in sorted(set(y_true) | set(y_pred)):
            predicted, actual = y_pred == label, y_true == label
            tp = int(np.sum(predicted & actual))
            classes.append(
                {
                    "label": str(label),
                    "support": int(np.sum(actual)),
                    "predicted": int(np.sum(predicted)),
                    "truePositives": tp,
                    "precision": tp / int(np.sum(predicted)) if predicted.any() else None,
                    "recall": tp / int(np.sum(actual)) if actual.any() else None,
                }
            )
        cases.append(
            {
                "name": name,
                "cells": [{**c, "actual": str(c["actual"]), "predicted": str(c["predicted"]), "count": int(c["count"])} for c in cells],
                "total": n,
                "correct": int(np.sum(y_true == y_pred)),
                "accuracy": float(np.mean(y_true == y_pred)),
                "classes": classes,
            }
        )
    return cases


def regression_cases(rng):
    cases = []
    for name, n in [("n=1", 1), ("n=1000", 1000), ("n=50000", 50_000)]:
        y_true = rng.normal(100, 30, n)
        errors = rng.standard_t(3, n) * 5
        y_pred = y_true + errors
        err = y_pred - y_true
        cases.append(
            {
                "name": name,
                "count": n,
                "sumAbsoluteErrors": math.fsum(np.abs(err)),
                "sumSquaredErrors": math.fsum(err * err),
                "mae": float(np.mean(np.abs(err))),
                "rmse": float(np.sqrt(np.mean(err * err))),
            }
        )
    return cases


def merge_sparse(expected, actual, min_expected=5.0):
    """Adjacent bins merged until each expects >= min_expected actual counts (src/monitoring/drift/mergeSparseBins.ts)."""
    share = sum(actual) / (sum(expected) + sum(actual))
    e_out, a_out, e, a = [], [], 0.0, 0.0
    for x, y in zip(expected, actual):
        e, a = e + x, a + y
        if (e + a) * share >= min_expected:
            e_out.append(e)
            a_out.append(a)
            e, a = 0.0, 0.0
    if e + a > 0:
        if e_out:
            e_out[-1] += e
            a_out[-1] += a
        else:
            e_out.append(e)
            a_out.append(a)
    return e_out, a_out


def policy_cases(rng):
    """The default drift policy's statistics: Benjamini-Hochberg, chi-squared on merged sparse bins, W1 / std."""
    bh = []
    for m in (1, 2, 5, 10, 40):
        p = rng.uniform(0, 0.2, m) ** 2
        if m >= 5:
            p[1] = p[0]  # a tie
        bh.append({"pValues": floats(p), "adjusted": floats(stats.false_discovery_control(p, method="bh"))})
    bh.append({"pValues": [0.0, 1.0, 0.5, 0.01], "adjusted": floats(stats.false_discovery_control([0.0, 1.0, 0.5, 0.01], method="bh"))})
    merged = []
    for name, k, n, m in (("50 categories, 200 predictions", 50, 20000, 200), ("22 bins, 30 predictions", 22, 5000, 30), ("5 bins, 1000 predictions", 5, 5000, 1000)):
        shares = rng.dirichlet(np.ones(k) * 0.5)
        expected = rng.multinomial(n, shares).astype(float)
        actual = rng.multinomial(m, rng.dirichlet(shares * 200 + 0.01)).astype(float)
        e, a = merge_sparse(expected.tolist(), actual.tolist())
        table = np.array([e, a])
        keep = table.sum(axis=0) > 0
        if keep.sum() > 1:
            stat, pvalue, dof, _ = stats.chi2_contingency(table[:, keep], correction=False)
        else:
            stat, pvalue, dof = 0.0, 1.0, 0
        merged.append({"name": name, "expected": floats(expected), "actual": floats(actual), "mergedExpected": floats(e), "mergedActual": floats(a), "statistic": float(stat), "degreesOfFreedom": int(dof), "pValue": float(pvalue)})
    wasserstein = []
    for scale in (1.0, 2.5, 0.3):
        positions = np.sort(rng.normal(0, 3, 22))
        expected = rng.integers(0, 50, 22).astype(float)
        actual = rng.integers(0, 50, 22).astype(float)
        w = stats.wasserstein_distance(positions, positions, expected, actual)
        wasserstein.append({"positions": floats(positions), "expected": floats(expected), "actual": floats(actual), "scale": scale, "normalised": float(w / scale)})
    return {"benjaminiHochberg": bh, "mergedChiSquared": merged, "normalisedWasserstein": wasserstein}


def ks_exact_cases(rng):
    """scipy.stats.ks_2samp (method='auto', exact at these sizes) on raw samples: ties, unequal sizes, tiny p."""
    cases = []
    for n1, n2, shift, rounding in ((5, 7, 0.5, None), (10, 10, 1.0, None), (30, 45, 0.3, 1), (100, 80, 0.8, None),
                                   (13, 1000, 0.2, None), (500, 700, 1.5, None), (3, 4, 3.0, None), (60, 90, 0.0, 0)):
        x = rng.normal(0, 1, n1)
        y = rng.normal(shift, 1, n2)
        if rounding is not None:
            x, y = np.round(x, rounding), np.round(y, rounding)
        result = stats.ks_2samp(x, y)
        cases.append({"expected": floats(x), "actual": floats(y), "statistic": float(result.statistic), "pValue": float(result.pvalue)})
    return cases


def main():
    fixtures = {
        "generator": "backend-proxy/scripts/generate-math-fixtures.py",
        "versions": {"numpy": np.__version__, "scipy": __import__("scipy").__version__, "mpmath": mp.__version__},
        "moments": moments_cases(np.random.default_rng(1)),
        "quantile": quantile_cases(np.random.default_rng(2)),
        "equalWidthEdges": edges_cases(),
        "binIndex": bin_index_cases(np.random.default_rng(3)),
        "latencyBucketBoundsUs": LATENCY_BOUNDS_US,
        "histogramQuantile": histogram_quantile_cases(np.random.default_rng(4)),
        "specialFunctions": special_function_cases(),
        "drift": drift_cases(np.random.default_rng(5)),
        "classification": classification_cases(np.random.default_rng(6)),
        "regression": regression_cases(np.random.default_rng(7)),
        "policy": policy_cases(np.random.default_rng(8)),
        "ksTwoSampleExact": ks_exact_cases(np.random.default_rng(9)),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixtures, indent=2, allow_nan=False) + "\n")
    # Format as the repository's Prettier config would, so `npm run format` leaves the file alone.
    formatted = subprocess.run(["npx", "--no-install", "prettier", "--write", str(OUT)], cwd=OUT.parents[3], check=False)
    if formatted.returncode != 0:
        print("note: prettier did not run; the JSON is valid but not in the repository's format")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
