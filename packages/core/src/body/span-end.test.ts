import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider } from '../trace/provider.js';
import type { SpanData } from '../trace/types.js';
import { createSpanEnd, errorType, isAbort, type SpanOutcome } from './span-end.js';

function setup() {
  const exporter = createMemoryExporter();
  let time = 1_800_000_000_000;
  const provider = createTracerProvider({ exporter, now: () => (time += 10), asyncLocalStorage: false });
  const tracer = provider.getTracer('span-end');
  return {
    span: () => tracer.startSpan('call'),
    ended: async (): Promise<SpanData[]> => {
      await provider.forceFlush();
      return exporter.getFinishedSpans();
    },
  };
}

const abortError = (): DOMException => new DOMException('The operation was aborted.', 'AbortError');

describe('createSpanEnd: one ending, by outcome', () => {
  it('ends once: the first outcome wins and later ones are ignored', async () => {
    const { span, ended } = setup();
    const end = createSpanEnd(span(), { now: () => 1_800_000_005_000 });
    expect(end({ kind: 'cancelled' })).toEqual({ kind: 'cancelled' });
    expect(end({ kind: 'error', error: new Error('late') })).toBeUndefined();
    const [data] = await ended();
    expect(data?.attributes['edgetrace.response.cancelled']).toBe(true);
    expect(data?.status.code).toBe(SpanStatusCode.UNSET);
    expect(data?.events).toEqual([]);
    expect(data?.endTime).toBe(1_800_000_005_000);
  });

  it('reads an AbortError, or any rejection after the call’s signal aborted, as a cancellation', async () => {
    const { span, ended } = setup();
    createSpanEnd(span(), { now: () => 1_800_000_001_000 })({ kind: 'error', error: abortError() });
    const controller = new AbortController();
    controller.abort(new Error('the SDK’s own reason'));
    createSpanEnd(span(), { now: () => 1_800_000_001_000, signal: controller.signal })({
      kind: 'error',
      error: new TypeError('terminated'),
    });
    for (const data of await ended()) {
      expect(data.attributes['edgetrace.response.cancelled']).toBe(true);
      expect(data.attributes['error.type']).toBeUndefined();
      expect(data.status.code).toBe(SpanStatusCode.UNSET);
    }
  });

  it('keeps a timeout an error, and a failure with no abort an error with its exception', async () => {
    const { span, ended } = setup();
    const timedOut = new AbortController();
    timedOut.abort(new DOMException('timed out', 'TimeoutError'));
    createSpanEnd(span(), { now: () => 1_800_000_001_000, signal: timedOut.signal })({
      kind: 'error',
      error: new DOMException('timed out', 'TimeoutError'),
    });
    createSpanEnd(span(), { now: () => 1_800_000_001_000 })({
      kind: 'error',
      error: new TypeError('socket hang up'),
    });
    const [timeout, failure] = await ended();
    expect(timeout?.attributes['error.type']).toBe('TimeoutError');
    expect(timeout?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failure?.attributes['error.type']).toBe('TypeError');
    expect(failure?.events.map((e) => e.name)).toEqual(['exception']);
    expect(failure?.status.message).toBe('socket hang up');
  });

  it('reads the signal only when a rejection needs telling apart', async () => {
    const { span } = setup();
    const signal = vi.fn(() => undefined);
    createSpanEnd(span(), { now: () => 1_800_000_001_000, signal })({ kind: 'complete' });
    createSpanEnd(span(), { now: () => 1_800_000_001_000, signal })({ kind: 'cancelled' });
    expect(signal).not.toHaveBeenCalled();
    createSpanEnd(span(), { now: () => 1_800_000_001_000, signal })({ kind: 'error', error: new Error('x') });
    expect(signal).toHaveBeenCalledTimes(1);
  });

  it('a body that said it was complete is complete, whatever its consumer does next', async () => {
    const { span, ended } = setup();
    let complete = false;
    const end = createSpanEnd(span(), { now: () => 1_800_000_001_000, isComplete: () => complete });
    complete = true; // the end marker came
    expect(end({ kind: 'cancelled' })).toEqual({ kind: 'complete' });
    const [data] = await ended();
    expect(data?.attributes['edgetrace.response.cancelled']).toBeUndefined();
    expect(data?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a failure without an exception, and an unobserved body', async () => {
    const { span, ended } = setup();
    createSpanEnd(span(), { now: () => 1_800_000_001_000 })({
      kind: 'failed',
      type: 'overloaded_error',
      message: 'Overloaded',
    });
    createSpanEnd(span(), { now: () => 1_800_000_001_000 })({ kind: 'unobserved' });
    const [failed, unobserved] = await ended();
    expect(failed?.attributes['error.type']).toBe('overloaded_error');
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Overloaded' });
    expect(failed?.events).toEqual([]);
    expect(unobserved?.attributes['edgetrace.response.body_unobserved']).toBe(true);
  });

  it('lets beforeEnd add attributes and decide what a plain ending means; its throw is reported', async () => {
    const { span, ended } = setup();
    const judged: SpanOutcome[] = [];
    createSpanEnd(span(), {
      now: () => 1_800_000_001_000,
      attributes: () => ({ 'http.response.body.size': 12 }),
      beforeEnd: (outcome) => {
        judged.push(outcome);
        return { kind: 'failed', type: 'incomplete_stream' };
      },
    })({ kind: 'complete' });
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    createSpanEnd(span(), {
      now: () => 1_800_000_001_000,
      beforeEnd: () => {
        throw new Error('hook bug');
      },
    })({ kind: 'complete' });
    const [judgedSpan, thrown] = await ended();
    expect(judged).toEqual([{ kind: 'complete' }]);
    expect(judgedSpan?.attributes).toMatchObject({
      'http.response.body.size': 12,
      'error.type': 'incomplete_stream',
    });
    expect(thrown?.ended).toBe(true);
    expect(report).toHaveBeenCalled();
    report.mockRestore();
  });
});

describe('isAbort and errorType', () => {
  it('tell a caller’s abort from a failure', () => {
    expect(isAbort(abortError())).toBe(true);
    expect(isAbort(new TypeError('fetch failed'))).toBe(false);
    expect(isAbort(new DOMException('t', 'TimeoutError'))).toBe(false);
    expect(isAbort('AbortError')).toBe(false);
    expect(errorType(abortError())).toBe('AbortError');
    expect(errorType(null)).toBe('_OTHER');
  });
});
