// The viewer as a collector: our OTLP exporter (JSON, gzip) and the official protobuf serializer
// both land as the same trace; the API, the page, the terminal waterfall, the JSONL file, and the
// limits (body size, loopback).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { RESPONSE_CANCELLED } from '@edgetrace/core/internal';
import { CHUNKS, MEAN_CHUNK_GAP } from '@edgetrace/inference';
import { createOtlpExporter } from '@edgetrace/otlp';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterEach, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../apps/viewer/src/server.js';
import type { SliRow } from '../apps/viewer/src/sli.js';
import type { TraceSummary } from '../apps/viewer/src/trace-summary.js';
import type { TraceView } from '../apps/viewer/src/trace-view.js';
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

/** A generation trace across two services, timed exactly: edge 0–100 ms, call 10–90, GPU 8–85 (it starts early). */
async function timedTrace(
  model: string,
  extra: Record<string, string | number | boolean> = {},
): Promise<SpanData[]> {
  const edge = createMemoryExporter();
  const gpu = createMemoryExporter();
  const edgeTracer = createTracerProvider({
    serviceName: 'edge',
    exporter: edge,
    asyncLocalStorage: false,
  }).getTracer('t');
  const gpuTracer = createTracerProvider({
    serviceName: 'gpu',
    exporter: gpu,
    asyncLocalStorage: false,
  }).getTracer('t');
  const t0 = 1_700_000_000_000;
  const root = edgeTracer.startSpan('POST /chat', { kind: SpanKind.SERVER, startTime: t0 });
  const call = edgeTracer.startSpan(
    `chat ${model}`,
    {
      kind: SpanKind.CLIENT,
      startTime: t0 + 10,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': model,
        'gen_ai.response.time_to_first_chunk': 0.03,
        'gen_ai.usage.output_tokens': 10,
        ...extra,
      },
    },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  const server = gpuTracer.startSpan(
    'POST /v1/chat/completions',
    {
      kind: SpanKind.SERVER,
      startTime: t0 + 8,
      attributes: { 'http.request.method': 'POST', 'http.route': '/v1/chat/completions' },
    },
    trace.setSpan(ROOT_CONTEXT, call),
  );
  gpuTracer.startSpan('prefill', { startTime: t0 + 10 }, trace.setSpan(ROOT_CONTEXT, server)).end(t0 + 30);
  gpuTracer.startSpan('decode', { startTime: t0 + 30 }, trace.setSpan(ROOT_CONTEXT, server)).end(t0 + 85);
  server.end(t0 + 85);
  call.end(t0 + 90);
  root.end(t0 + 100);
  return [...gpu.getFinishedSpans(), ...edge.getFinishedSpans()];
}

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

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

  it('answers a trace with outcomes, inference figures, clock skew and where the time went', async () => {
    viewer = await startViewer({ port: 0, print: false });
    const spans = await timedTrace('llama', { [CHUNKS]: 11, [MEAN_CHUNK_GAP]: 0.005 });
    await createOtlpExporter({ endpoint: `${viewer.url}/v1/traces` }).export(spans);
    const traceId = spans[0]?.spanContext().traceId ?? '';
    const view = await getJson<TraceView>(`${viewer.url}/api/traces/${traceId}`);
    expect(view.spans.map((r) => [r.depth, r.span.service, r.span.name, r.outcome.kind])).toEqual([
      [0, 'edge', 'POST /chat', 'ok'],
      [1, 'edge', 'chat llama', 'ok'],
      [2, 'gpu', 'POST /v1/chat/completions', 'ok'],
      [3, 'gpu', 'prefill', 'ok'],
      [3, 'gpu', 'decode', 'ok'],
    ]);
    expect(view.spans[1]?.generation).toEqual({
      model: 'llama',
      operation: 'chat',
      firstChunkMs: 30,
      chunks: 11,
      meanChunkGapMs: 5,
      outputTokens: 10,
      // 10 tokens over the 50 ms after the first chunk, derived: the span carries no rate of its own.
      tokensPerSecond: 200,
      tokensPerSecondDerived: true,
    });
    expect(view.spans[2]?.startsBeforeParentMs).toBe(2);
    expect(view.spans.filter((r) => r.startsBeforeParentMs !== undefined)).toHaveLength(1);
    expect(view.breakdown).toEqual({
      totalMs: 100,
      edgeMs: 20,
      edgeService: 'edge',
      generations: [
        {
          spanId: view.spans[1]?.span.spanId,
          label: 'edge · llama',
          totalMs: 80,
          segments: [
            { name: 'network', ms: 3, kind: 'network' },
            { name: 'prefill', ms: 20, kind: 'upstream', service: 'gpu' },
            { name: 'decode', ms: 55, kind: 'upstream', service: 'gpu' },
            { name: 'other upstream', ms: 2, kind: 'upstream', service: 'gpu' },
          ],
        },
      ],
    });
    expect((await fetch(`${viewer.url}/api/traces/${'0'.repeat(32)}`)).status).toBe(404);
  });

  it('filters the list by service, model, status, duration and trace id, and marks slow traces', async () => {
    viewer = await startViewer({ port: 0, print: false });
    const exporter = createOtlpExporter({ endpoint: `${viewer.url}/v1/traces` });
    const ok = await timedTrace('llama');
    const cancelled = await timedTrace('qwen', { [RESPONSE_CANCELLED]: true });
    const failed = await sampleTrace();
    await exporter.export([...ok, ...cancelled, ...failed]);
    const id = (spans: SpanData[]) => spans[0]?.spanContext().traceId ?? '';
    const list = (query: string) =>
      getJson<TraceSummary[]>(`${viewer?.url}/api/traces?${query}`).then((l) =>
        l.map((t) => t.traceId).sort(),
      );
    expect(await list('status=error')).toEqual([id(failed)]);
    expect(await list('status=cancelled')).toEqual([id(cancelled)]);
    expect(await list('model=qwen')).toEqual([id(cancelled)]);
    expect(await list('service=gpu')).toEqual([id(ok), id(cancelled)].sort());
    expect(await list('minMs=99')).toEqual([id(ok), id(cancelled)].sort());
    expect(await list(`traceId=${id(ok).slice(3, 12).toUpperCase()}`)).toEqual([id(ok)]);
    expect(await list('status=nonsense')).toHaveLength(3);
    // Two traces with the same root and the same duration: both at the 90th percentile.
    expect(await list('status=slow')).toEqual([id(ok), id(cancelled)].sort());
    const [summary] = await getJson<TraceSummary[]>(`${viewer.url}/api/traces?status=error`);
    expect(summary?.failure).toBe('edge-api · chat llama: upstream failed');
  });

  it('groups SLIs per service × model, the GPU server taking the model of the call above it', async () => {
    viewer = await startViewer({ port: 0, print: false });
    const exporter = createOtlpExporter({ endpoint: `${viewer.url}/v1/traces` });
    await exporter.export([
      ...(await timedTrace('llama')),
      ...(await timedTrace('llama')),
      ...(await timedTrace('qwen')),
    ]);
    const rows = await getJson<SliRow[]>(`${viewer.url}/api/sli`);
    const row = (service: string, model: string, operation: string) =>
      rows.find((r) => r.service === service && r.model === model && r.operation === operation);
    expect(row('edge', 'llama', 'chat')).toMatchObject({
      count: 2,
      errors: 0,
      errorRate: 0,
      duration: { p50: 80, p95: 80, p99: 80 },
      firstChunk: { p50: 30, p95: 30, p99: 30 },
      tokensPerSecond: 200,
    });
    expect(row('edge', 'llama', 'chat')?.slowest).toHaveLength(2);
    expect(row('gpu', 'llama', 'POST /v1/chat/completions')?.count).toBe(2);
    expect(row('gpu', 'qwen', 'decode')?.duration.p50).toBe(55);
    // The edge request that called one model is that model's too.
    expect(row('edge', 'qwen', 'POST /chat')?.count).toBe(1);
  });

  it('sends each trace’s summary as a server-sent event as its spans arrive', async () => {
    viewer = await startViewer({ port: 0, print: false });
    const response = await fetch(`${viewer.url}/api/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (needle: string) => {
      while (!text.includes(needle)) {
        const next = await reader?.read();
        if (next === undefined || next.done) throw new Error(`the stream ended before ${needle}`);
        text += next.value;
      }
    };
    await until('event: hello');
    const spans = await sampleTrace();
    await createOtlpExporter({ endpoint: `${viewer.url}/v1/traces` }).export(spans);
    await until('event: trace');
    await until('}\n\n');
    const frame = text.slice(text.indexOf('event: trace'));
    const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? '{}') as TraceSummary;
    expect(data).toMatchObject({
      traceId: spans[0]?.spanContext().traceId,
      root: 'edge-api: POST /v1/chat/completions',
      error: true,
    });
    await reader?.cancel();
  });

  it('serves the page with a policy that admits only its own script', async () => {
    viewer = await startViewer({ port: 0, print: false });
    const response = await fetch(viewer.url);
    const policy = response.headers.get('content-security-policy') ?? '';
    const page = await response.text();
    const script = /<script>([\s\S]*)<\/script>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    expect(policy).toContain(`script-src 'sha256-${hash}'`);
    expect(policy).toContain("default-src 'none'");
    expect(page).not.toMatch(/innerHTML|insertAdjacentHTML|outerHTML|document\.write/);
    // No CDN: the one URL in it is the SVG namespace.
    expect(page.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
  });
});
