import { createMemoryExporter, createTracerProvider, createTraceState, type SpanData } from '@edgetrace/core';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTraces } from './otlp-json.js';
import { encodeTracesText } from './otlp-json-text.js';

const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 60, Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.array(fc.double(), { maxLength: 3 }),
);
const attributes = fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), value, {
  maxKeys: 6,
});

async function makeSpans(
  specs: Array<{ name: string; attrs: Record<string, unknown>; error: boolean }>,
): Promise<SpanData[]> {
  const memory = createMemoryExporter();
  const provider = createTracerProvider({
    exporter: memory,
    serviceName: 'text',
    resource: { region: 'weur' },
    asyncLocalStorage: false,
  });
  const tracer = provider.getTracer('t', '1', { schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' });
  const remote = trace.setSpanContext(context.active(), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
    isRemote: true,
    traceState: createTraceState().set('k', 'v'),
  });
  for (const spec of specs) {
    const span = tracer.startSpan(
      spec.name,
      { kind: SpanKind.CLIENT, attributes: spec.attrs as never },
      remote,
    );
    span.addEvent('event', spec.attrs as never);
    span.addLink({ context: span.spanContext(), attributes: spec.attrs as never });
    if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'bad "thing"' });
    span.end();
  }
  provider.getTracer('other').startSpan('plain').end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

describe('encodeTracesText', () => {
  it('parses to exactly what encodeTraces builds, for any names and attribute values', async () => {
    const spec = fc.record({
      name: fc.string({ unit: 'binary', maxLength: 20 }),
      attrs: attributes,
      error: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 4 }), async (specs) => {
        const spans = await makeSpans(specs);
        expect(JSON.parse(encodeTracesText(spans))).toEqual(JSON.parse(JSON.stringify(encodeTraces(spans))));
      }),
      { numRuns: 300 },
    );
  });

  it('writes non-finite doubles as protobuf JSON strings and large integers as doubles', async () => {
    const [span] = await makeSpans([
      { name: 's', attrs: { nan: Number.NaN, big: 2 ** 60, inf: -Infinity }, error: false },
    ]);
    const text = encodeTracesText(span ? [span] : []);
    expect(text).toContain('{"key":"nan","value":{"doubleValue":"NaN"}}');
    expect(text).toContain('{"key":"inf","value":{"doubleValue":"-Infinity"}}');
    expect(text).toContain('{"key":"big","value":{"doubleValue":1152921504606847000}}');
  });
});
