// Nearest-rank percentiles over sorted numbers, the one definition the stats and the SLI view share.

/** The p-th percentile (0–100) of `sorted` (ascending) by nearest rank; `undefined` when empty. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

/** p50, p95 and p99 of `values` (any order); all `undefined` when there are none. */
export function quantiles(values: readonly number[]): { p50?: number; p95?: number; p99?: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const out: { p50?: number; p95?: number; p99?: number } = {};
  for (const [key, p] of [
    ['p50', 50],
    ['p95', 95],
    ['p99', 99],
  ] as const) {
    const value = percentile(sorted, p);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
