// One line per trace for the list: its root, services, models, extent, and how it went — error,
// cancelled, slow (in the slowest tenth of the traces with the same root) — with the first failing
// span and why, so the list alone says which request failed.
import type { ViewerSpan } from './decode.js';
import { isGeneration, modelOf } from './generation.js';
import { percentile } from './percentile.js';
import { outcomeOf } from './span-outcome.js';

export interface TraceSummary {
  traceId: string;
  /** `service: name` of the local root (the earliest span whose parent is not here). */
  root: string;
  services: string[];
  models: string[];
  spans: number;
  startMs: number;
  durationMs: number;
  error: boolean;
  cancelled: boolean;
  /** In the slowest 10 % of traces with the same root; needs two or more of them. */
  slow: boolean;
  /** The first failing span, `service · name: reason`. */
  failure?: string;
  /** The first generation's time to first chunk. */
  firstChunkMs?: number;
}

/** The summary of one trace, with `slow` left false (it needs the others: see markSlow). */
export function summarize(traceId: string, spans: ViewerSpan[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => s.parentSpanId === undefined || !ids.has(s.parentSpanId));
  const root = [...roots].sort((a, b) => a.startMs - b.startMs)[0] ?? spans[0];
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  const byStart = [...spans].sort((a, b) => a.startMs - b.startMs);
  const outcomes = byStart.map((span) => ({ span, outcome: outcomeOf(span) }));
  const failed = outcomes.filter((o) => o.outcome.kind === 'error' || o.outcome.kind === 'incomplete');
  // The deepest failure says most: an edge span fails because the call under it did.
  const cause = failed.find((f) => !failed.some((other) => other.span.parentSpanId === f.span.spanId));
  const summary: TraceSummary = {
    traceId,
    root: root === undefined ? '' : `${root.service}: ${root.name}`,
    services: [...new Set(byStart.map((s) => s.service))],
    models: [...new Set(spans.filter(isGeneration).map(modelOf))].filter((m): m is string => m !== undefined),
    spans: spans.length,
    startMs: start,
    durationMs: end - start,
    error: failed.length > 0,
    cancelled: outcomes.some((o) => o.outcome.kind === 'cancelled'),
    slow: false,
  };
  if (cause !== undefined)
    summary.failure = `${cause.span.service} · ${cause.span.name}: ${cause.outcome.reason}`;
  const ttfc = byStart.find(isGeneration)?.attributes['gen_ai.response.time_to_first_chunk'];
  if (typeof ttfc === 'number') summary.firstChunkMs = ttfc * 1000;
  return summary;
}

/** Sets `slow` on each summary: at or above the 90th percentile of its root's durations. */
export function markSlow(summaries: TraceSummary[]): TraceSummary[] {
  const byRoot = new Map<string, number[]>();
  for (const s of summaries) {
    const durations = byRoot.get(s.root);
    if (durations === undefined) byRoot.set(s.root, [s.durationMs]);
    else durations.push(s.durationMs);
  }
  const thresholds = new Map<string, number>();
  for (const [root, durations] of byRoot) {
    const p90 = percentile(
      durations.sort((a, b) => a - b),
      90,
    );
    if (durations.length >= 2 && p90 !== undefined) thresholds.set(root, p90);
  }
  return summaries.map((s) => {
    const threshold = thresholds.get(s.root);
    return { ...s, slow: threshold !== undefined && s.durationMs >= threshold };
  });
}
