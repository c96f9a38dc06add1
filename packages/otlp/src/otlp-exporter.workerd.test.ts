// The exporter inside workerd, sending to a real receiver on 127.0.0.1.
import { createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { describe, expect, inject, it } from 'vitest';
import { createOtlpExporter } from './otlp-exporter.js';
import type { OtlpTraceRequest } from './otlp-json.js';

interface Recorded {
  path: string;
  headers: Record<string, string>;
  body: string;
}

const base = inject('receiverUrl');

async function script(statuses: number[]): Promise<void> {
  await fetch(`${base}/script`, { method: 'POST', body: JSON.stringify(statuses) });
}

async function received(): Promise<Recorded[]> {
  return (await (await fetch(`${base}/received`)).json()) as Recorded[];
}

async function spans(): Promise<SpanData[]> {
  const memory = createMemoryExporter();
  const provider = createTracerProvider({ exporter: memory, serviceName: 'in-workerd' });
  const tracer = provider.getTracer('t');
  tracer.startSpan('one').end();
  tracer.startSpan('two').end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

describe('createOtlpExporter in workerd', () => {
  it('sends gzipped OTLP JSON with CompressionStream and auth headers', async () => {
    await script([]);
    const exporter = createOtlpExporter({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k%201' },
      compression: 'gzip',
    });
    expect(await exporter.export(await spans())).toEqual({ ok: true });
    const [request] = await received();
    expect(request?.path).toBe('/v1/traces');
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.headers['x-api-key']).toBe('k 1');
    const body = JSON.parse(request?.body ?? '{}') as OtlpTraceRequest;
    const names = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));
    expect(names).toEqual(['one', 'two']);
  });

  it('retries a 503, and does not retry a 400', async () => {
    await script([503, 200]);
    const retrying = createOtlpExporter({ endpoint: `${base}/v1/traces`, initialBackoffMs: 5 });
    expect((await retrying.export(await spans())).ok).toBe(true);
    expect(await received()).toHaveLength(2);
    await script([400]);
    expect((await retrying.export(await spans())).ok).toBe(false);
    expect(await received()).toHaveLength(1);
  });
});
