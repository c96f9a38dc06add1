// One trace as the page draws it: spans in waterfall order with their depth, how each ended,
// its inference figures, and the clock skew against its parent (a child that starts before its
// parent, which only different clocks on different machines can make), plus where the time went.
import { breakdownOf, type TraceBreakdown } from './breakdown.js';
import type { ViewerSpan } from './decode.js';
import { type GenerationView, generationOf } from './generation.js';
import { outcomeOf, type SpanOutcomeView } from './span-outcome.js';
import { summarize, type TraceSummary } from './trace-summary.js';
import { ordered } from './waterfall.js';

export interface SpanRow {
  span: ViewerSpan;
  depth: number;
  outcome: SpanOutcomeView;
  generation?: GenerationView;
  /** How many ms before its parent this span starts; set only when it does. */
  startsBeforeParentMs?: number;
}

export interface TraceView {
  traceId: string;
  startMs: number;
  endMs: number;
  services: string[];
  /** The list's line for this trace (its `slow` is not judged here). */
  summary: TraceSummary;
  spans: SpanRow[];
  breakdown?: TraceBreakdown;
}

export function viewTrace(traceId: string, spans: ViewerSpan[]): TraceView {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const rows = ordered(spans).map(({ span, depth }): SpanRow => {
    const row: SpanRow = { span, depth, outcome: outcomeOf(span) };
    const generation = generationOf(span);
    if (generation !== undefined) row.generation = generation;
    const parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
    if (parent !== undefined && span.startMs < parent.startMs)
      row.startsBeforeParentMs = parent.startMs - span.startMs;
    return row;
  });
  const view: TraceView = {
    traceId,
    startMs: Math.min(...spans.map((s) => s.startMs)),
    endMs: Math.max(...spans.map((s) => s.endMs)),
    // In waterfall order: the root's service first.
    services: [...new Set(rows.map((r) => r.span.service))],
    summary: summarize(traceId, spans),
    spans: rows,
  };
  const breakdown = breakdownOf(spans, rows[0]?.span);
  if (breakdown !== undefined) view.breakdown = breakdown;
  return view;
}
