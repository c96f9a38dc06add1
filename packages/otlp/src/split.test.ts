import { createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OtlpJsonEncoder } from './otlp-json-text.js';
import { splitIntoBodies } from './split.js';

async function spans(sizes: number[]): Promise<SpanData[]> {
  const memory = createMemoryExporter();
  const provider = createTracerProvider({ exporter: memory, asyncLocalStorage: false });
  const tracer = provider.getTracer('t');
  sizes.forEach((size, i) => {
    const span = tracer.startSpan(`s${i}`, { attributes: { payload: 'x'.repeat(size) } });
    span.addEvent('e', { detail: 'y'.repeat(size) });
    span.end();
  });
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

const names = (body: Uint8Array): string[] =>
  (
    JSON.parse(new TextDecoder().decode(body)) as {
      resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
    }
  ).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));

describe('splitIntoBodies', () => {
  it('keeps a batch that fits in one body', async () => {
    const { bodies, dropped } = splitIntoBodies(await spans([10, 10, 10]), 100_000, new OtlpJsonEncoder());
    expect(bodies).toHaveLength(1);
    expect(dropped).toBe(0);
  });

  it('splits so that no body exceeds the limit, keeping every span once and in order', async () => {
    const batch = await spans(Array.from({ length: 40 }, () => 500));
    const { bodies, dropped } = splitIntoBodies(batch, 8_000, new OtlpJsonEncoder());
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(body.length).toBeLessThanOrEqual(8_000);
    expect(bodies.flatMap(names)).toEqual(batch.map((s) => s.name));
    expect(dropped).toBe(0);
  });

  it('cuts down a span too large on its own, and drops one that still does not fit', async () => {
    const [big] = await spans([100_000]);
    const cut = splitIntoBodies(big ? [big] : [], 6_000, new OtlpJsonEncoder());
    expect(cut.bodies).toHaveLength(1);
    expect(cut.bodies[0]?.length).toBeLessThanOrEqual(6_000);
    expect(new TextDecoder().decode(cut.bodies[0])).toContain('x'.repeat(1024));
    expect(new TextDecoder().decode(cut.bodies[0])).not.toContain('x'.repeat(1025));
    const none = splitIntoBodies(big ? [big] : [], 1_024, new OtlpJsonEncoder());
    expect(none).toEqual({ bodies: [], dropped: 1 });
  });

  it('always terminates with every span placed or counted, whatever the sizes and limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 12 }),
        fc.integer({ min: 1_024, max: 20_000 }),
        async (sizes, limit) => {
          const batch = await spans(sizes);
          const { bodies, dropped } = splitIntoBodies(batch, limit, new OtlpJsonEncoder());
          for (const body of bodies) expect(body.length).toBeLessThanOrEqual(limit);
          expect(bodies.flatMap(names).length + dropped).toBe(batch.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
