import { IRIS_FEATURES, type IrisRow, type LabelledIris } from './iris';

/** A trained model: features in, a class out. Small and deterministic so the demo needs no ML library. */
export interface Classifier {
  name: string;
  modelClass: string;
  predict(row: IrisRow): string;
  /** The predicted class's probability, for models that have one (sent as a score column). */
  confidence?(row: IrisRow): number;
}

const vector = (row: IrisRow): number[] => IRIS_FEATURES.map((f) => row[f]);
const squaredDistance = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);

function classesOf(training: LabelledIris[]): string[] {
  return [...new Set(training.map((r) => r.species))].sort();
}

/** Nearest centroid: the class whose mean feature vector is closest. */
export function nearestCentroid(training: LabelledIris[]): Classifier {
  const centroids = classesOf(training).map((species) => {
    const rows = training.filter((r) => r.species === species).map((r) => vector(r.features));
    return { species, centre: IRIS_FEATURES.map((_, j) => rows.reduce((s, v) => s + v[j], 0) / rows.length) };
  });
  return {
    name: 'iris-centroid',
    modelClass: 'NearestCentroid',
    predict: (row) => {
      const v = vector(row);
      return centroids.reduce((best, c) =>
        squaredDistance(v, c.centre) < squaredDistance(v, best.centre) ? c : best,
      ).species;
    },
  };
}

/** k nearest neighbours by Euclidean distance, majority vote. */
export function kNearestNeighbours(training: LabelledIris[], k = 5): Classifier {
  const points = training.map((r) => ({ v: vector(r.features), species: r.species }));
  return {
    name: 'iris-knn',
    modelClass: `KNeighborsClassifier(k=${k})`,
    predict: (row) => {
      const v = vector(row);
      const nearest = [...points]
        .sort((a, b) => squaredDistance(v, a.v) - squaredDistance(v, b.v))
        .slice(0, k);
      const votes = new Map<string, number>();
      for (const p of nearest) votes.set(p.species, (votes.get(p.species) ?? 0) + 1);
      return [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    },
  };
}

/** Gaussian naive Bayes: per class and feature, a normal density; the class with the highest log-likelihood. */
export function gaussianNaiveBayes(training: LabelledIris[]): Classifier {
  const models = classesOf(training).map((species) => {
    const rows = training.filter((r) => r.species === species).map((r) => vector(r.features));
    const means = IRIS_FEATURES.map((_, j) => rows.reduce((s, v) => s + v[j], 0) / rows.length);
    const variances = IRIS_FEATURES.map(
      (_, j) => rows.reduce((s, v) => s + (v[j] - means[j]) ** 2, 0) / rows.length + 1e-9,
    );
    return { species, prior: Math.log(rows.length / training.length), means, variances };
  });
  const logScores = (row: IrisRow) => {
    const v = vector(row);
    return models.map(
      (m) =>
        m.prior +
        v.reduce(
          (s, x, j) =>
            s - 0.5 * Math.log(2 * Math.PI * m.variances[j]) - (x - m.means[j]) ** 2 / (2 * m.variances[j]),
          0,
        ),
    );
  };
  return {
    name: 'iris-bayes',
    modelClass: 'GaussianNB',
    predict: (row) => {
      const scores = logScores(row);
      return models[scores.indexOf(Math.max(...scores))].species;
    },
    // Posterior of the predicted class: 1 / Σ_k exp(score_k − max score).
    confidence: (row) => {
      const scores = logScores(row);
      const top = Math.max(...scores);
      return 1 / scores.reduce((s, x) => s + Math.exp(x - top), 0);
    },
  };
}
