/**
 * Small pure helpers shared by the MongoDB store modules: input checks that keep caller values
 * out of query syntax, counter paths and numbers, and duplicate-key handling.
 * Nothing here talks to the server, so it is unit-tested without one.
 */
import { Long, MongoBulkWriteError, MongoServerError } from 'mongodb';

// ---------------------------------------------------------------- typed inputs

/** Caller lists become `$in` operands only after every element is checked to be a plain string. */
export function plainStrings(values: readonly unknown[], what: string): string[] {
  return values.map((v) => {
    if (typeof v !== 'string') throw new TypeError(`${what}: expected strings`);
    return v;
  });
}

export function plainNumbers(values: readonly unknown[], what: string): number[] {
  return values.map((v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${what}: expected finite numbers`);
    return v;
  });
}

export function plainString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what}: expected a string`);
  return value;
}

export function plainNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TypeError(`${what}: expected a finite number`);
  return value;
}

export function validDate(value: unknown, what: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new TypeError(`${what}: expected a valid Date`);
  return value;
}

// ---------------------------------------------------------------- endpoint labels

/**
 * Labels are a user map, so their keys never become field paths. Each pair is stored as one
 * `key=value` string and matched with `$all`. `%` and `=` in the key are percent-encoded so the
 * first `=` always separates key from value (`{a: 'b=c'}` and `{'a=b': 'c'}` stay distinct).
 */
export function labelTerm(key: string, value: string): string {
  return `${key.replace(/%/g, '%25').replace(/=/g, '%3D')}=${value}`;
}

export function labelTerms(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) =>
    labelTerm(plainString(k, 'label key'), plainString(v, 'label value')),
  );
}

// ---------------------------------------------------------------- numbers

/** A stored number: `$inc` past 2^31 turns int32 into int64, which beyond 2^53 arrives as a BSON Long. */
export function readNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof Long) return value.toNumber();
  return Number(value);
}

// ---------------------------------------------------------------- errors and batching

const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return error.code === DUPLICATE_KEY || writeErrors.some((e) => e.code === DUPLICATE_KEY);
  }
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/**
 * Two concurrent upserts on the same unique key can both miss and one then fails with E11000.
 * The server retries most such upserts itself (4.2+); this covers the cases it does not.
 */
export async function retryOnDuplicateKey<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts || !isDuplicateKey(error)) throw error;
    }
  }
}
