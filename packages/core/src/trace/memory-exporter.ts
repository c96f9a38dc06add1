// An exporter that keeps finished spans in memory, for tests (ours and our users').
import type { ExportResult, SpanData, SpanExporter } from './types.js';

export interface MemoryExporter extends SpanExporter {
  /** Every span exported so far, in export order. */
  getFinishedSpans(): SpanData[];
  /** Forgets the spans kept so far. */
  reset(): void;
}

export function createMemoryExporter(): MemoryExporter {
  let spans: SpanData[] = [];
  let stopped = false;
  return {
    async export(batch: readonly SpanData[]): Promise<ExportResult> {
      if (stopped) return { ok: false, error: 'exporter is shut down' };
      spans.push(...batch);
      return { ok: true };
    },
    getFinishedSpans: () => [...spans],
    reset() {
      spans = [];
    },
    async shutdown() {
      stopped = true;
    },
  };
}
