// instrumentGlobalFetch with an exporter in the same process: the exporter keeps the original
// fetch, whether it was made before or after the global was patched, so it never traces (nor
// propagates into) its own exports.
import { createMemoryExporter, createSimpleProcessor, createTracerProvider } from '@edgetrace/core';
import { instrumentGlobalFetch } from '@edgetrace/fetch';
import { createOtlpExporter } from '@edgetrace/otlp';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { startUpstream, type Upstream } from './support/upstream.js';
import { useWorker, WORKERD_RUNTIMES } from './support/workerd.js';

const original = globalThis.fetch;
let collector: Upstream;

beforeAll(async () => {
  collector = await startUpstream((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
afterAll(async () => {
  globalThis.fetch = original;
  trace.disable();
  propagation.disable();
  context.disable();
  await collector.close();
});

describe('instrumentGlobalFetch and the OTLP exporter', () => {
  it('never traces the exporter’s own requests, whichever was made first', async () => {
    const memory = createMemoryExporter();
    const provider = createTracerProvider({ processors: [createSimpleProcessor(memory)] });
    provider.register();
    const before = createOtlpExporter({ endpoint: `${collector.url}/v1/traces` });
    const restore = instrumentGlobalFetch();
    const after = createOtlpExporter({ endpoint: `${collector.url}/v1/traces` });
    provider.getTracer('app').startSpan('to export').end();
    const spans = memory.getFinishedSpans();
    memory.reset();
    expect(await before.export(spans)).toEqual({ ok: true });
    expect(await after.export(spans)).toEqual({ ok: true });
    restore();
    expect(collector.received.map((r) => r.path)).toEqual(['/v1/traces', '/v1/traces']);
    expect(collector.received.map((r) => r.headers.traceparent)).toEqual([undefined, undefined]);
    // No CLIENT span for the exports themselves.
    expect(memory.getFinishedSpans()).toEqual([]);
  });
});

let receiver: Receiver;
let upstream: Upstream;
beforeAll(async () => {
  receiver = await startReceiver();
  upstream = await startUpstream((request, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ traceparent: request.headers.traceparent ?? null }));
  });
});
afterAll(async () => {
  await receiver?.close();
  await upstream?.close();
});

describe.each(WORKERD_RUNTIMES)('instrumentGlobalFetch in workerd with $name', (runtime) => {
  const worker = useWorker(() => ({
    entry: new URL('./fixtures/global-fetch-worker.ts', import.meta.url).pathname,
    ...runtime,
    bindings: { UPSTREAM_URL: upstream.url, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
  }));

  it('traces the library’s call below the server span, and exports without tracing the export', async () => {
    await receiver.reset();
    const answer = (await (await worker.fetch('/')).json()) as { traceparent: string | null };
    await expect.poll(async () => (await receivedSpans(receiver.url)).length, { timeout: 10_000 }).toBe(2);
    const spans = await receivedSpans(receiver.url);
    const server = spans.find((s) => s.kind === 2);
    const client = spans.find((s) => s.kind === 3);
    expect(client?.parentSpanId).toBe(server?.spanId);
    expect(answer.traceparent).toBe(`00-${client?.traceId}-${client?.spanId}-03`);
  });

  it('restores the original global fetch: the library’s next call has no span and carries no context', async () => {
    await receiver.reset();
    const answer = (await (await worker.fetch('/restore')).json()) as { traceparent: string | null };
    expect(answer.traceparent).toBeNull();
    await expect.poll(async () => (await receivedSpans(receiver.url)).length, { timeout: 10_000 }).toBe(1);
    // The server span alone: no CLIENT span for the call made after the restore.
    expect((await receivedSpans(receiver.url)).map((s) => [s.kind, s.name])).toEqual([[2, 'GET /restore']]);
    // Still restored for the requests after it (the patch is not re-applied).
    await receiver.reset();
    expect(
      ((await (await worker.fetch('/')).json()) as { traceparent: string | null }).traceparent,
    ).toBeNull();
  });
});
