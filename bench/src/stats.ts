// Small statistics shared by the benchmark scripts.

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
