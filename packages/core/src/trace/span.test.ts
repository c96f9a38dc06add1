import {
  context,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createMemoryExporter } from './memory-exporter.js';
import { createTracerProvider, type TracerProviderOptions } from './provider.js';
import type { SpanData } from './types.js';

function setup(options: TracerProviderOptions = {}) {
  let time = 1_700_000_000_000;
  const exporter = createMemoryExporter();
  const provider = createTracerProvider({
    exporter,
    now: () => time,
    asyncLocalStorage: false,
    ...options,
  });
  const tracer = provider.getTracer('test', '1.2.3');
  return {
    tracer,
    provider,
    advance: (ms: number) => {
      time += ms;
    },
    async finished(): Promise<SpanData[]> {
      await provider.forceFlush();
      return exporter.getFinishedSpans();
    },
  };
}

const data = (span: Span): SpanData => span as unknown as SpanData;

describe('RecordingSpan', () => {
  it('records name, kind, times, attributes and scope', async () => {
    const { tracer, advance, finished } = setup({ serviceName: 'svc' });
    const span = tracer.startSpan('work', { kind: SpanKind.CLIENT, attributes: { a: 1 } });
    span.setAttribute('b', 'two').setAttributes({ c: true, d: [1, 2] });
    advance(25);
    span.end();
    const [out] = await finished();
    expect(out).toMatchObject({
      name: 'work',
      kind: SpanKind.CLIENT,
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_000_025,
      attributes: { a: 1, b: 'two', c: true, d: [1, 2] },
      scope: { name: 'test', version: '1.2.3' },
    });
    expect(out?.resource.attributes['service.name']).toBe('svc');
  });

  it('ignores values AnyValue excludes, without throwing', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('s');
    const bad = [undefined, () => 1, Symbol('s'), 10n, new Date(0), new Error('x'), new Uint16Array(2)];
    for (const value of bad) span.setAttribute('k', value);
    span.setAttribute('', 'empty key');
    span.setAttributes(null as unknown as Record<string, string>);
    expect(data(span).attributes).toEqual({});
    span.setAttribute('ok', [null, 'a', undefined] as unknown as string[]);
    expect(data(span).attributes).toEqual({ ok: [null, 'a', undefined] });
  });

  // @opentelemetry/api 1.10's AnyValue: maps, mixed and nested arrays, bytes, null.
  it('records structured values, copied, with limits at every depth', () => {
    const { tracer } = setup({ spanLimits: { attributeValueLengthLimit: 4 } });
    const span = tracer.startSpan('s');
    const message = { role: 'user', parts: [{ type: 'text', content: 'hello world' }], n: 1, ok: true };
    span.setAttribute('map', message);
    span.setAttribute('mixed', [1, 'abcdef', [true, null], { k: new Uint8Array([1, 2, 3, 4, 5]) }]);
    span.setAttribute('bytes', new Uint8Array([9, 8, 7, 6, 5]));
    span.setAttribute('empty', null);
    // A pair is never split: 'a' and then the two halves of U+1F600.
    span.setAttribute('emoji', 'abc😀');
    message.parts[0] = { type: 'text', content: 'changed later' };
    expect(data(span).attributes).toEqual({
      map: { role: 'user', parts: [{ type: 'text', content: 'hell' }], n: 1, ok: true },
      mixed: [1, 'abcd', [true, null], { k: new Uint8Array([1, 2, 3, 4]) }],
      bytes: new Uint8Array([9, 8, 7, 6]),
      empty: null,
      emoji: 'abc',
    });
  });

  it('cuts cycles and bounds depth and size, never throwing', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('s');
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20; i++) deep = [deep];
    span.setAttribute('cyclic', cyclic);
    span.setAttribute('deep', deep);
    span.setAttribute(
      'wide',
      Array.from({ length: 5000 }, (_, i) => ({ i })),
    );
    span.setAttribute('odd', { when: new Date(0), fn: () => 1, fine: 'x' });
    const { attributes } = data(span);
    expect(attributes.cyclic).toEqual({ name: 'a', self: null });
    let depth = 0;
    for (let level: unknown = attributes.deep; Array.isArray(level); level = level[0]) depth++;
    expect(depth).toBe(8);
    expect((attributes.wide as unknown[]).length).toBeLessThan(1024);
    expect(attributes.odd).toEqual({ fine: 'x' });
  });

  it('keeps a __proto__ key as a plain attribute', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('s');
    span.setAttribute('__proto__', 'x');
    expect(Object.keys(data(span).attributes)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(data(span).attributes, '__proto__')?.value).toBe('x');
  });

  it('accepts every TimeInput form for events and end', async () => {
    const { tracer, finished } = setup();
    const span = tracer.startSpan('s', { startTime: new Date(1_700_000_000_000) });
    span.addEvent('hr', [1_700_000_000, 5_000_000]);
    span.addEvent('date', new Date(1_700_000_000_010));
    span.addEvent('ms', 1_700_000_000_020);
    span.addEvent('perf', performance.now());
    span.addEvent('with attrs', { k: 'v' }, 1_700_000_000_030);
    span.addEvent('default time');
    span.end([1_700_000_001, 0]);
    const [out] = await finished();
    const times = out?.events.map((e) => e.time) ?? [];
    expect(times.slice(0, 3)).toEqual([1_700_000_000_005, 1_700_000_000_010, 1_700_000_000_020]);
    expect(Math.abs((times[3] ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(out?.events[4]).toMatchObject({
      name: 'with attrs',
      attributes: { k: 'v' },
      time: 1_700_000_000_030,
    });
    expect(out?.events[5]?.time).toBe(1_700_000_000_000);
    expect(out?.endTime).toBe(1_700_000_001_000);
  });

  it('records exceptions as `exception` events', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('s');
    const error = new TypeError('bad thing');
    span.recordException(error);
    span.recordException('just a message');
    span.recordException({ code: 42, message: 'coded' });
    span.recordException({} as Error);
    const events = data(span).events;
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'TypeError', 'exception.message': 'bad thing' },
    });
    expect(events[0]?.attributes['exception.stacktrace']).toContain('bad thing');
    expect(events[1]?.attributes).toEqual({ 'exception.message': 'just a message' });
    expect(events[2]?.attributes).toEqual({ 'exception.type': '42', 'exception.message': 'coded' });
  });

  it('follows the status rules: OK is final, UNSET never overrides, message only with ERROR', () => {
    const { tracer } = setup();
    const a = tracer.startSpan('a');
    a.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    a.setStatus({ code: SpanStatusCode.UNSET });
    expect(data(a).status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    a.setStatus({ code: SpanStatusCode.OK, message: 'ignored' });
    expect(data(a).status).toEqual({ code: SpanStatusCode.OK });
    a.setStatus({ code: SpanStatusCode.ERROR });
    expect(data(a).status).toEqual({ code: SpanStatusCode.OK });
  });

  it('ignores every call after end, and a second end', async () => {
    const { tracer, finished } = setup();
    const span = tracer.startSpan('s');
    expect(span.isRecording()).toBe(true);
    span.end();
    expect(span.isRecording()).toBe(false);
    span.setAttribute('late', 1);
    span.addEvent('late');
    span.addLink({ context: span.spanContext() });
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.updateName('renamed');
    span.recordException(new Error('late'));
    span.end();
    const spans = await finished();
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ name: 's', attributes: {}, events: [], links: [] });
    expect(spans[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('moves an end before the start to the start', async () => {
    const { tracer, finished } = setup();
    tracer.startSpan('s').end(new Date(1_000));
    const [out] = await finished();
    expect(out?.endTime).toBe(out?.startTime);
  });

  it('updates its name and keeps links with their attributes', () => {
    const { tracer } = setup();
    const other = tracer.startSpan('other').spanContext();
    const span = tracer.startSpan('s', { links: [{ context: other, attributes: { why: 'batch' } }] });
    span.addLinks([{ context: other }]);
    span.updateName('t');
    expect(data(span).name).toBe('t');
    expect(data(span).links).toEqual([
      { context: other, attributes: { why: 'batch' }, droppedAttributesCount: 0 },
      { context: other, attributes: {}, droppedAttributesCount: 0 },
    ]);
  });

  it('starts an INTERNAL span for a kind that is not one of the five', () => {
    const { tracer } = setup();
    for (const kind of [99, -1, 1.5, 'client', null]) {
      const span = tracer.startSpan('s', { kind: kind as unknown as SpanKind });
      expect(data(span).kind).toBe(SpanKind.INTERNAL);
    }
    expect(data(tracer.startSpan('s', { kind: SpanKind.CONSUMER })).kind).toBe(SpanKind.CONSUMER);
  });

  it('ignores a link whose context has malformed ids, keeping one with zero ids', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('s');
    const zero = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 };
    span.addLinks([
      { context: { traceId: '"bad"', spanId: '00f067aa0ba902b7', traceFlags: 1 } },
      { context: { traceId: '4BF92F3577B34DA6A3CE929D0E0E4736', spanId: '00f067aa0ba902b7', traceFlags: 1 } },
      { context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: 'é', traceFlags: 1 } },
      { context: undefined as unknown as SpanContext },
      { context: zero, attributes: { why: 'no context' } },
    ]);
    expect(data(span).links).toEqual([
      { context: zero, attributes: { why: 'no context' }, droppedAttributesCount: 0 },
    ]);
  });

  it('applies span limits and counts what it drops', () => {
    const { tracer } = setup({
      spanLimits: {
        attributeCountLimit: 2,
        attributeValueLengthLimit: 3,
        eventCountLimit: 2,
        linkCountLimit: 1,
        attributePerEventCountLimit: 1,
      },
    });
    const span = tracer.startSpan('s', { attributes: { a: 'abcdef', b: ['long', 'x'] } });
    span.setAttribute('c', 'dropped');
    span.setAttribute('a', 'replaced is fine');
    span.addEvent('e1', { x: 1, y: 2 });
    span.addEvent('e2');
    span.addEvent('e3');
    span.addLink({ context: span.spanContext() });
    span.addLink({ context: span.spanContext() });
    const d = data(span);
    expect(d.attributes).toEqual({ a: 'rep', b: ['lon', 'x'] });
    expect(d.droppedAttributesCount).toBe(1);
    expect(d.events.map((e) => e.name)).toEqual(['e2', 'e3']);
    expect(d.droppedEventsCount).toBe(1);
    expect(d.links).toHaveLength(1);
    expect(d.droppedLinksCount).toBe(1);
  });

  it('a zero event limit drops every event', () => {
    const { tracer } = setup({ spanLimits: { eventCountLimit: 0 } });
    const span = tracer.startSpan('s');
    span.addEvent('e');
    expect(data(span).events).toEqual([]);
    expect(data(span).droppedEventsCount).toBe(1);
  });
});

