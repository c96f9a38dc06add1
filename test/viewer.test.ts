// The viewer as a collector: our OTLP exporter (JSON, gzip) and the official protobuf serializer
// both land as the same trace; the API, the page, the terminal waterfall, the JSONL file, and the
// limits (body size, loopback).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { createOtlpExporter } from '@edgetrace/otlp';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterEach, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../apps/viewer/src/server.js';
import { renderWaterfall } from '../apps/viewer/src/waterfall.js';
import { toReadableSpans } from '../packages/otlp/src/test-support/readable-span.js';

async function sampleTrace(): Promise<SpanData[]> {
  const exporter = createMemoryExporter();
  const provider = createTracerProvider({ serviceName: 'edge-api', exporter, asyncLocalStorage: false });
  const tracer = provider.getTracer('viewer-test');
  const server = tracer.startSpan('POST /v1/chat/completions', { kind: SpanKind.SERVER });
  const client = tracer.startSpan(
    'chat llama',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.usage.output_tokens': 12, 'gen_ai.response.time_to_first_chunk': 0.042 },
    },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  client.end();
  server.end();
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

let viewer: Viewer | undefined;
afterEach(async () => {
  await viewer?.close();
  viewer = undefined;
});

describe('the viewer', () => {
  it('receives our gzipped OTLP JSON, shows the trace in its API and prints its waterfall', async () => {
    const printed: string[] = [];
    viewer = await startViewer({ port: 0, print: (text) => printed.push(text), settleMs: 20 });
    const spans = await sampleTrace();
    const exporter = createOtlpExporter({ endpoint: `${viewer.url}/v1/traces`, compression: 'gzip' });
    expect(await exporter.export(spans)).toEqual({ ok: true });
    await viewer.printed(1);
    const traceId = spans[0]?.spanContext().traceId ?? '';
    const list = (await (await fetch(`${viewer.url}/api/traces`)).json()) as {
      traceId: string;
      root: string;
      error: boolean;
    }[];
    expect(list).toEqual([
      expect.objectContaining({ traceId, root: 'edge-api: POST /v1/chat/completions', error: true }),
    ]);
    const detail = (await (await fetch(`${viewer.url}/api/traces/${traceId}`)).json()) as {
      spans: {
        span: { name: string; parentSpanId?: string; attributes: Record<string, unknown> };
        depth: number;
      }[];
    };
    expect(detail.spans.map((s) => [s.depth, s.span.name])).toEqual([
      [0, 'POST /v1/chat/completions'],
      [1, 'chat llama'],
    ]);
    expect(detail.spans[1]?.span.attributes['gen_ai.usage.output_tokens']).toBe(12);
    expect(printed[0]).toContain('edge-api chat llama');
    expect(printed[0]).toContain('ttfc=42ms');
    const stats = (await (await fetch(`${viewer.url}/api/stats`)).json()) as {
      name: string;
      count: number;
    }[];
    expect(stats.map((s) => [s.name, s.count]).sort()).toEqual([
      ['edge-api: POST /v1/chat/completions', 1],
      ['edge-api: chat llama', 1],
    ]);
    const page = await (await fetch(viewer.url)).text();
    expect(page).toContain('<title>edgetrace viewer</title>');
  });

  it('decodes protobuf from the official serializer into the same spans', async () => {
    viewer = await startViewer({ port: 0, print: false });
    const spans = await sampleTrace();
    const body = ProtobufTraceSerializer.serializeRequest(toReadableSpans(spans)) as Uint8Array;
    const response = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      body: gzipSync(body),
    });
    expect(response.status).toBe(200);
    const traceId = spans[0]?.spanContext().traceId ?? '';
    const stored = viewer.store.get(traceId) ?? [];
    expect(stored.map((s) => [s.name, s.kind, s.service, s.status.code])).toEqual(
      // OTLP's kind enum is the API's plus one (SPAN_KIND_SERVER = 2).
      spans.map((s) => [s.name, s.kind + 1, 'edge-api', s.status.code]),
    );
    expect(stored.find((s) => s.name === 'chat llama')?.parentSpanId).toBe(
      spans.find((s) => s.kind === SpanKind.SERVER)?.spanContext().spanId,
    );
    expect(stored[0]?.endMs).toBeCloseTo(spans[0]?.endTime ?? 0, 2);
  });

  it('refuses bodies over the limit and what it cannot decode, and listens on loopback', async () => {
    viewer = await startViewer({ port: 0, print: false, maxBodyBytes: 1024 });
    expect(new URL(viewer.url).hostname).toBe('127.0.0.1');
    const big = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(10_000),
    });
    expect(big.status).toBe(413);
    const text = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(400);
    const junk = await fetch(`${viewer.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0xff, 0xff, 0xff]),
    });
    expect(junk.status).toBe(400);
    expect(viewer.store.size).toBe(0);
  });

  it('keeps traces in a JSONL file across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'viewer-'));
    const file = join(dir, 'traces.jsonl');
    try {
      viewer = await startViewer({ port: 0, print: false, file });
      const spans = await sampleTrace();
      await createOtlpExporter({ endpoint: `${viewer.url}/v1/traces` }).export(spans);
      await viewer.close();
      viewer = await startViewer({ port: 0, print: false, file });
      expect(viewer.store.get(spans[0]?.spanContext().traceId ?? '')).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders a waterfall with bars placed on the trace’s time line', () => {
    const span = (id: string, parent: string | undefined, start: number, end: number) => ({
      traceId: 't',
      spanId: id,
      parentSpanId: parent,
      name: id,
      kind: 2,
      service: 's',
      startMs: start,
      endMs: end,
      attributes: {},
      events: [],
      links: [],
      status: { code: 0 },
      resource: {},
    });
    const text = renderWaterfall([span('b', 'a', 50, 100), span('a', undefined, 0, 100)], 10);
    const [, root, child] = text.split('\n');
    expect(root).toContain('s a');
    expect(root).toContain('│██████████│');
    expect(child).toContain('  s b');
    expect(child).toContain('│     █████│');
  });
});
