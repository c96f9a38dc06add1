import { readFileSync } from 'node:fs';
import { context, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEnvReader, parseKeyValueList } from '../config/env.js';
import { ConfigError } from '../config/errors.js';
import { captureDiag } from '../test-support/diag-capture.js';
import { createMemoryExporter } from './memory-exporter.js';
import { createTracerProvider, type TracerProviderOptions } from './provider.js';
import type { SpanData } from './types.js';
import { VERSION } from './version.js';

afterEach(() => {
  diag.disable();
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('createTracerProvider configuration', () => {
  it('builds the resource: defaults, OTEL_RESOURCE_ATTRIBUTES, options, OTEL_SERVICE_NAME', () => {
    const provider = createTracerProvider({
      env: {
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=gpu%20infra,service.name=from-attrs',
        OTEL_SERVICE_NAME: 'from-env',
      },
      resource: { region: 'weur' },
      serviceVersion: '2.0.0',
    });
    expect(provider.resource.attributes).toEqual({
      'service.name': 'from-env',
      'service.version': '2.0.0',
      'telemetry.sdk.name': 'edgetrace',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': VERSION,
      'deployment.environment.name': 'prod',
      team: 'gpu infra',
      region: 'weur',
    });
    expect(
      createTracerProvider({ serviceName: 'code', env: { OTEL_SERVICE_NAME: 'env' } }).resource.attributes[
        'service.name'
      ],
    ).toBe('code');
    expect(createTracerProvider({ env: {} }).resource.attributes['service.name']).toBe(
      'unknown_service:node',
    );
  });

  it('keeps VERSION in step with package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });

  it('reads the sampler from OTEL_TRACES_SAMPLER and its argument', () => {
    const provider = createTracerProvider({
      env: { OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
    });
    expect(provider.sampler.toString()).toBe('ParentBased{root=TraceIdRatioBased{0.1}}');
    expect(createTracerProvider({ env: {} }).sampler.toString()).toBe('ParentBased{root=AlwaysOnSampler}');
    expect(
      createTracerProvider({
        sampler: 'always_off',
        env: { OTEL_TRACES_SAMPLER: 'always_on' },
      }).sampler.toString(),
    ).toBe('AlwaysOffSampler');
  });

  it('warns once per invalid variable and uses the default', () => {
    const warnings = captureDiag();
    const provider = createTracerProvider({
      env: {
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '2',
        OTEL_RESOURCE_ATTRIBUTES: 'novalue',
        OTEL_ATTRIBUTE_COUNT_LIMIT: '-1',
        OTEL_PROPAGATORS: 'tracecontext,b3',
      },
    });
    expect(provider.sampler.toString()).toBe('ParentBased{root=AlwaysOnSampler}');
    expect(provider.resource.attributes['service.name']).toBe('unknown_service:node');
    expect(provider.propagator.fields()).toEqual(['traceparent', 'tracestate']);
    expect(warnings).toHaveLength(5);
    expect(warnings.join('\n')).toMatch(/OTEL_TRACES_SAMPLER="sometimes" is not one of always_on/);
    expect(warnings.join('\n')).toMatch(/OTEL_TRACES_SAMPLER_ARG="2" is not a number ≥ 0 ≤ 1/);
    expect(warnings.join('\n')).toMatch(/OTEL_PROPAGATORS names "b3"/);
  });

  it('reads span limits from OTEL_* variables, specific over general, options over both', async () => {
    const exporter = createMemoryExporter();
    const provider = createTracerProvider({
      exporter,
      env: {
        OTEL_ATTRIBUTE_COUNT_LIMIT: '1',
        OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '2',
        OTEL_SPAN_EVENT_COUNT_LIMIT: '1',
      },
      spanLimits: { linkCountLimit: 0 },
    });
    const span = provider.getTracer('t').startSpan('s', { attributes: { a: 'long', b: 'x' } });
    span.addEvent('one', { x: 1, y: 2 }).addEvent('two').addLink({ context: span.spanContext() });
    span.end();
    await provider.forceFlush();
    const [out] = exporter.getFinishedSpans();
    expect(out?.attributes).toEqual({ a: 'lo' });
    expect(out?.events.map((e) => e.name)).toEqual(['two']);
    expect(out?.droppedLinksCount).toBe(1);
  });

  it('OTEL_SDK_DISABLED=true makes every span non-recording', () => {
    const provider = createTracerProvider({
      env: { OTEL_SDK_DISABLED: 'true' },
      exporter: createMemoryExporter(),
      tail: {},
    });
    expect(provider.getTracer('t').startSpan('s').isRecording()).toBe(false);
  });

  it('OTEL_PROPAGATORS picks the propagators', () => {
    expect(createTracerProvider({ env: { OTEL_PROPAGATORS: 'baggage' } }).propagator.fields()).toEqual([
      'baggage',
    ]);
    expect(createTracerProvider({ env: { OTEL_PROPAGATORS: 'none' } }).propagator.fields()).toEqual([]);
    expect(createTracerProvider({ env: {} }).propagator.fields()).toEqual([
      'traceparent',
      'tracestate',
      'baggage',
    ]);
  });

  it('throws a ConfigError that says what to fix for invalid options', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ exporter: {} }, /exporter must have an export\(spans\) method/],
      [{ sampler: 'sometimes' }, /unknown sampler "sometimes"/],
      [{ samplerArg: 3 }, /samplerArg must be a ratio from 0 to 1/],
      [{ spanLimits: { attributeCountLimit: -1 } }, /spanLimits.attributeCountLimit must be a whole number/],
      [{ spanLimits: { attributeLimit: 3 } }, /spanLimits.attributeLimit is not a span limit/],
      [{ serviceNmae: 'typo' }, /unknown option "serviceNmae"/],
      [{ tail: {} }, /tail sampling needs an exporter/],
      [
        { exporter: createMemoryExporter(), tail: { slowerThanMs: -5 } },
        /tail.slowerThanMs must be a number/,
      ],
      [{ asyncLocalStorage: 'yes' }, /asyncLocalStorage must be the AsyncLocalStorage class/],
      [{ processors: [{}] }, /processors must be an array of span processors/],
      [{ serviceName: '' }, /serviceName must be a non-empty string/],
      [{ now: 5 }, /now must be a function returning epoch milliseconds/],
      [{ propagator: {} }, /propagator must be a TextMapPropagator/],
      [
        { exporter: createMemoryExporter(), tail: { slowFirstChunkMs: 'soon' } },
        /tail.slowFirstChunkMs must be a number/,
      ],
    ];
    for (const [options, message] of cases) {
      expect(() => createTracerProvider(options as TracerProviderOptions), String(message)).toThrow(
        ConfigError,
      );
      expect(() => createTracerProvider(options as TracerProviderOptions)).toThrow(message);
    }
  });

  it('register() installs the API globals so trace.getTracer() produces our spans', async () => {
    const exporter = createMemoryExporter();
    const provider = createTracerProvider({ exporter, serviceName: 'api-user' });
    expect(provider.register()).toBe(true);
    const result = await trace.getTracer('app').startActiveSpan('outer', async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inner = trace.getTracer('app').startSpan('inner');
      inner.end();
      outer.end();
      return trace.getActiveSpan() === outer;
    });
    expect(result).toBe(true);
    await provider.forceFlush();
    const spans: SpanData[] = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['inner', 'outer']);
    expect(spans[0]?.parentSpanContext?.spanId).toBe(spans[1]?.spanContext().spanId);
    expect(spans[0]?.resource.attributes['service.name']).toBe('api-user');
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), trace.getTracer('app').startSpan('x')), carrier);
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
    // The API keeps the first provider registered.
    expect(createTracerProvider().register()).toBe(false);
  });
});

