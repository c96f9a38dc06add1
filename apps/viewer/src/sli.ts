// The service-level view (the latency SLIs): per service × model × operation, how many, how many
// failed, p50/p95/p99 of duration and of time to first chunk, tokens per second, and the slowest
// traces to click through to. A span without a model of its own takes its nearest ancestor's
// (a GPU server's span under a generation call), or the one model its descendants used (an edge
// request that called one model), so the same model lines up across services.
import type { ViewerSpan } from './decode.js';
import { generationOf, isGeneration, modelOf } from './generation.js';
import { percentile, quantiles } from './percentile.js';
import { outcomeOf } from './span-outcome.js';

export interface SliRow {
  service: string;
  model: string;
  /** The route of a server span, the GenAI operation of a generation, else the span name. */
  operation: string;
  count: number;
  errors: number;
  errorRate: number;
  duration: { p50?: number; p95?: number; p99?: number };
  firstChunk: { p50?: number; p95?: number; p99?: number };
  /** Median output tokens per second. */
  tokensPerSecond?: number;
  /** Up to five trace ids, slowest first. */
  slowest: { traceId: string; durationMs: number }[];
}

const SERVER = 2;
const NO_MODEL = '—';

function operationOf(span: ViewerSpan): string {
  const a = span.attributes;
  if (isGeneration(span) && typeof a['gen_ai.operation.name'] === 'string') return a['gen_ai.operation.name'];
  if (span.kind === SERVER && typeof a['http.route'] === 'string')
    return `${String(a['http.request.method'] ?? '')} ${a['http.route']}`.trim();
  return span.name;
}

/** The model of each span of one trace: its own, an ancestor's, or its descendants' only one. */
function modelsOf(spans: ViewerSpan[]): Map<string, string> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const own = new Map<string, string>();
  for (const span of spans) {
    const model = isGeneration(span) ? modelOf(span) : undefined;
    if (model !== undefined) own.set(span.spanId, model);
  }
  const below = new Map<string, Set<string>>();
  for (const [spanId, model] of own) {
    const seen = new Set<string>();
    for (let up = byId.get(spanId)?.parentSpanId; up !== undefined && !seen.has(up); ) {
      seen.add(up);
      below.set(up, (below.get(up) ?? new Set()).add(model));
      up = byId.get(up)?.parentSpanId;
    }
  }
  const out = new Map<string, string>();
  for (const span of spans) {
    let model = own.get(span.spanId);
    const seen = new Set<string>();
    for (let up = span.parentSpanId; model === undefined && up !== undefined && !seen.has(up); ) {
      seen.add(up);
      model = own.get(up);
      up = byId.get(up)?.parentSpanId;
    }
    const under = below.get(span.spanId);
    if (model === undefined && under?.size === 1) model = [...under][0];
    out.set(span.spanId, model ?? NO_MODEL);
  }
  return out;
}

interface Group {
  row: Omit<SliRow, 'duration' | 'firstChunk' | 'tokensPerSecond' | 'errorRate' | 'slowest'>;
  durations: number[];
  firstChunks: number[];
  rates: number[];
  traces: Map<string, number>;
}

/** The SLI rows over `traces` (each a trace's spans), sorted by service, model, operation. */
export function sliRows(traces: Iterable<ViewerSpan[]>): SliRow[] {
  const groups = new Map<string, Group>();
  for (const spans of traces) {
    const models = modelsOf(spans);
    for (const span of spans) {
      const model = models.get(span.spanId) ?? NO_MODEL;
      const operation = operationOf(span);
      const key = JSON.stringify([span.service, model, operation]);
      let group = groups.get(key);
      if (group === undefined) {
        group = {
          row: { service: span.service, model, operation, count: 0, errors: 0 },
          durations: [],
          firstChunks: [],
          rates: [],
          traces: new Map(),
        };
        groups.set(key, group);
      }
      const figures = generationOf(span);
      const durationMs = span.endMs - span.startMs;
      const outcome = outcomeOf(span).kind;
      group.row.count++;
      if (outcome === 'error' || outcome === 'incomplete') group.row.errors++;
      group.durations.push(durationMs);
      if (figures?.firstChunkMs !== undefined) group.firstChunks.push(figures.firstChunkMs);
      if (figures?.tokensPerSecond !== undefined) group.rates.push(figures.tokensPerSecond);
      group.traces.set(span.traceId, Math.max(group.traces.get(span.traceId) ?? 0, durationMs));
    }
  }
  return [...groups.values()]
    .map(({ row, durations, firstChunks, rates, traces }): SliRow => {
      const out: SliRow = {
        ...row,
        errorRate: row.errors / row.count,
        duration: quantiles(durations),
        firstChunk: quantiles(firstChunks),
        slowest: [...traces]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([traceId, durationMs]) => ({ traceId, durationMs })),
      };
      const rate = percentile(
        rates.sort((a, b) => a - b),
        50,
      );
      if (rate !== undefined) out.tokensPerSecond = rate;
      return out;
    })
    .sort(
      (a, b) =>
        a.service.localeCompare(b.service) ||
        a.model.localeCompare(b.model) ||
        a.operation.localeCompare(b.operation),
    );
}
