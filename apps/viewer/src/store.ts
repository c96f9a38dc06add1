// The viewer's memory: spans grouped by trace, bounded in traces and spans per trace (the oldest
// trace goes first), optionally appended to a JSONL file and read back on start, so a restart
// loses nothing. It answers the list (filtered), the per-span stats and the SLI view.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { ViewerSpan } from './decode.js';
import { quantiles } from './percentile.js';
import { type SliRow, sliRows } from './sli.js';
import { matches, type TraceFilter } from './trace-filter.js';
import { markSlow, summarize, type TraceSummary } from './trace-summary.js';

export interface StoreOptions {
  /** @default 1000 */
  maxTraces?: number;
  /** @default 2000 */
  maxSpansPerTrace?: number;
  /** Append every span here, and load it on start. @default none */
  file?: string;
}

export interface SpanStats {
  name: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface TraceStore {
  /** Keeps `spans`; returns the ids of the traces they touched. */
  add(spans: ViewerSpan[]): string[];
  get(traceId: string): ViewerSpan[] | undefined;
  /** Summaries, newest first, of the traces `filter` admits. */
  list(filter?: TraceFilter): TraceSummary[];
  /** Duration percentiles per `service: span name`. */
  stats(): SpanStats[];
  /** The service-level view: per service × model × operation. */
  sli(): SliRow[];
  readonly size: number;
}

export function createStore(options: StoreOptions = {}): TraceStore {
  const { maxTraces = 1000, maxSpansPerTrace = 2000, file } = options;
  const traces = new Map<string, ViewerSpan[]>();
  // Summaries are kept until their trace changes: the page asks for the list on every change.
  const summaries = new Map<string, TraceSummary>();

  function keep(spans: ViewerSpan[]): string[] {
    const touched = new Set<string>();
    for (const span of spans) {
      let list = traces.get(span.traceId);
      if (list === undefined) {
        list = [];
        traces.set(span.traceId, list);
        while (traces.size > maxTraces) {
          const oldest = traces.keys().next().value;
          if (oldest === undefined) break;
          traces.delete(oldest);
          summaries.delete(oldest);
        }
      }
      // Lines written before links and resources were kept have neither.
      if (list.length < maxSpansPerTrace && !list.some((s) => s.spanId === span.spanId))
        list.push({ ...span, links: span.links ?? [], resource: span.resource ?? {} });
      touched.add(span.traceId);
      summaries.delete(span.traceId);
    }
    return [...touched];
  }

  if (file !== undefined && existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        keep(JSON.parse(line) as ViewerSpan[]);
      } catch {
        // A torn last line from a crash: skip it.
      }
    }
  }

  return {
    add(spans) {
      if (file !== undefined && spans.length > 0) appendFileSync(file, `${JSON.stringify(spans)}\n`);
      return keep(spans);
    },
    get: (traceId) => traces.get(traceId),
    list(filter = {}) {
      const all = [...traces.entries()].map(([traceId, spans]) => {
        const known = summaries.get(traceId) ?? summarize(traceId, spans);
        summaries.set(traceId, known);
        return known;
      });
      return markSlow(all)
        .filter((summary) => matches(summary, filter))
        .sort((a, b) => b.startMs - a.startMs);
    },
    stats() {
      const byName = new Map<string, number[]>();
      for (const spans of traces.values()) {
        for (const span of spans) {
          const key = `${span.service}: ${span.name}`;
          const list = byName.get(key) ?? [];
          list.push(span.endMs - span.startMs);
          byName.set(key, list);
        }
      }
      return [...byName.entries()]
        .map(([name, durations]) => {
          const { p50 = 0, p95 = 0, p99 = 0 } = quantiles(durations);
          return { name, count: durations.length, p50, p95, p99 };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    sli: () => sliRows(traces.values()),
    get size() {
      return traces.size;
    },
  };
}