describe('env helpers', () => {
  it('reads sources in order, trimming, skipping empty values and bindings, reading numbers as text', () => {
    class Binding {}
    const env = createEnvReader(
      { A: '  ', B: 42, C: ' first ', E: new Binding() },
      { A: 'fallback', B: 'second', C: 'second', E: 'second' },
    );
    expect(env.string('A')).toBe('fallback');
    expect(env.string('B')).toBe('42');
    expect(env.string('C')).toBe('first');
    expect(env.string('D')).toBeUndefined();
    expect(env.string('E')).toBe('second');
  });

  it('parses booleans and lists', () => {
    const warnings = captureDiag();
    const env = createEnvReader({ T: 'TRUE', F: 'false', X: 'yes', L: ' a, ,b ' });
    expect([env.boolean('T'), env.boolean('F'), env.boolean('X')]).toEqual([true, false, undefined]);
    expect(env.list('L')).toEqual(['a', 'b']);
    expect(warnings).toHaveLength(1);
  });

  it('parseKeyValueList percent-decodes and rejects malformed lists', () => {
    expect(parseKeyValueList('a=1, b = two%20words ,c=x%3Dy')).toEqual({ a: '1', b: 'two words', c: 'x=y' });
    expect(parseKeyValueList('api-key=abc,authorization=Bearer%20xyz')).toEqual({
      'api-key': 'abc',
      authorization: 'Bearer xyz',
    });
    expect(parseKeyValueList('a')).toBeNull();
    expect(parseKeyValueList('=1')).toBeNull();
    expect(parseKeyValueList('a=%E0%A4%A')).toBeNull();
    expect(parseKeyValueList('')).toEqual({});
  });

  it('parseKeyValueList never throws, and round-trips encoded pairs', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (text) => {
        parseKeyValueList(text);
      }),
      { numRuns: 3000 },
    );
    // Any Unicode text (whole code points: a lone surrogate cannot be percent-encoded).
    const text = (min: number) => fc.string({ unit: 'grapheme', minLength: min, maxLength: 10 });
    const pair = fc.tuple(text(1), text(0));
    fc.assert(
      fc.property(fc.uniqueArray(pair, { maxLength: 5, selector: ([k]) => k }), (pairs) => {
        const text = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join(',');
        // Encoded white space is data: only raw white space around keys and values is trimmed.
        const expected = Object.fromEntries(pairs);
        expect({ ...parseKeyValueList(text) }).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('diagnostics', () => {
  it('an invalid variable never throws into the caller', () => {
    const spy = vi.fn();
    diag.setLogger({ warn: spy, error: spy, info: spy, debug: spy, verbose: spy }, DiagLogLevel.ALL);
    expect(() =>
      createTracerProvider({ env: { OTEL_BSP_SCHEDULE_DELAY: 'soon', OTEL_SDK_DISABLED: 'maybe' } }),
    ).not.toThrow();
  });
});
