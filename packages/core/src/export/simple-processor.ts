// Exports each sampled span as it ends: for tests and debugging, not for production traffic.
import type { Context } from '@opentelemetry/api';
import { isSampled } from '../sampling/tail-policy.js';
import type { SpanData, SpanExporter, SpanProcessor } from '../trace/types.js';
import { createDropCounter } from './drop-counter.js';
import { callExporter, createSends } from './exporting.js';

export function createSimpleProcessor(exporter: SpanExporter): SpanProcessor {
  const sends = createSends(exporter, createDropCounter('spans', Date.now));
  let stopped = false;
  return {
    onStart(_span: SpanData, _parentContext: Context): void {},
    onEnd(span: SpanData): void {
      if (!stopped && isSampled(span)) sends.send([span]);
    },
    forceFlush: () => sends.settled(),
    async shutdown(): Promise<void> {
      await sends.settled();
      stopped = true;
      await callExporter(exporter, 'shutdown');
    },
  };
}
