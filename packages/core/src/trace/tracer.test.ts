// The tracer: what the sampler is asked and how its answer shapes the span, parents from
// context, start options, and the three startActiveSpan overloads.
import {
  type Attributes,
  type Context,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createTraceState } from '../propagation/trace-state.js';
import type { IdGenerator } from './ids.js';
import { createMemoryExporter } from './memory-exporter.js';
import { createTracerProvider, type TracerProviderOptions } from './provider.js';
import {
  SamplingDecision as Decision,
  type Sampler,
  type SamplingDecision,
  type SamplingResult,
  type SpanData,
} from './types.js';

const NOW = 1_700_000_000_000;
const PARENT = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
};

/** Ids counted up from 1, so every test knows which id comes next. */
function countingIds(): IdGenerator {
  let n = 0;
  return {
    traceId: () => (++n).toString(16).padStart(32, '0'),
    spanId: () => (++n).toString(16).padStart(16, '0'),
  };
}

interface Question {
  context: Context;
  traceId: string;
  name: string;
  kind: SpanKind;
  attributes: Attributes;
  links: readonly Link[];
}

/** A sampler that answers `result` and keeps each question it was asked. */
function scriptedSampler(result: SamplingResult): { sampler: Sampler; asked: Question[] } {
  const asked: Question[] = [];
  const sampler: Sampler = {
    shouldSample(ctx, traceId, name, kind, attributes, links) {
      asked.push({ context: ctx, traceId, name, kind, attributes, links });
      return result;
    },
    toString: () => 'Scripted',
  };
  return { sampler, asked };
}

function setup(options: TracerProviderOptions = {}) {
  const started: SpanData[] = [];
  const ended: SpanData[] = [];
  const provider = createTracerProvider({
    now: () => NOW,
    idGenerator: countingIds(),
    asyncLocalStorage: false,
    processors: [
      {
        onStart: (span) => started.push(span),
        onEnd: (span) => ended.push(span),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
    ...options,
  });
  return { tracer: provider.getTracer('test'), provider, started, ended };
}

const decided = (decision: SamplingDecision, extra: Omit<SamplingResult, 'decision'> = {}) =>
  scriptedSampler({ decision, ...extra });
const data = (span: Span): SpanData => span as unknown as SpanData;

afterEach(() => {
  context.disable();
});

describe('EdgeTracer.startSpan', () => {
  it('asks the sampler about the span it would start, with a new trace id for a root', () => {
    const { sampler, asked } = decided(Decision.RECORD_AND_SAMPLED);
    const { tracer } = setup({ sampler });
    const link = { context: PARENT, attributes: { why: 'fan-in' } };
    tracer.startSpan('GET /x', { kind: SpanKind.SERVER, attributes: { a: 1 }, links: [link] }, ROOT_CONTEXT);
    expect(asked).toEqual([
      {
        context: ROOT_CONTEXT,
        traceId: '00000000000000000000000000000001',
        name: 'GET /x',
        kind: SpanKind.SERVER,
        attributes: { a: 1 },
        links: [link],
      },
    ]);
  });

  it('continues the parent found in the context: its trace id, its trace state, a new span id', () => {
    const { tracer } = setup();
    const traceState = createTraceState().set('vendor', 'abc');
    const parent = trace.setSpanContext(ROOT_CONTEXT, { ...PARENT, traceState });
    const span = tracer.startSpan('child', {}, parent);
    expect(span.spanContext()).toEqual({
      traceId: PARENT.traceId,
      spanId: '0000000000000001',
      traceFlags: TraceFlags.SAMPLED,
      traceState,
    });
    expect(data(span).parentSpanContext).toEqual({ ...PARENT, traceState });
  });

  it('starts a new trace under a parent context that is not valid', () => {
    const { tracer } = setup();
    const invalid = trace.setSpanContext(ROOT_CONTEXT, { ...PARENT, traceId: '0'.repeat(32) });
    const span = tracer.startSpan('s', {}, invalid);
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000001');
    expect(data(span).parentSpanContext).toBeUndefined();
  });

  it('gives the span the attributes the sampler adds, over the caller’s', () => {
    const { sampler } = decided(Decision.RECORD_AND_SAMPLED, {
      attributes: { 'sampler.rule': 'r1', a: 'sampler' },
    });
    const { tracer } = setup({ sampler });
    const span = tracer.startSpan('s', { attributes: { a: 'caller', b: 2 } });
    expect(data(span).attributes).toEqual({ a: 'sampler', b: 2, 'sampler.rule': 'r1' });
  });

  it('puts the sampler’s trace state on the span instead of the parent’s', () => {
    const fromSampler = createTraceState().set('ot', 'th:8');
    const { sampler } = decided(Decision.RECORD_AND_SAMPLED, { traceState: fromSampler });
    const { tracer } = setup({ sampler });
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      ...PARENT,
      traceState: createTraceState().set('vendor', 'abc'),
    });
    expect(tracer.startSpan('s', {}, parent).spanContext().traceState?.serialize()).toBe('ot=th:8');
  });

  it('RECORD records the span for the processors without the sampled flag', () => {
    const { sampler } = decided(Decision.RECORD);
    const { tracer, started, ended } = setup({ sampler });
    const span = tracer.startSpan('recorded');
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    span.end();
    expect(started.map((s) => s.name)).toEqual(['recorded']);
    expect(ended.map((s) => s.name)).toEqual(['recorded']);
  });

  it('NOT_RECORD gives a non-recording span that no processor sees, still propagating its context', () => {
    const { sampler } = decided(Decision.NOT_RECORD);
    const { tracer, started, ended } = setup({ sampler });
    const parent = trace.setSpanContext(ROOT_CONTEXT, PARENT);
    const span = tracer.startSpan('dropped', {}, parent);
    span.setAttribute('ignored', 1);
    span.end();
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toMatchObject({ traceId: PARENT.traceId, traceFlags: TraceFlags.NONE });
    expect(span.spanContext().spanId).not.toBe(PARENT.spanId);
    expect([started, ended]).toEqual([[], []]);
  });

  it('records spans the sampler drops when a tail policy may still keep their trace', async () => {
    const exporter = createMemoryExporter();
    const { tracer, provider } = setup({ sampler: 'always_off', exporter, tail: { keepErrors: true } });
    const span = tracer.startSpan('failed');
    expect(span.isRecording()).toBe(true);
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    span.setStatus({ code: 2 });
    span.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['failed']);
  });

  it('takes the start time from the options in any TimeInput form, else from the clock', () => {
    const { tracer } = setup();
    expect(data(tracer.startSpan('a', { startTime: new Date(NOW - 50) })).startTime).toBe(NOW - 50);
    expect(data(tracer.startSpan('b', { startTime: [1_600_000_000, 500_000] })).startTime).toBe(
      1_600_000_000_000.5,
    );
    expect(data(tracer.startSpan('c', { startTime: Number.NaN })).startTime).toBe(NOW);
    expect(data(tracer.startSpan('d')).startTime).toBe(NOW);
  });

  it('names a span whose name is not a string after its string form', () => {
    const { tracer } = setup();
    expect(data(tracer.startSpan(42 as unknown as string)).name).toBe('42');
  });

  it('reads the parent from the active context when none is given', () => {
    const { tracer, provider } = setup();
    context.setGlobalContextManager(provider.contextManager);
    const parent = tracer.startSpan('parent');
    const child = context.with(trace.setSpan(context.active(), parent), () => tracer.startSpan('child'));
    expect(data(child).parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(data(tracer.startSpan('outside')).parentSpanContext).toBeUndefined();
  });
});

