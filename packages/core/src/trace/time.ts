// Clocks and the OpenTelemetry `TimeInput` forms, all as unix epoch milliseconds.
// In workerd `performance.now()` and `Date.now()` only advance across I/O, so a CPU-only span
// can honestly read 0 ms there.
import type { TimeInput } from '@opentelemetry/api';

/** A clock returning unix epoch milliseconds, with a fraction where the platform gives one. */
export type Clock = () => number;

/** `performance.timeOrigin + performance.now()`, or `Date.now()` where there is no `performance`. */
export function createClock(): Clock {
  const perf = globalThis.performance;
  if (perf !== undefined && typeof perf.now === 'function' && perf.timeOrigin > 0) {
    const origin = perf.timeOrigin;
    return () => origin + perf.now();
  }
  return Date.now;
}

// Below this a number is read as a `performance.now()` reading: 1e11 ms is 1973 as an epoch
// time, and over three years as a process uptime, so neither reading is mistaken for the other.
const RELATIVE_BELOW = 1e11;

/**
 * Converts any `TimeInput` to epoch milliseconds: `[seconds, nanoseconds]`, a `Date`, epoch
 * milliseconds, or a `performance.now()` reading (a number below 1e11).
 * Returns `undefined` for anything that is not a finite time.
 */
export function toEpochMillis(input: TimeInput): number | undefined {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return undefined;
    return input < RELATIVE_BELOW ? (globalThis.performance?.timeOrigin ?? 0) + input : input;
  }
  if (input instanceof Date) {
    const ms = input.getTime();
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (Array.isArray(input) && input.length === 2) {
    const [seconds, nanos] = input;
    if (Number.isFinite(seconds) && Number.isFinite(nanos)) return seconds * 1e3 + nanos / 1e6;
  }
  return undefined;
}
