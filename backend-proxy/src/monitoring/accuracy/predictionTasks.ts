/** The tasks an endpoint's predictions are judged as (which one applies: ./task.ts). */
export const PREDICTION_TASKS = ['classification', 'regression'] as const;
export type PredictionTask = (typeof PREDICTION_TASKS)[number];
