import { context, DiagLogLevel, diag, SpanStatusCode, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { endSpanWithBody } from '../body/span-body.js';
import { BODY_UNOBSERVED } from '../body/span-end.js';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider, type TracerProviderOptions } from '../trace/provider.js';
import type { ExportResult, SpanData, SpanExporter } from '../trace/types.js';
import { COALESCE_MAX_SPANS, createTraceBufferProcessor } from './trace-buffer-processor.js';

function setup(options: TracerProviderOptions = {}) {
  let time = 1_700_000_000_000;
  const exporter = createMemoryExporter();
  const batches: number[] = [];
  const counting: SpanExporter = {
    export(spans) {
      batches.push(spans.length);
      return exporter.export(spans);
    },
  };
  const provider = createTracerProvider({
    exporter: counting,
    now: () => time,
    asyncLocalStorage: false,
    ...options,
  });
  const tracer = provider.getTracer('test');
  const child = (name: string, parent: ReturnType<typeof tracer.startSpan>) =>
    tracer.startSpan(name, {}, trace.setSpan(context.active(), parent));
  return { tracer, provider, exporter, batches, child, advance: (ms: number) => (time += ms) };
}

const names = (spans: SpanData[]): string[] => spans.map((s) => s.name);

afterEach(() => {
  diag.disable();
  vi.useRealTimers();
});

