import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider } from '../trace/provider.js';
import type { SpanExporter } from '../trace/types.js';
import { createBatchProcessor } from './batch-processor.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createBatchProcessor', () => {
  it('exports when a batch is full and when the delay passes', async () => {
    vi.useFakeTimers();
    const memory = createMemoryExporter();
    const batches: number[] = [];
    const exporter: SpanExporter = {
      export(spans) {
        batches.push(spans.length);
        return memory.export(spans);
      },
    };
    const provider = createTracerProvider({
      processors: [createBatchProcessor({ exporter, maxExportBatchSize: 3, scheduledDelayMs: 1000 })],
      asyncLocalStorage: false,
    });
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 4; i++) tracer.startSpan(`s${i}`).end();
    expect(batches).toEqual([3]);
    await vi.advanceTimersByTimeAsync(999);
    expect(batches).toEqual([3]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([3, 1]);
    expect(memory.getFinishedSpans()).toHaveLength(4);
  });

  it('exports one batch at a time; while the collector is slow the queue fills, then drops and counts', async () => {
    const memory = createMemoryExporter();
    let release: () => void = () => {};
    const slow: SpanExporter = {
      async export(spans) {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return memory.export(spans);
      },
    };
    const processor = createBatchProcessor({
      exporter: slow,
      maxQueueSize: 2,
      maxExportBatchSize: 1,
      now: () => 0,
    });
    const provider = createTracerProvider({ processors: [processor], asyncLocalStorage: false });
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 6; i++) tracer.startSpan(`s${i}`).end();
    // s0 is in flight, s1 and s2 wait, s3..s5 do not fit.
    expect(processor.dropped).toEqual({ 'queue full': 3 });
    const flushed = provider.forceFlush();
    for (let i = 0; i < 3; i++) {
      await vi.waitFor(() => expect(memory.getFinishedSpans()).toHaveLength(i), { timeout: 500 });
      release();
    }
    await flushed;
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['s0', 's1', 's2']);
  });

  it('reads OTEL_BSP_* variables', async () => {
    vi.useFakeTimers();
    const batches: number[] = [];
    const exporter: SpanExporter = {
      export: async (spans) => {
        batches.push(spans.length);
        return { ok: true };
      },
    };
    const processor = createBatchProcessor({
      exporter,
      env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2', OTEL_BSP_SCHEDULE_DELAY: '50' },
    });
    const provider = createTracerProvider({ processors: [processor], asyncLocalStorage: false });
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 3; i++) tracer.startSpan('s').end();
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toEqual([2, 1]);
  });

  it('ignores unsampled spans and refuses spans after shutdown', async () => {
    const memory = createMemoryExporter();
    const processor = createBatchProcessor({ exporter: memory, now: () => 0 });
    const sampled = createTracerProvider({ processors: [processor], asyncLocalStorage: false });
    // A tail policy makes unsampled spans recorded, so they reach the batch processor too.
    const unsampled = createTracerProvider({
      exporter: createMemoryExporter(),
      processors: [processor],
      tail: {},
      sampler: 'always_off',
      asyncLocalStorage: false,
    });
    unsampled.getTracer('t').startSpan('unsampled').end();
    sampled.getTracer('t').startSpan('sampled').end();
    await processor.shutdown();
    sampled.getTracer('t').startSpan('late').end();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['sampled']);
    expect(processor.dropped).toEqual({ 'processor shut down': 1 });
  });
});
