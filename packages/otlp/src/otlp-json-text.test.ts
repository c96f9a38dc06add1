import { createMemoryExporter, createTracerProvider, createTraceState, type SpanData } from '@edgetrace/core';
import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OtlpAnyValue, OtlpKeyValue, OtlpTraceRequest } from './otlp-json.js';
import { encodeTracesBytes, encodeTracesText, toNanoString } from './otlp-json-text.js';

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

  it('keeps every pair exact while values repeat, change and come back across spans', async () => {
    const long = 'x'.repeat(500);
    const sequence: Attributes[] = [
      { model: 'llama', port: 8000, ok: true, ratio: 0.5, text: long, tags: ['a'] },
      { model: 'llama', port: 8000, ok: true, ratio: 0.5, text: long, tags: ['a'] },
      { model: 'llama', port: 8000, ok: true, ratio: 0.5, text: long, tags: ['a'] },
      { model: 'qwen', port: 8001, ok: false, ratio: 0.25, text: `${long}y`, tags: ['b'] },
      { model: 'llama', port: 8000, ok: true, ratio: 0.5, text: long, tags: ['a'] },
      { model: 'llama', port: -8000, ok: true, ratio: 0.5, text: long, tags: [] },
      { port: 8000, model: 'llama' },
      { model: 'llama', port: 8000, ok: true, ratio: 0.5, text: long, tags: ['a'] },
    ];
    const spans = await makeSpans(sequence.map((attrs, i) => ({ name: `s${i}`, attrs, error: false })));
    // Encode twice: the second pass starts with every cache warm.
    for (let pass = 0; pass < 2; pass++) {
      const request = JSON.parse(encodeTracesText(spans)) as OtlpTraceRequest;
      const encoded = request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      for (const [i, attrs] of sequence.entries()) {
        const out = encoded.find((e) => e.name === `s${i}`);
        expect(decodeAttributes(out?.attributes)).toEqual(attrs);
        expect(decodeAttributes(out?.events?.[0]?.attributes)).toEqual(attrs);
      }
    }
  });

  it('writes integers digit for digit, with their sign', async () => {
    const values = [0, -0, 7, -5, 10, 99_999_999, 100_000_000, 123_456_789_012, 2 ** 53 - 1, -(2 ** 53 - 1)];
    const attrs = Object.fromEntries(values.map((v, i) => [`n${i}`, v]));
    const spans = await makeSpans([{ name: 'ints', attrs, error: false }]);
    const request = JSON.parse(encodeTracesText(spans)) as OtlpTraceRequest;
    const out = request.resourceSpans[0]?.scopeSpans[0]?.spans.find((s) => s.name === 'ints');
    expect(out?.attributes?.map((a) => a.value)).toEqual(
      values.map((v) => ({ intValue: Object.is(v, -0) ? '0' : String(v) })),
    );
  });

  it('writes any time as the nanosecond string toNanoString gives, exact to the microsecond', async () => {
    const memory = createMemoryExporter();
    const provider = createTracerProvider({ exporter: memory, asyncLocalStorage: false });
    const tracer = provider.getTracer('t');
    const time = fc.double({ min: 1, max: 4e12, noNaN: true });
    fc.assert(
      fc.property(time, time, (start, end) => {
        const expected = (ms: number): string =>
          String(
            BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms - Math.floor(ms)) * 1e3)) * 1000n,
          );
        expect(toNanoString(start)).toBe(expected(start));
        const span = tracer.startSpan('t', { startTime: start });
        span.addEvent('e', end);
        span.end(Math.max(start, end));
        return true;
      }),
      { numRuns: 500 },
    );
    await provider.forceFlush();
    const spans = memory.getFinishedSpans();
    const request = JSON.parse(encodeTracesText(spans)) as OtlpTraceRequest;
    const encoded = request.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(encoded).toHaveLength(spans.length);
    for (const [i, span] of spans.entries()) {
      expect(encoded[i]?.startTimeUnixNano).toBe(toNanoString(span.startTime));
      expect(encoded[i]?.endTimeUnixNano).toBe(toNanoString(span.endTime));
      expect(encoded[i]?.events?.[0]?.timeUnixNano).toBe(toNanoString(span.events[0]?.time ?? 0));
    }
  });

  it('grows its buffer for a large batch, lets it go, and encodes the next batch intact', async () => {
    // 12 spans of 1 MB each (past the 8 MB the encoder keeps), half of it non-ASCII.
    const big = `${'é'.repeat(300_000)}${'a'.repeat(400_000)}`;
    const large = await makeSpans(
      Array.from({ length: 12 }, (_, i) => ({ name: `big${i}`, attrs: { big }, error: false })),
    );
    const bytes = encodeTracesBytes(large);
    expect(bytes.length).toBeGreaterThan(12 * 1_000_000);
    const request = JSON.parse(new TextDecoder().decode(bytes)) as OtlpTraceRequest;
    const first = request.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(first?.attributes?.[0]?.value).toEqual({ stringValue: big });
    const small = await makeSpans([{ name: 'after', attrs: { k: 'v' }, error: false }]);
    const again = JSON.parse(encodeTracesText(small)) as OtlpTraceRequest;
    expect(again.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes).toEqual([
      { key: 'k', value: { stringValue: 'v' } },
    ]);
  });
});
