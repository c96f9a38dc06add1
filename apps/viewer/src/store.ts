// The viewer's memory: spans grouped by trace, bounded in traces and spans per trace (the oldest
// trace goes first), optionally appended to a JSONL file and read back on start, so a restart
// loses nothing.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { ViewerSpan } from './decode.js';

export interface StoreOptions {
  /** @default 1000 */
  maxTraces?: number;
  /** @default 2000 */
  maxSpansPerTrace?: number;
  /** Append every span here, and load it on start. @default none */
  file?: string;
}

export interface TraceSummary {
  traceId: string;
  root: string;
  services: string[];
  spans: number;
  startMs: number;
  durationMs: number;
  error: boolean;
}

export interface SpanStats {
  name: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface TraceStore {
  add(spans: ViewerSpan[]): string[];
  get(traceId: string): ViewerSpan[] | undefined;
  list(): TraceSummary[];
  stats(): SpanStats[];
  readonly size: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** The summary of one trace: its root (a span without a parent here), services, extent. */
export function summarize(traceId: string, spans: ViewerSpan[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => s.parentSpanId === undefined || !ids.has(s.parentSpanId));
  const root = roots.sort((a, b) => a.startMs - b.startMs)[0] ?? spans[0];
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  return {
    traceId,
    root: root === undefined ? '' : `${root.service}: ${root.name}`,
    services: [...new Set(spans.map((s) => s.service))],
    spans: spans.length,
    startMs: start,
    durationMs: end - start,
    error: spans.some((s) => s.status.code === 2),
  };
}

export function createStore(options: StoreOptions = {}): TraceStore {
  const { maxTraces = 1000, maxSpansPerTrace = 2000, file } = options;
  const traces = new Map<string, ViewerSpan[]>();

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
        }
      }
      if (list.length < maxSpansPerTrace && !list.some((s) => s.spanId === span.spanId)) list.push(span);
      touched.add(span.traceId);
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
    list: () =>
      [...traces.entries()]
        .map(([traceId, spans]) => summarize(traceId, spans))
        .sort((a, b) => b.startMs - a.startMs),
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
          const sorted = durations.sort((a, b) => a - b);
          return {
            name,
            count: sorted.length,
            p50: percentile(sorted, 50),
            p95: percentile(sorted, 95),
            p99: percentile(sorted, 99),
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    get size() {
      return traces.size;
    },
  };
}