describe('createTraceBufferProcessor', () => {
  it('exports a local trace once, when its root and every child have ended', async () => {
    const { tracer, exporter, batches, child, provider } = setup();
    const root = tracer.startSpan('root');
    const a = child('a', root);
    const b = child('b', a);
    b.end();
    a.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    root.end();
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['b', 'a', 'root']);
    expect(batches).toEqual([3]);
  });

  it('waits for a child that outlives its parent (a stream still flowing)', async () => {
    const { tracer, exporter, child, provider } = setup();
    const root = tracer.startSpan('root');
    const stream = child('stream', root);
    root.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    stream.end();
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['root', 'stream']);
  });

  it('forceFlush(traceId) waits for that trace to end and be exported, and for no other', async () => {
    const { tracer, exporter, child, provider } = setup();
    const root = tracer.startSpan('root');
    const body = child('body still being read', root);
    root.end();
    const other = tracer.startSpan('another request');
    let flushed = false;
    const flushing = provider.forceFlush(root.spanContext().traceId).then(() => {
      flushed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(flushed).toBe(false);
    body.end();
    await flushing;
    expect(names(exporter.getFinishedSpans())).toEqual(['root', 'body still being read']);
    // Another trace still open does not hold it, and an unknown trace settles at once.
    await provider.forceFlush('0123456789abcdef0123456789abcdef');
    other.end();
  });

  it('ends a span whose body nobody reads once the rest of its trace is done and a flush waits', async () => {
    const { tracer, exporter, child, provider, advance } = setup();
    const server = tracer.startSpan('server');
    const client = child('client', server);
    const now = () => Date.now();
    // A fetched JSON answer returned as is, or never read: its span waits on readers.
    endSpanWithBody(client, Response.json({ ok: true }), { now, startTime: now() });
    server.end();
    advance(5);
    await provider.forceFlush(server.spanContext().traceId);
    const spans = exporter.getFinishedSpans();
    expect(names(spans)).toEqual(['server', 'client']);
    expect(spans[1]?.attributes[BODY_UNOBSERVED]).toBe(true);
  });

  it('ends unread bodies only after the streamed parent and the bodies being read have ended', async () => {
    const { tracer, exporter, child, provider } = setup();
    const server = tracer.startSpan('server');
    const read = child('read', server);
    const unread = child('unread', server);
    const now = () => Date.now();
    let push: ((chunk: string) => void) | undefined;
    let close: (() => void) | undefined;
    const slow = new ReadableStream<string>({
      start(controller) {
        push = (chunk) => controller.enqueue(chunk);
        close = () => controller.close();
      },
    }).pipeThrough(new TextEncoderStream());
    const response = endSpanWithBody(read, new Response(slow), { now, startTime: now() });
    endSpanWithBody(unread, Response.json({}), { now, startTime: now() });
    const text = response.text(); // reading has begun: this span is waited for
    const flushed = provider.forceFlush(server.spanContext().traceId);
    push?.('{"a"');
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The server span (a stream, say) is still open, and so is the body being read.
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(unread.isRecording()).toBe(true);
    server.end();
    expect(unread.isRecording()).toBe(true);
    push?.(':1}');
    close?.();
    await expect(text).resolves.toBe('{"a":1}');
    await flushed;
    const spans = exporter.getFinishedSpans();
    expect(names(spans)).toEqual(['server', 'read', 'unread']);
    expect(spans.find((s) => s.name === 'read')?.attributes[BODY_UNOBSERVED]).toBeUndefined();
    expect(spans.find((s) => s.name === 'unread')?.attributes[BODY_UNOBSERVED]).toBe(true);
  });

  it('leaves an unread body alone while no flush waits, and ends it when its trace expires', async () => {
    const { tracer, exporter, child, provider, advance } = setup();
    const server = tracer.startSpan('server');
    const client = child('client', server);
    const now = () => Date.now();
    endSpanWithBody(client, Response.json({}), { now, startTime: now() });
    server.end();
    await provider.forceFlush();
    expect(client.isRecording()).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
    advance(300_001);
    tracer.startSpan('next'); // a new trace sweeps expired ones
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(names(spans)).toEqual(['server', 'client']);
    expect(spans[1]?.attributes[BODY_UNOBSERVED]).toBe(true);
  });

  it('keeps concurrent traces apart', async () => {
    const { tracer, batches, provider, exporter } = setup();
    const one = tracer.startSpan('one');
    const two = tracer.startSpan('two');
    two.end();
    one.end();
    await provider.forceFlush();
    expect(batches).toEqual([1, 1]);
    expect(names(exporter.getFinishedSpans())).toEqual(['two', 'one']);
  });

  it('exports only head-sampled spans without a tail policy', async () => {
    const { tracer, exporter, provider } = setup({ sampler: 'always_off' });
    tracer.startSpan('dropped').end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('tail sampling keeps errors, slow traces and slow first chunks, and drops the rest', async () => {
    const { tracer, exporter, provider, child, advance } = setup({
      sampler: 'always_off',
      tail: { slowerThanMs: 1000, slowFirstChunkMs: 500 },
    });
    tracer.startSpan('fast').end();
    const failing = tracer.startSpan('failing');
    child('inner', failing).setStatus({ code: SpanStatusCode.ERROR }).end();
    failing.end();
    const slow = tracer.startSpan('slow');
    advance(1500);
    slow.end();
    const llm = tracer.startSpan('llm');
    llm.setAttribute('gen_ai.response.time_to_first_chunk', 0.75);
    llm.end();
    const quickLlm = tracer.startSpan('quick llm');
    quickLlm.setAttribute('gen_ai.response.time_to_first_chunk', 0.1);
    quickLlm.end();
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['inner', 'failing', 'slow', 'llm']);
  });

  it('tail sampling keeps head-sampled traces and lets decide() have the first say', async () => {
    const { tracer, exporter, provider } = setup({
      tail: { decide: (spans) => (spans.some((s) => s.name === 'veto') ? false : undefined) },
    });
    tracer.startSpan('veto').end();
    tracer.startSpan('kept').end();
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['kept']);
  });

  it('a decide() that throws falls back to the rules', async () => {
    const { tracer, exporter, provider } = setup({
      tail: {
        decide: () => {
          throw new Error('user bug');
        },
      },
    });
    tracer.startSpan('kept').end();
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['kept']);
  });

  it('is bounded in traces and spans per trace, and counts drops', async () => {
    const { tracer, exporter, provider, child } = setup({
      traceBuffer: { maxTraces: 2, maxSpansPerTrace: 2 },
    });
    const warn = vi.fn();
    diag.setLogger(
      { warn, error: warn, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    );
    const a = tracer.startSpan('a');
    const b = tracer.startSpan('b');
    tracer.startSpan('c').end(); // a third open trace does not fit
    for (let i = 0; i < 3; i++) child(`a${i}`, a).end();
    a.end();
    b.end();
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['a0', 'a1', 'b']);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('dropped spans'));
  });

  it('exports an expired trace with what ended and counts its open spans as dropped', async () => {
    const { tracer, exporter, provider, child, advance } = setup({ traceBuffer: { maxTraceAgeMs: 1000 } });
    const root = tracer.startSpan('root');
    child('done', root).end();
    advance(2000);
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['done']);
    root.end(); // too late: its trace is gone
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['done']);
  });

  it('counts exporter failures and never rejects', async () => {
    const failing: SpanExporter = {
      export: async (): Promise<ExportResult> => ({ ok: false, error: 'collector down' }),
    };
    const provider = createTracerProvider({ exporter: failing, asyncLocalStorage: false });
    provider.getTracer('t').startSpan('s').end();
    await expect(provider.forceFlush()).resolves.toBeUndefined();
    const throwing: SpanExporter = {
      export: () => Promise.reject(new Error('bug')),
      shutdown: () => Promise.reject(new Error('bug')),
    };
    const other = createTracerProvider({ exporter: throwing, asyncLocalStorage: false });
    other.getTracer('t').startSpan('s').end();
    await expect(other.forceFlush()).resolves.toBeUndefined();
    await expect(other.shutdown()).resolves.toBeUndefined();
  });

  it('shutdown exports what ended and refuses spans after it', async () => {
    const { tracer, exporter, provider, child } = setup();
    const root = tracer.startSpan('root');
    child('done', root).end();
    await provider.shutdown();
    expect(names(exporter.getFinishedSpans())).toEqual(['done']);
    root.end();
    tracer.startSpan('after').end();
    await provider.forceFlush();
    expect(names(exporter.getFinishedSpans())).toEqual(['done']);
  });
});

