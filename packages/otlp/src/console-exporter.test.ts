import { createTracerProvider } from '@edgetrace/core';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createConsoleExporter } from './console-exporter.js';

describe('createConsoleExporter', () => {
  it('prints one readable line per span', async () => {
    const lines: string[] = [];
    const provider = createTracerProvider({
      exporter: createConsoleExporter({ write: (line) => lines.push(line) }),
      asyncLocalStorage: false,
    });
    const span = provider.getTracer('t').startSpan('chat llama', {
      kind: SpanKind.CLIENT,
      startTime: new Date(1_700_000_000_000),
      attributes: { 'gen_ai.request.model': 'llama', 'gen_ai.usage.output_tokens': 42, tags: ['a', 'b'] },
    });
    span.addEvent('first chunk');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'reset' });
    span.end(new Date(1_700_000_000_025));
    await provider.forceFlush();
    expect(lines).toHaveLength(1);
    const { traceId, spanId } = span.spanContext();
    expect(lines[0]).toBe(
      `${traceId}/${spanId} ← root CLIENT "chat llama" 25.0 ms ERROR (reset) gen_ai.request.model="llama" gen_ai.usage.output_tokens=42 tags=["a","b"] events=[first chunk]`,
    );
  });

  it('reports a failing writer as a result, not a throw', async () => {
    const exporter = createConsoleExporter({
      write: () => {
        throw new Error('stdout closed');
      },
    });
    const provider = createTracerProvider({ exporter, asyncLocalStorage: false });
    provider.getTracer('t').startSpan('s').end();
    await expect(provider.forceFlush()).resolves.toBeUndefined();
  });
});
