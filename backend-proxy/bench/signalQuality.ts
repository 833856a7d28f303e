/**
 * Signal quality of the drift policies: how often an endpoint's status reports drift when nothing
 * moved (false alarms), when one feature moved materially (detection), and when one moved
 * negligibly, for windows of n = 1 .. 100,000 predictions.
 *
 * Synthetic endpoint: ten features (normal, skewed log-normal, bimodal mixture, exponential, uniform,
 * wide normal; categorical with 3, 8, 12 and 30 classes). Each trial draws a fresh reference of
 * 10,000 rows, bins it exactly as a registered reference is binned (computeReference), draws a
 * production window of n rows, counts it on the reference's bins as ingest does, and decides the
 * window with the policy's pure API (decideDrift) - the code the drift API runs.
 *   none                  production from the reference distribution
 *   material numeric      one numeric feature (rotating) shifted by 0.5 of its std
 *   material categorical  one categorical feature (rotating): one category (rotating) gains 10 points
 *                         of share, the others lose it in proportion
 *   negligible            one numeric feature shifted by 0.02 of its std
 * Goals: false alarms <= 1% at every n; material shifts reported >= 95% from n = 1,000;
 * negligible shifts DRIFT_DETECTED <= 5% at n = 100,000.
 *
 * Run: npm run bench:build -w backend-proxy && node backend-proxy/dist-bench/bench/signalQuality.js
 *   [--trials 1000] [--seed 11] [--plot ../docs/images/signal-quality.png]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Random } from '../src/demo/random';
import { binPositions } from '../src/monitoring/analysis/columnDrift';
import { isDriftStatus, type DriftStatus } from '../src/monitoring/drift/driftStatus';
import { decideDrift } from '../src/monitoring/drift/policy/decideDrift';
import { resolvePolicyConfig, type DriftPolicyConfig } from '../src/monitoring/drift/policy/policyConfig';
import type { PolicyColumn } from '../src/monitoring/drift/policy/types';
import { computeReference } from '../src/monitoring/reference/computeReference';
import type { ColumnStatistics } from '../src/monitoring/reference/types';
import { binIndex } from '../src/monitoring/stats/histogramEdges';
import { machineDescription, option } from './lib/benchArgs';

const SIZES = [1, 5, 20, 100, 1_000, 10_000, 100_000];
const REFERENCE_ROWS = 10_000;

type Numeric = { kind: 'numeric'; name: string; std: number; draw: (r: Random) => number };
type Categorical = { kind: 'categorical'; name: string; shares: number[] };
type Feature = Numeric | Categorical;

function zipf(classes: number): number[] {
  const weights = Array.from({ length: classes }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

const LOGNORMAL_SIGMA = 0.75;
const FEATURES: Feature[] = [
  { kind: 'numeric', name: 'normal', std: 1, draw: (r) => r.normal() },
  {
    kind: 'numeric',
    name: 'lognormal',
    std: Math.sqrt((Math.exp(LOGNORMAL_SIGMA ** 2) - 1) * Math.exp(LOGNORMAL_SIGMA ** 2)),
    draw: (r) => Math.exp(LOGNORMAL_SIGMA * r.normal()),
  },
  {
    kind: 'numeric',
    name: 'bimodal',
    std: Math.sqrt(4 + 0.49),
    draw: (r) => (r.next() < 0.5 ? -2 : 2) + 0.7 * r.normal(),
  },
  { kind: 'numeric', name: 'exponential', std: 1, draw: (r) => -Math.log(1 - r.next()) },
  { kind: 'numeric', name: 'uniform', std: Math.sqrt(1 / 12), draw: (r) => r.next() },
  { kind: 'numeric', name: 'wide_normal', std: 30, draw: (r) => 100 + 30 * r.normal() },
  { kind: 'categorical', name: 'cat3', shares: [0.5, 0.3, 0.2] },
  { kind: 'categorical', name: 'cat8', shares: zipf(8) },
  { kind: 'categorical', name: 'cat12', shares: new Array<number>(12).fill(1 / 12) },
  { kind: 'categorical', name: 'cat30', shares: zipf(30) },
];
const NUMERIC = FEATURES.flatMap((f, i) => (f.kind === 'numeric' ? [i] : []));
const CATEGORICAL = FEATURES.flatMap((f, i) => (f.kind === 'categorical' ? [i] : []));

type Scenario = 'none' | 'material numeric' | 'material categorical' | 'negligible';
const SCENARIOS: Scenario[] = ['none', 'material numeric', 'material categorical', 'negligible'];

/** What moves in trial `t` of a scenario: a feature and a numeric shift or a category share. */
interface Change {
  feature: number;
  shift?: number;
  shares?: number[];
}