describe('EdgeTracer', () => {
  it('makes children share the trace id and point at their parent', async () => {
    const { tracer, finished } = setup();
    const parent = tracer.startSpan('parent');
    const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), parent));
    child.end();
    parent.end();
    const [c, p] = await finished();
    expect(c?.spanContext().traceId).toBe(p?.spanContext().traceId);
    expect(c?.parentSpanContext?.spanId).toBe(p?.spanContext().spanId);
    expect(p?.parentSpanContext).toBeUndefined();
  });

  it('sets the sampled and Level 2 random flags on new traces and keeps the parent’s random bit', () => {
    const { tracer } = setup();
    const root = tracer.startSpan('root');
    expect(root.spanContext().traceFlags).toBe(TraceFlags.SAMPLED | 0x02);
    const remote = trace.setSpanContext(context.active(), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const child = tracer.startSpan('child', {}, remote);
    expect(child.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    expect(data(child).parentSpanContext?.isRemote).toBe(true);
  });

  it('starts a new trace with root: true', () => {
    const { tracer } = setup();
    const parent = tracer.startSpan('p');
    const root = tracer.startSpan('r', { root: true }, trace.setSpan(context.active(), parent));
    expect(root.spanContext().traceId).not.toBe(parent.spanContext().traceId);
    expect(data(root).parentSpanContext).toBeUndefined();
  });

  it('returns non-recording spans that still carry a valid context when not sampled', async () => {
    const { tracer, finished } = setup({ sampler: 'always_off' });
    const span = tracer.startSpan('dropped');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    span.end();
    expect(await finished()).toEqual([]);
  });

  it('supports every startActiveSpan overload and returns the callback’s value', () => {
    const { tracer } = setup();
    const outer = tracer.startSpan('outer');
    const ctx = trace.setSpan(context.active(), outer);
    const a = tracer.startActiveSpan('a', (span) => {
      span.end();
      return data(span).name;
    });
    const b = tracer.startActiveSpan('b', { kind: SpanKind.SERVER }, (span) => {
      span.end();
      return data(span).kind;
    });
    const c = tracer.startActiveSpan('c', {}, ctx, (span) => {
      span.end();
      return data(span).parentSpanContext?.spanId;
    });
    expect([a, b, c]).toEqual(['a', SpanKind.SERVER, outer.spanContext().spanId]);
  });

  it('caches tracers by name, version and schema URL', () => {
    const { provider } = setup();
    expect(provider.getTracer('x', '1')).toBe(provider.getTracer('x', '1'));
    expect(provider.getTracer('x', '1')).not.toBe(provider.getTracer('x', '2'));
    const withSchema = provider.getTracer('x', '1', { schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' });
    const span = withSchema.startSpan('s');
    expect(data(span).scope).toEqual({
      name: 'x',
      version: '1',
      schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
    });
  });
});
