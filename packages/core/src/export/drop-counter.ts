// Counts telemetry that was dropped, by reason, and reports it at most once per interval
// (through report.ts: the console unless a diag logger is installed), so a dead collector or a
// flood of spans cannot flood the logs.
import { report } from '../config/report.js';
import type { Clock } from '../trace/time.js';

export interface DropCounter {
  /** Counts `count` items dropped for `reason` and reports, rate-limited. */
  drop(reason: string, count?: number): void;
  /** Totals per reason since creation. */
  readonly totals: Readonly<Record<string, number>>;
}

/** @param intervalMs the least time between two reports. */
export function createDropCounter(what: string, now: Clock, intervalMs = 10_000): DropCounter {
  const totals: Record<string, number> = Object.create(null);
  let unreported: Record<string, number> = Object.create(null);
  let lastReport = Number.NEGATIVE_INFINITY;
  return {
    totals,
    drop(reason: string, count = 1): void {
      if (count <= 0) return;
      totals[reason] = (totals[reason] ?? 0) + count;
      unreported[reason] = (unreported[reason] ?? 0) + count;
      const time = now();
      if (time - lastReport < intervalMs) return;
      lastReport = time;
      const summary = Object.entries(unreported)
        .map(([why, n]) => `${n} (${why})`)
        .join(', ');
      unreported = Object.create(null);
      report('warn', `edgetrace: dropped ${what}: ${summary}`, undefined, true);
    },
  };
}