describe('createTraceBufferProcessor: coalesced export (traceBuffer.coalesceMs)', () => {
  /** A finished one-span trace; returns its id. */
  const finished = (tracer: ReturnType<typeof setup>['tracer'], name: string): string => {
    const span = tracer.startSpan(name);
    span.end();
    return span.spanContext().traceId;
  };
  /** Another request still in flight (its trace open): the isolate is busy, so flushes wait. */
  const inFlight = (tracer: ReturnType<typeof setup>['tracer']) => tracer.startSpan('in flight');

  it('lets a later request’s trace leave in the export of the request still waiting: one export for both', async () => {
    const { tracer, provider, exporter, batches } = setup({ traceBuffer: { coalesceMs: 30 } });
    inFlight(tracer);
    const first = finished(tracer, 'first');
    const firstFlush = provider.forceFlush(first);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = finished(tracer, 'second');
    let secondDone = false;
    const secondFlush = provider.forceFlush(second).then(() => {
      secondDone = true;
    });
    // The second request leaves its trace to the wait already running: its flush ends at once.
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(secondDone).toBe(true);
    expect(batches).toEqual([]);
    await firstFlush;
    expect(batches).toEqual([2]);
    expect(names(exporter.getFinishedSpans())).toEqual(['first', 'second']);
    await secondFlush;
    expect(batches).toEqual([2]);
  });

  it('keeps one wait at a time, and replaces one whose end passed without it (its request cancelled)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    const { tracer, provider, exporter } = setup({ traceBuffer: { coalesceMs: 30 } });
    inFlight(tracer);
    // The first request's timer is not run yet, as if the runtime had cancelled its request.
    const first = provider.forceFlush(finished(tracer, 'first'));
    await provider.forceFlush(finished(tracer, 'second'));
    expect(vi.getTimerCount()).toBe(1);
    vi.setSystemTime(Date.now() + 31);
    const third = provider.forceFlush(finished(tracer, 'third'));
    expect(vi.getTimerCount()).toBe(2);
    await vi.runAllTimersAsync();
    await Promise.all([first, third]);
    expect(names(exporter.getFinishedSpans())).toEqual(['first', 'second', 'third']);
  });

  it('exports a trace at once, with no timer, in a quiet isolate: no trace open, none flushed within the bound', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    const { tracer, provider, exporter, batches } = setup({ traceBuffer: { coalesceMs: 20 } });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await provider.forceFlush(finished(tracer, 'alone'));
    expect(batches).toEqual([1]);
    // Quiet again once the bound has passed since the last flush.
    vi.setSystemTime(Date.now() + 20);
    await provider.forceFlush(finished(tracer, 'later'));
    expect(batches).toEqual([1, 1]);
    expect(timers).not.toHaveBeenCalled();
    timers.mockRestore();
    expect(names(exporter.getFinishedSpans())).toEqual(['alone', 'later']);
  });

  it('waits when another trace was flushed within the bound, and exports by its own flush when no other comes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // Date stands still: the second flush is within the bound
    const { tracer, provider, exporter, batches } = setup({ traceBuffer: { coalesceMs: 20 } });
    await provider.forceFlush(finished(tracer, 'first'));
    const started = performance.now();
    await provider.forceFlush(finished(tracer, 'soon after'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(batches).toEqual([1, 1]);
    expect(names(exporter.getFinishedSpans())).toEqual(['first', 'soon after']);
  });

  it('counts a flush that joined a wait as a flush: the next trace within the bound of it waits', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    const { tracer, provider, batches } = setup({ traceBuffer: { coalesceMs: 20 } });
    await provider.forceFlush(finished(tracer, 'a')); // quiet: at once
    await vi.advanceTimersByTimeAsync(10);
    const b = provider.forceFlush(finished(tracer, 'b')); // within the bound of a: waits until +30
    await vi.advanceTimersByTimeAsync(15);
    await provider.forceFlush(finished(tracer, 'c')); // joins b's wait at +25
    await vi.advanceTimersByTimeAsync(6);
    await b;
    expect(batches).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(10); // +41: 16 ms after c's flush, 31 after b's
    const d = provider.forceFlush(finished(tracer, 'd'));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([1, 2]); // d waits
    await vi.advanceTimersByTimeAsync(20);
    await d;
    expect(batches).toEqual([1, 2, 1]);
  });

  it('waits while another request’s trace is open, though none was flushed before', async () => {
    const { tracer, provider, batches } = setup({ traceBuffer: { coalesceMs: 20 } });
    const other = inFlight(tracer);
    const started = performance.now();
    await provider.forceFlush(finished(tracer, 'first'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(batches).toEqual([1]);
    other.end();
  });

  it('exports every finished trace exactly once, whatever the order of finishes, flushes, time and requests in flight', async () => {
    type Step = { kind: 'finish' } | { kind: 'time'; ms: number } | { kind: 'open' } | { kind: 'close' };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.constant({ kind: 'finish' as const }),
      fc.integer({ min: 0, max: 45 }).map((ms) => ({ kind: 'time' as const, ms })),
      fc.constant({ kind: 'open' as const }),
      fc.constant({ kind: 'close' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
        try {
          const { tracer, provider, exporter } = setup({ traceBuffer: { coalesceMs: 20 } });
          const expected: string[] = [];
          const flushes: Promise<void>[] = [];
          // Requests in flight: their traces are open (the isolate is busy) and, once ended,
          // nobody flushes them, so they leave only along with others.
          const open: ReturnType<typeof inFlight>[] = [];
          for (const next of steps) {
            if (next.kind === 'time') {
              await vi.advanceTimersByTimeAsync(next.ms);
            } else if (next.kind === 'open') {
              open.push(inFlight(tracer));
            } else if (next.kind === 'close') {
              open.shift()?.end();
            } else {
              const name = `t${expected.length}`;
              expected.push(name);
              flushes.push(provider.forceFlush(finished(tracer, name)));
            }
          }
          // Within the bound of the last finish, every trace has left, and every flush has ended.
          await vi.advanceTimersByTimeAsync(20);
          await Promise.all(flushes);
          const flushed = names(exporter.getFinishedSpans()).filter((name) => name !== 'in flight');
          expect(flushed.sort()).toEqual(expected.sort());
        } finally {
          vi.useRealTimers();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('exports what waits at once when the wait’s timer cannot be set', async () => {
    const { tracer, provider, batches } = setup({ traceBuffer: { coalesceMs: 30 } });
    inFlight(tracer);
    const refuse = vi.spyOn(globalThis, 'setTimeout').mockImplementationOnce(() => {
      throw new Error('no timers in a finished request');
    });
    await provider.forceFlush(finished(tracer, 'first'));
    refuse.mockRestore();
    expect(batches).toEqual([1]);
    // No dead wait is left behind: the next trace waits for a timer of its own.
    const started = performance.now();
    await provider.forceFlush(finished(tracer, 'second'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(batches).toEqual([1, 1]);
  });

  it('does not wait once enough spans wait to fill an export', async () => {
    const { tracer, provider, batches } = setup({ traceBuffer: { coalesceMs: 10_000 } });
    inFlight(tracer);
    let last = '';
    for (let i = 0; i < 512; i++) last = finished(tracer, `t${i}`);
    const started = performance.now();
    await provider.forceFlush(last);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(batches).toEqual([512]);
  });

  it('keeps both parts of a trace that finishes twice (a queue consumer continuing its producer’s trace)', async () => {
    const { tracer, provider, exporter, batches } = setup({ traceBuffer: { coalesceMs: 20 } });
    inFlight(tracer);
    const producer = tracer.startSpan('producer');
    producer.end();
    const traceId = producer.spanContext().traceId;
    const flush = provider.forceFlush(traceId);
    const consumer = tracer.startSpan('consumer', {}, trace.setSpan(context.active(), producer));
    consumer.end();
    await flush;
    await provider.forceFlush(traceId);
    expect(names(exporter.getFinishedSpans())).toEqual(['producer', 'consumer']);
    expect(batches).toEqual([2]);
  });

  it('drops and counts a finished trace that would grow the waiting spans past their bound', async () => {
    const exporter = createMemoryExporter();
    const buffer = createTraceBufferProcessor({ exporter, now: () => 0, coalesceMs: 10_000 });
    const provider = createTracerProvider({ processors: [buffer], asyncLocalStorage: false });
    const tracer = provider.getTracer('test');
    // 16 traces of 512 spans fill the 8,192 spans that may wait; the 17th does not fit.
    for (let t = 0; t < 17; t++) {
      const root = tracer.startSpan(`root${t}`);
      for (let i = 0; i < 511; i++) tracer.startSpan('x', {}, trace.setSpan(context.active(), root)).end();
      root.end();
    }
    expect(buffer.dropped).toEqual({ 'too many finished spans waiting to be exported': 512 });
    await buffer.forceFlush();
    expect(exporter.getFinishedSpans()).toHaveLength(COALESCE_MAX_SPANS);
  });

  it('exports whatever waits at once on forceFlush() and shutdown, without the wait', async () => {
    const { tracer, provider, batches } = setup({ traceBuffer: { coalesceMs: 10_000 } });
    finished(tracer, 'a');
    finished(tracer, 'b');
    const started = performance.now();
    await provider.forceFlush();
    expect(batches).toEqual([2]);
    finished(tracer, 'c');
    await provider.shutdown();
    expect(batches).toEqual([2, 1]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a bound that is not a number of milliseconds from 0 to 10 s', () => {
    expect(() => setup({ traceBuffer: { coalesceMs: -1 } })).toThrow(/coalesceMs/);
    expect(() => setup({ traceBuffer: { coalesceMs: 60_000 } })).toThrow(/0 to 10000/);
    expect(() => setup({ traceBuffer: { coalesceMs: '50' as never } })).toThrow(/coalesceMs/);
  });
});
