import { context, DiagLogLevel, diag, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryExporter } from './memory-exporter.js';
import { createTracerProvider, type TracerProviderOptions } from './provider.js';
import type { ExportResult, SpanData, SpanExporter } from './types.js';

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
