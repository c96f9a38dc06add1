// The active span inside workerd (with nodejs_compat, as the vitest pool runs it): found
// without a static node: import, kept across real I/O waits, never mixed between 100 traces.
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider } from '../trace/provider.js';
import { findAsyncLocalStorage } from './context-manager.js';

const exporter = createMemoryExporter();
const provider = createTracerProvider({ exporter });

afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('context in workerd', () => {
  it('finds AsyncLocalStorage at runtime', () => {
    expect(typeof findAsyncLocalStorage()).toBe('function');
    expect(provider.asyncContext).toBe(true);
    expect(provider.register()).toBe(true);
  });

  it('keeps the active span across await for 100 concurrent traces', async () => {
    const tracer = trace.getTracer('workerd-test');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        const traceId = `${(i + 1).toString(16).padStart(8, '0')}${'c'.repeat(24)}`;
        const parent = propagation.extract(ROOT_CONTEXT, {
          traceparent: `00-${traceId}-${'d'.repeat(16)}-01`,
        });
        return tracer.startActiveSpan('request', {}, parent, async (span) => {
          await new Promise((resolve) => setTimeout(resolve, (i * 3) % 7));
          const child = tracer.startSpan('child');
          child.end();
          span.end();
          return {
            expected: traceId,
            active: trace.getActiveSpan()?.spanContext().traceId,
            child: child.spanContext().traceId,
          };
        });
      }),
    );
    for (const r of results) {
      expect(r.active).toBe(r.expected);
      expect(r.child).toBe(r.expected);
    }
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toHaveLength(200);
  });
});
