// Exports each sampled span as it ends: for tests and debugging, not for production traffic.
import { type Context, diag } from '@opentelemetry/api';
import { isSampled } from './tail-policy.js';
import type { SpanData, SpanExporter, SpanProcessor } from './types.js';

export function createSimpleProcessor(exporter: SpanExporter): SpanProcessor {
  const pending = new Set<Promise<void>>();
  let stopped = false;
  return {
    onStart(_span: SpanData, _parentContext: Context): void {},
    onEnd(span: SpanData): void {
      if (stopped || !isSampled(span)) return;
      const done = exporter
        .export([span])
        .then(
          (result) => {
            if (!result.ok) diag.warn(`edgetrace: export failed: ${result.error}`);
          },
          (error: unknown) => diag.error('edgetrace: exporter threw', error),
        )
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    async forceFlush(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async shutdown(): Promise<void> {
      await this.forceFlush();
      stopped = true;
      try {
        await exporter.shutdown?.();
      } catch (error) {
        diag.error('edgetrace: exporter shutdown failed', error);
      }
    },
  };
}
