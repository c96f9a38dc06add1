// The simple processor: each sampled span exported as it ends; failures counted, never thrown.
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useDiagCapture } from '../test-support/diag-capture.js';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider } from '../trace/provider.js';
import {
  type ExportResult,
  type Sampler,
  SamplingDecision,
  type SpanData,
  type SpanExporter,
} from '../trace/types.js';
import { createSimpleProcessor } from './simple-processor.js';

/** A tracer whose spans go through a simple processor in front of `exporter`. */
function tracerFor(exporter: SpanExporter, sampler?: Sampler) {
  const processor = createSimpleProcessor(exporter);
  const provider = createTracerProvider({
    processors: [processor],
    asyncLocalStorage: false,
    ...(sampler === undefined ? {} : { sampler }),
  });
  return { tracer: provider.getTracer('t'), processor };
}

/** An exporter whose exports wait until `release()` is called. */
function heldExporter() {
  const exported: string[] = [];
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const exporter: SpanExporter = {
    async export(spans: readonly SpanData[]): Promise<ExportResult> {
      await held;
      exported.push(...spans.map((s) => s.name));
      return { ok: true };
    },
  };
  return { exporter, exported, release: () => release() };
}

const warnings = useDiagCapture();

describe('createSimpleProcessor', () => {
  it('exports each span on its own as it ends, not when it starts', async () => {
    const batches: string[][] = [];
    const exporter: SpanExporter = {
      async export(spans) {
        batches.push(spans.map((s) => s.name));
        return { ok: true };
      },
    };
    const { tracer, processor } = tracerFor(exporter);
    const a = tracer.startSpan('a');
    const b = tracer.startSpan('b');
    expect(batches).toEqual([]);
    b.end();
    a.end();
    await processor.forceFlush();
    expect(batches).toEqual([['b'], ['a']]);
  });

  it('leaves out spans that are recorded but not sampled', async () => {
    const exporter = createMemoryExporter();
    const recordOnly: Sampler = {
      shouldSample: () => ({ decision: SamplingDecision.RECORD }),
      toString: () => 'RecordOnly',
    };
    const { tracer, processor } = tracerFor(exporter, recordOnly);
    const span = tracer.startSpan('unsampled');
    expect(span.isRecording()).toBe(true);
    span.end();
    await processor.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('forceFlush waits for the exports in flight', async () => {
    const { exporter, exported, release } = heldExporter();
    const { tracer, processor } = tracerFor(exporter);
    tracer.startSpan('s').end();
    const flushed = processor.forceFlush();
    await Promise.resolve();
    expect(exported).toEqual([]);
    release();
    await flushed;
    expect(exported).toEqual(['s']);
  });

  it('shutdown waits for exports, shuts the exporter down, then exports nothing more', async () => {
    const memory = createMemoryExporter();
    let shutdowns = 0;
    const exporter: SpanExporter = {
      export: (spans) => memory.export(spans),
      async shutdown() {
        shutdowns++;
      },
    };
    const { tracer, processor } = tracerFor(exporter);
    tracer.startSpan('before').end();
    await processor.shutdown();
    tracer.startSpan('after').end();
    await processor.forceFlush();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['before']);
    expect(shutdowns).toBe(1);
  });

  it('counts a failed, rejected or throwing export as dropped spans, and never throws', async () => {
    const results: Array<() => Promise<ExportResult>> = [
      async () => ({ ok: false, error: 'HTTP 503' }),
      () => Promise.reject(new Error('network down')),
      () => {
        throw new Error('sync bug');
      },
    ];
    for (const result of results) {
      const { tracer, processor } = tracerFor({ export: result });
      expect(() => tracer.startSpan('lost').end()).not.toThrow();
      await expect(processor.forceFlush()).resolves.toBeUndefined();
    }
    expect(warnings).toEqual([
      'edgetrace: dropped spans: 1 (export failed: HTTP 503)',
      'edgetrace: dropped spans: 1 (exporter threw: Error: network down)',
      'edgetrace: dropped spans: 1 (exporter threw: Error: sync bug)',
    ]);
  });

  it('reports an exporter whose shutdown throws, and still resolves', async () => {
    const errors: string[] = [];
    diag.setLogger(
      { error: (m) => errors.push(m), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.ERROR,
    );
    const { processor } = tracerFor({
      export: async () => ({ ok: true }),
      shutdown: async () => {
        throw new Error('socket closed');
      },
    });
    await expect(processor.shutdown()).resolves.toBeUndefined();
    expect(errors).toEqual(['edgetrace: exporter shutdown failed']);
  });
});