function changeFor(scenario: Scenario, trial: number): Change | null {
  if (scenario === 'none') return null;
  if (scenario === 'material categorical') {
    const feature = CATEGORICAL[trial % CATEGORICAL.length];
    const shares = (FEATURES[feature] as Categorical).shares;
    const gainer = Math.floor(trial / CATEGORICAL.length) % shares.length;
    const rest = 1 - shares[gainer];
    const moved = shares.map((s, i) => (i === gainer ? s + 0.1 : (s * (rest - 0.1)) / rest));
    return { feature, shares: moved };
  }
  const feature = NUMERIC[trial % NUMERIC.length];
  const std = (FEATURES[feature] as Numeric).std;
  return { feature, shift: (scenario === 'negligible' ? 0.02 : 0.5) * std };
}

function drawCategory(r: Random, shares: readonly number[]): number {
  let u = r.next();
  for (let i = 0; i < shares.length - 1; i++) {
    u -= shares[i];
    if (u < 0) return i;
  }
  return shares.length - 1;
}

function referenceRows(r: Random): Array<Record<string, unknown>> {
  return Array.from({ length: REFERENCE_ROWS }, () =>
    Object.fromEntries(
      FEATURES.map((f) => [f.name, f.kind === 'numeric' ? f.draw(r) : `c${drawCategory(r, f.shares)}`]),
    ),
  );
}

/** Production counts of one feature on the reference's bins, as ingest counts them. */
function productionCounts(
  r: Random,
  feature: Feature,
  stats: ColumnStatistics,
  n: number,
  change: Change | null,
) {
  const counts = new Array<number>(stats.counts.length).fill(0);
  if (feature.kind === 'numeric' && stats.kind === 'numeric') {
    const shift = change?.shift ?? 0;
    for (let i = 0; i < n; i++) counts[binIndex(stats.edges, feature.draw(r) + shift)] += 1;
  } else if (feature.kind === 'categorical' && stats.kind === 'categorical') {
    const shares = change?.shares ?? feature.shares;
    const binOf = shares.map((_, c) => {
      const k = stats.categories.indexOf(`c${c}`);
      return k < 0 ? stats.categories.length : k;
    });
    for (let i = 0; i < n; i++) counts[binOf[drawCategory(r, shares)]] += 1;
  }
  return counts;
}

interface Tally {
  drift: number;
  detected: number;
  insufficient: number;
  trials: number;
}

const POLICIES: Array<{ label: string; config: DriftPolicyConfig }> = [
  { label: 'default', config: resolvePolicyConfig() },
  // MLRun's rule as MLRun applies it: no minimum sample.
  { label: 'mlrun (no minimum sample)', config: resolvePolicyConfig({ policy: 'mlrun', minSample: 1 }) },
  // What the minimum sample hides: the default policy's rule on windows of any size.
  { label: 'default without minimum sample', config: resolvePolicyConfig({ minSample: 1 }) },
];
/** The policies the plot shows side by side. */
const PLOTTED = POLICIES.slice(0, 2);

function trialsFor(n: number, base: number): number {
  if (n >= 100_000) return Math.max(20, Math.round(base / 10));
  if (n >= 10_000) return Math.max(50, Math.round(base / 2.5));
  return base;
}

