// Property-based fuzzing of every parser of untrusted input, 10,000 cases each, through the
// public API: traceparent, tracestate, baggage, OTEL_* values. (SSE byte streams are fuzzed in
// packages/inference/src/sse.test.ts.) No input throws; a valid context is kept, an invalid one
// replaced by a new trace.
import { createTracerProvider, parseBaggage, parseTraceParent, parseTraceState } from '@edgetrace/core';
import { createOtlpExporter, exporterFromEnv, resolveExporterConfig } from '@edgetrace/otlp';
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  diag,
  propagation,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUNS = 10_000;
const provider = createTracerProvider({ asyncLocalStorage: false });
const propagator = provider.propagator;
const tracer = provider.getTracer('fuzz');

beforeAll(() => diag.disable());
afterAll(() => propagation.disable());

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const validTraceparent = fc
  .tuple(hex(32), hex(16), fc.constantFrom('00', '01', '02', '03'))
  .filter(([t, s]) => !/^0+$/.test(t) && !/^0+$/.test(s))
  .map(([t, s, f]) => `00-${t}-${s}-${f}`);
// Mostly near-valid noise: a valid header with a character changed, cut or added, or anything.
const noisyHeader = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
  fc.tuple(validTraceparent, fc.nat(), fc.string({ maxLength: 3 })).map(([h, i, s]) => {
    const at = i % (h.length + 1);
    return `${h.slice(0, at)}${s}${h.slice(at + 1)}`;
  }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
);

/** Extracts `headers` and starts a child, as a server would. */
function childOf(headers: Record<string, string>) {
  const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const span = tracer.startSpan('child', {}, parent);
  span.end();
  return { parent: trace.getSpanContext(parent), child: span.spanContext() };
}

describe('fuzzing untrusted input (10,000 cases each)', () => {
  it('traceparent: a valid one is continued exactly, anything else starts a new valid trace', () => {
    fc.assert(
      fc.property(fc.oneof(validTraceparent, noisyHeader), (header) => {
        const parsed = parseTraceParent(header);
        const { parent, child } = childOf({ traceparent: header });
        expect(trace.isSpanContextValid(child)).toBe(true);
        if (parsed === null) {
          expect(parent).toBeUndefined();
        } else {
          expect(parent?.traceId).toBe(parsed.traceId);
          expect(child.traceId).toBe(parsed.traceId);
          const carrier: Record<string, string> = {};
          propagator.inject(trace.setSpanContext(ROOT_CONTEXT, child), carrier, defaultTextMapSetter);
          expect(carrier.traceparent).toMatch(new RegExp(`^00-${parsed.traceId}-[0-9a-f]{16}-0[0-3]$`));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('tracestate: never throws, keeps at most 32 valid members, and is dropped whole when invalid', () => {
    const member = fc.oneof(
      fc
        .tuple(fc.stringMatching(/^[a-z][a-z0-9_\-*/]{0,20}$/), fc.stringMatching(/^[!-+\--<>-~]{1,20}$/))
        .map(([k, v]) => `${k}=${v}`),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(
        validTraceparent,
        fc.array(member, { maxLength: 40 }),
        fc.constantFrom(',', ' , ', ',\t'),
        (tp, members, sep) => {
          const header = members.join(sep);
          const state = parseTraceState(header);
          const { parent } = childOf({ traceparent: tp, tracestate: header });
          const kept = parent?.traceState?.serialize() ?? '';
          if (state === null) expect(kept).toBe('');
          else expect(kept).toBe(state.serialize());
          expect(kept.split(',').filter((m) => m !== '').length).toBeLessThanOrEqual(32);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('baggage: never throws, stays within 180 members and 8192 bytes, and round-trips what it keeps', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 30 }),
        (noise, pairs) => {
          const header = `${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join(',')}${noise}`;
          const entries = parseBaggage(header);
          expect(entries.length).toBeLessThanOrEqual(180);
          const ctx = propagator.extract(ROOT_CONTEXT, { baggage: header }, defaultTextMapGetter);
          const carrier: Record<string, string> = {};
          propagator.inject(ctx, carrier, defaultTextMapSetter);
          const sent = carrier.baggage ?? '';
          expect(new TextEncoder().encode(sent).length).toBeLessThanOrEqual(8192);
          // Keys are unique in a baggage: a later duplicate replaces an earlier one.
          const values = (list: ReturnType<typeof parseBaggage>) =>
            Object.fromEntries(list.map(([k, e]) => [k, e.value]));
          expect(values(parseBaggage(sent))).toEqual(values(entries));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('OTEL_* values: any value gives a working provider and exporter config, never an exception', () => {
    const names = [
      'OTEL_SERVICE_NAME',
      'OTEL_RESOURCE_ATTRIBUTES',
      'OTEL_TRACES_SAMPLER',
      'OTEL_TRACES_SAMPLER_ARG',
      'OTEL_PROPAGATORS',
      'OTEL_SDK_DISABLED',
      'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
      'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_COMPRESSION',
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      'OTEL_TRACES_EXPORTER',
    ];
    const value = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom(
        'traceidratio',
        'parentbased_traceidratio',
        '0.5',
        '-1',
        'NaN',
        'true',
        'gzip',
        'http://127.0.0.1:4318',
        'a=b,c=%ZZ',
        // Lists that parse but name what HTTP refuses: a name with a space, a value with a line break.
        'a b=c',
        'x-key=a%0Ab,x-ok=1',
        'otlp,console,none',
      ),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), value), (env) => {
        const fuzzed = createTracerProvider({ env, asyncLocalStorage: false });
        const span = fuzzed.getTracer('x').startSpan('s');
        span.setAttribute('k', 'v'.repeat(50));
        span.end();
        expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
        const config = resolveExporterConfig({ env });
        expect(config.timeoutMs).toBeGreaterThan(0);
        expect(config.endpoint === undefined || /^https?:\/\//.test(config.endpoint)).toBe(true);
        // The exporter made from the same variables: on a Worker it is made at the first request.
        expect(createOtlpExporter({ env }).config).toEqual(config);
        const chosen = exporterFromEnv(env);
        expect(chosen === undefined || typeof chosen.export === 'function').toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
