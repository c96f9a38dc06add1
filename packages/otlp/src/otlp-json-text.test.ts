import { createMemoryExporter, createTracerProvider, createTraceState, type SpanData } from '@edgetrace/core';
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OtlpAnyValue, OtlpKeyValue, OtlpTraceRequest } from './otlp-json.js';
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
  specs: Array<{ name: string; attrs: Attributes; error: boolean }>,
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
    const span = tracer.startSpan(spec.name, { kind: SpanKind.CLIENT, attributes: spec.attrs }, remote);
    span.addEvent('event', spec.attrs);
    span.addLink({ context: span.spanContext(), attributes: spec.attrs });
    if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'bad "thing"' });
    span.end();
  }
  provider.getTracer('other').startSpan('plain').end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

/** Reads OTLP AnyValues back into attribute values: the inverse the spec defines. */
function decodeValue(value: OtlpAnyValue): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(decodeValue);
  return null;
}

function decodeAttributes(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, decodeValue(value)]));
}

/** -0 is an integer to OTLP and comes back as 0. */
function normalizeZero(attributes: Attributes | undefined): Record<string, unknown> {
  const zero = (v: unknown): unknown => (Object.is(v, -0) ? 0 : Array.isArray(v) ? v.map(zero) : v);
  return Object.fromEntries(Object.entries(attributes ?? {}).map(([k, v]) => [k, zero(v)]));
}

describe('encodeTracesText', () => {
  it('carries any span name and attribute value through JSON text intact', async () => {
    const spec = fc.record({
      name: fc.string({ unit: 'binary', maxLength: 20 }),
      attrs: attributes,
      error: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 4 }), async (specs) => {
        const spans = await makeSpans(specs);
        const request = JSON.parse(encodeTracesText(spans)) as OtlpTraceRequest;
        const encoded = request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
        expect(encoded.map((s) => s.name).sort()).toEqual(spans.map((s) => s.name).sort());
        for (const span of spans) {
          const out = encoded.find((e) => e.spanId === span.spanContext().spanId);
          const expected = normalizeZero(span.attributes);
          expect(decodeAttributes(out?.attributes)).toEqual(expected);
          expect(decodeAttributes(out?.events?.[0]?.attributes)).toEqual(
            normalizeZero(span.events[0]?.attributes),
          );
          expect(decodeAttributes(out?.links?.[0]?.attributes)).toEqual(
            normalizeZero(span.links[0]?.attributes),
          );
        }
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
