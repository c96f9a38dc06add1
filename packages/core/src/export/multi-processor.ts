// Fans span events out to several processors; one that throws does not stop the others.
import type { Context } from '@opentelemetry/api';
import { guarded } from '../config/report.js';
import type { SpanData, SpanProcessor } from '../trace/types.js';

const NOOP: SpanProcessor = {
  onStart() {},
  onEnd() {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

/** One processor for several: none is a no-op, one is itself (no fan-out on the hot path). */
export function createMultiProcessor(processors: readonly SpanProcessor[]): SpanProcessor {
  const [first] = processors;
  if (first === undefined) return NOOP;
  if (processors.length === 1) return first;
  const each = (what: string, call: (p: SpanProcessor) => void): void => {
    for (const processor of processors)
      guarded(`a span processor threw in ${what}`, () => call(processor), undefined);
  };
  const all = async (call: (p: SpanProcessor) => Promise<void>): Promise<void> => {
    await Promise.allSettled(processors.map(async (p) => call(p)));
  };
  return {
    onStart: (span: SpanData, parent: Context) => each('onStart', (p) => p.onStart(span, parent)),
    onEnd: (span: SpanData) => each('onEnd', (p) => p.onEnd(span)),
    forceFlush: (traceId?: string) => all((p) => p.forceFlush(traceId)),
    shutdown: () => all((p) => p.shutdown()),
  };
}