describe('EdgeTracer.startActiveSpan', () => {
  it('makes the span active inside the callback only, and returns what the callback returns', () => {
    const { tracer, provider } = setup();
    context.setGlobalContextManager(provider.contextManager);
    let inside: Span | undefined;
    const result = tracer.startActiveSpan('active', (span) => {
      inside = trace.getActiveSpan();
      const child = tracer.startSpan('child');
      span.end();
      return data(child).parentSpanContext?.spanId === span.spanContext().spanId;
    });
    expect(result).toBe(true);
    expect(inside).toBeDefined();
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('passes a promise through for an async callback', async () => {
    const { tracer } = setup();
    const result = tracer.startActiveSpan('async', async (span) => {
      span.end();
      return 'done';
    });
    await expect(result).resolves.toBe('done');
  });

  it('uses the options and the context given before the callback', () => {
    const { tracer } = setup();
    const parent = trace.setSpanContext(ROOT_CONTEXT, PARENT);
    const seen = tracer.startActiveSpan(
      's',
      { kind: SpanKind.CONSUMER, attributes: { q: 'jobs' } },
      parent,
      (span) => data(span),
    );
    expect(seen).toMatchObject({ kind: SpanKind.CONSUMER, attributes: { q: 'jobs' } });
    expect(seen.spanContext().traceId).toBe(PARENT.traceId);
  });

  it('starts no span and returns undefined when there is no callback', () => {
    const { tracer, started } = setup();
    const call = tracer.startActiveSpan as unknown as (name: string, ...rest: unknown[]) => unknown;
    expect(call.call(tracer, 'no callback')).toBeUndefined();
    expect(call.call(tracer, 'options only', {})).toBeUndefined();
    expect(call.call(tracer, 'no function', {}, ROOT_CONTEXT, 'not a function')).toBeUndefined();
    expect(started).toEqual([]);
  });

  it('lets a throw from the callback reach the caller, as the API specifies', () => {
    const { tracer } = setup();
    expect(() =>
      tracer.startActiveSpan('throws', () => {
        throw new Error('user error');
      }),
    ).toThrow('user error');
  });
});