function run(baseTrials: number, seed: number) {
  const random = new Random(seed);
  const tallies = new Map<string, Tally>();
  const tally = (policy: string, scenario: Scenario, n: number) => {
    const key = `${policy}|${scenario}|${n}`;
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { drift: 0, detected: 0, insufficient: 0, trials: 0 }));
    return t;
  };
  const specs = FEATURES.map((f) => ({ name: f.name, kind: f.kind }));
  for (const n of SIZES) {
    const trials = trialsFor(n, baseTrials);
    const started = Date.now();
    for (let trial = 0; trial < trials; trial++) {
      const reference = computeReference(referenceRows(random), {
        features: specs,
        predictions: [],
        labels: [],
      });
      for (const scenario of SCENARIOS) {
        if (scenario === 'negligible' && n < 10_000) continue;
        const change = changeFor(scenario, trial);
        const columns: PolicyColumn[] = FEATURES.map((feature, i) => {
          const stats = reference.features[i];
          return {
            name: feature.name,
            kind: feature.kind,
            expected: stats.counts,
            actual: productionCounts(random, feature, stats, n, change?.feature === i ? change : null),
            positions: stats.kind === 'numeric' ? binPositions(stats.edges) : undefined,
            scale: stats.kind === 'numeric' ? stats.std : undefined,
          };
        });
        for (const { label, config } of POLICIES) {
          const status: DriftStatus = decideDrift(
            { features: columns, predictions: [], windowPredictions: n },
            config,
          ).endpoint.status;
          const t = tally(label, scenario, n);
          t.trials += 1;
          if (isDriftStatus(status)) t.drift += 1;
          if (status === 'DRIFT_DETECTED') t.detected += 1;
          if (status === 'INSUFFICIENT_DATA') t.insufficient += 1;
        }
      }
    }
    console.error(`n = ${n}: ${trials} trials in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return tallies;
}

const pct = (x: number, of: number) => (of ? `${((100 * x) / of).toFixed(1)}%` : '-');

function table(tallies: Map<string, Tally>, policy: string): string {
  const lines = [
    `Policy: ${policy}`,
    '',
    '|       n | trials | false alarms (none) | insufficient | material numeric | material categorical | negligible: any drift | negligible: DRIFT_DETECTED |',
    '| ------: | -----: | ------------------: | -----------: | ---------------: | -------------------: | --------------------: | ------------------------: |',
  ];
  for (const n of SIZES) {
    const none = tallies.get(`${policy}|none|${n}`) as Tally;
    const num = tallies.get(`${policy}|material numeric|${n}`) as Tally;
    const cat = tallies.get(`${policy}|material categorical|${n}`) as Tally;
    const neg = tallies.get(`${policy}|negligible|${n}`);
    lines.push(
      `| ${n.toLocaleString('en-US').padStart(7)} | ${String(none.trials).padStart(6)} | ${pct(none.drift, none.trials).padStart(19)} | ${pct(none.insufficient, none.trials).padStart(12)} | ${pct(num.drift, num.trials).padStart(16)} | ${pct(cat.drift, cat.trials).padStart(20)} | ${(neg ? pct(neg.drift, neg.trials) : '-').padStart(21)} | ${(neg ? pct(neg.detected, neg.trials) : '-').padStart(25)} |`,
    );
  }
  return lines.join('\n');
}

function goals(tallies: Map<string, Tally>): string[] {
  const rate = (scenario: Scenario, n: number, pick: keyof Tally = 'drift') => {
    const t = tallies.get(`default|${scenario}|${n}`);
    return t ? t[pick] / t.trials : Number.NaN;
  };
  const falseAlarm = Math.max(...SIZES.map((n) => rate('none', n)));
  const material = Math.min(
    ...SIZES.filter((n) => n >= 1_000).flatMap((n) => [
      rate('material numeric', n),
      rate('material categorical', n),
    ]),
  );
  const negligible = rate('negligible', 100_000, 'detected');
  return [
    `false alarms <= 1% at every n: worst ${(100 * falseAlarm).toFixed(1)}% ${falseAlarm <= 0.01 ? 'MET' : 'NOT MET'}`,
    `material shifts reported >= 95% from n = 1,000: worst ${(100 * material).toFixed(1)}% ${material >= 0.95 ? 'MET' : 'NOT MET'}`,
    `negligible shift DRIFT_DETECTED <= 5% at n = 100,000: ${(100 * negligible).toFixed(1)}% ${negligible <= 0.05 ? 'MET' : 'NOT MET'}`,
  ];
}

/** The curves as an SVG, rendered to PNG by the system's Chromium (headless screenshot). */
function plot(tallies: Map<string, Tally>, out: string): void {
  const width = 1000;
  const height = 460;
  const panel = { w: 400, h: 300, top: 70, left: [70, 560] };
  const x = (n: number) => (Math.log10(n) / 5) * panel.w;
  const y = (rate: number) => panel.h - rate * panel.h;
  const series: Array<{ scenario: Scenario; color: string; label: string }> = [
    { scenario: 'none', color: '#d62728', label: 'false alarms (no drift)' },
    { scenario: 'material numeric', color: '#1f77b4', label: 'material numeric (0.5 std)' },
    { scenario: 'material categorical', color: '#2ca02c', label: 'material categorical (10 points)' },
    { scenario: 'negligible', color: '#ff7f0e', label: 'negligible (0.02 std)' },
  ];
  const parts: string[] = [];
  PLOTTED.forEach(({ label }, p) => {
    const left = panel.left[p];
    parts.push(`<g transform="translate(${left},${panel.top})">`);
    parts.push(
      `<text x="${panel.w / 2}" y="-20" text-anchor="middle" font-size="15" font-weight="bold">${label}</text>`,
    );
    for (const rate of [0, 0.25, 0.5, 0.75, 1]) {
      parts.push(`<line x1="0" x2="${panel.w}" y1="${y(rate)}" y2="${y(rate)}" stroke="#ddd"/>`);
      parts.push(`<text x="-8" y="${y(rate) + 4}" text-anchor="end" font-size="11">${rate * 100}%</text>`);
    }
    for (const n of SIZES) {
      parts.push(
        `<text x="${x(n)}" y="${panel.h + 16}" text-anchor="middle" font-size="11">${n >= 1000 ? `${n / 1000}k` : n}</text>`,
      );
    }
    parts.push(
      `<line x1="0" x2="${panel.w}" y1="${y(0.95)}" y2="${y(0.95)}" stroke="#1f77b4" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      `<line x1="0" x2="${panel.w}" y1="${y(0.01)}" y2="${y(0.01)}" stroke="#d62728" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      `<text x="${panel.w / 2}" y="${panel.h + 34}" text-anchor="middle" font-size="12">window size n (predictions, log scale)</text>`,
    );
    for (const s of series) {
      const points = SIZES.flatMap((n) => {
        const t = tallies.get(`${label}|${s.scenario}|${n}`);
        return t ? [`${x(n).toFixed(1)},${y(t.drift / t.trials).toFixed(1)}`] : [];
      });
      parts.push(
        `<polyline points="${points.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2.5"/>`,
      );
      for (const point of points) {
        const [px, py] = point.split(',');
        parts.push(`<circle cx="${px}" cy="${py}" r="3.5" fill="${s.color}"/>`);
      }
    }
    parts.push('</g>');
  });
  series.forEach((s, i) => {
    parts.push(`<rect x="${70 + i * 225}" y="${height - 22}" width="14" height="4" fill="${s.color}"/>`);
    parts.push(`<text x="${90 + i * 225}" y="${height - 16}" font-size="12">${s.label}</text>`);
  });
  parts.push(
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="13">Share of evaluations reporting a drift status (POSSIBLE_DRIFT or DRIFT_DETECTED); dashed: the 1% and 95% goals</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`;
  const dir = mkdtempSync(join(tmpdir(), 'signal-quality-'));
  try {
    const file = join(dir, 'plot.svg');
    writeFileSync(file, svg);
    const result = spawnSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--window-size=${width},${height}`,
        `--screenshot=${resolve(out)}`,
        `file://${file}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (result.status !== 0) throw new Error(`chromium failed: ${result.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`plot written to ${out}`);
}

function main(): void {
  const trials = option('trials', 1_000);
  const seed = option('seed', 11);
  const plotAt = process.argv.indexOf('--plot');
  console.log(machineDescription());
  console.log(
    `reference ${REFERENCE_ROWS.toLocaleString('en-US')} rows, 10 features; trials per n: ${SIZES.map((n) => `${n}: ${trialsFor(n, trials)}`).join(', ')}; seed ${seed}`,
  );
  const tallies = run(trials, seed);
  for (const { label } of POLICIES) console.log(`\n${table(tallies, label)}`);
  console.log(
    `\nGoals (default policy):\n${goals(tallies)
      .map((g) => `- ${g}`)
      .join('\n')}`,
  );
  if (plotAt >= 0) plot(tallies, process.argv[plotAt + 1] ?? 'signal-quality.png');
}

main();
