// Clocks and TimeInput conversion: every OpenTelemetry time form to epoch milliseconds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClock, toEpochMillis } from './time.js';

afterEach(() => vi.unstubAllGlobals());

describe('createClock', () => {
  it('reads epoch milliseconds with a fraction, never going back', () => {
    const clock = createClock();
    const first = clock();
    const second = clock();
    expect(Math.abs(first - Date.now())).toBeLessThan(1000);
    expect(second).toBeGreaterThanOrEqual(first);
  });

  it('falls back to Date.now where there is no performance clock, or no time origin', () => {
    vi.stubGlobal('performance', undefined);
    expect(createClock()).toBe(Date.now);
    vi.stubGlobal('performance', { now: () => 5, timeOrigin: 0 });
    expect(createClock()).toBe(Date.now);
  });

  it('adds performance.now() to the time origin', () => {
    let reading = 10;
    vi.stubGlobal('performance', { now: () => reading, timeOrigin: 1_700_000_000_000 });
    const clock = createClock();
    expect(clock()).toBe(1_700_000_000_010);
    reading = 10.5;
    expect(clock()).toBe(1_700_000_000_010.5);
  });
});

describe('toEpochMillis', () => {
  it('reads [seconds, nanoseconds], keeping the fraction of a millisecond', () => {
    expect(toEpochMillis([1_700_000_000, 0])).toBe(1_700_000_000_000);
    expect(toEpochMillis([1_700_000_000, 1_500_000])).toBe(1_700_000_000_001.5);
  });

  it('reads a Date and epoch milliseconds as they are', () => {
    expect(toEpochMillis(new Date(1_700_000_000_123))).toBe(1_700_000_000_123);
    expect(toEpochMillis(1_700_000_000_123)).toBe(1_700_000_000_123);
    // 1e11 ms is in 1973: the smallest number read as an epoch time.
    expect(toEpochMillis(1e11)).toBe(1e11);
  });

  it('reads a number below 1e11 as a performance.now() reading, from the time origin', () => {
    vi.stubGlobal('performance', { now: () => 0, timeOrigin: 1_700_000_000_000 });
    expect(toEpochMillis(250)).toBe(1_700_000_000_250);
    expect(toEpochMillis(0)).toBe(1_700_000_000_000);
    vi.stubGlobal('performance', undefined);
    expect(toEpochMillis(250)).toBe(250);
  });

  it('returns undefined for anything that is not a finite time', () => {
    const invalid: unknown[] = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -1,
      new Date('not a date'),
      [1, Number.NaN],
      [Number.POSITIVE_INFINITY, 0],
      [1],
      [1, 2, 3],
      '1700000000000',
      null,
      {},
    ];
    for (const [i, input] of invalid.entries()) {
      expect(toEpochMillis(input as number), `#${i}`).toBeUndefined();
    }
  });
});
