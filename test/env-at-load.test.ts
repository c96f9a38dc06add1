// tracing({ env }) in real workerd, with and without Node compatibility: given the Worker's env
// at module scope (`cloudflare:workers`), the provider — and the exporter function with it — is
// made as the module loads, before the first request; requests are traced and exported as ever.
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attribute, type ExportedSpan, receivedRequests, receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { type RunningWorker, startWorker, WORKERD_RUNTIMES } from './support/workerd.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => receiver?.close());

describe.each(WORKERD_RUNTIMES)('tracing({ env }) in workerd with $name', (runtime) => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker({
      ...runtime,
      entry: new URL('./fixtures/env-at-load-worker.ts', import.meta.url).pathname,
      bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'made-at-load' },
    });
  }, 60_000);
  afterAll(async () => worker?.dispose());

  it('makes the exporter before the first request, once, and traces and exports requests', async () => {
    await receiver.reset();
    const first = (await (await worker.fetch('/made', { headers: { traceparent: PARENT } })).json()) as {
      exporterMadeAfter: number[];
      activeIsServer: boolean;
    };
    expect(first.exporterMadeAfter).toEqual([0]);
    expect(first.activeIsServer).toBe(true);
    const second = (await (await worker.fetch('/made')).json()) as { exporterMadeAfter: number[] };
    expect(second.exporterMadeAfter).toEqual([0]);

    await expect.poll(async () => (await receivedSpans(receiver.url)).length, { timeout: 15_000 }).toBe(2);
    const spans = await receivedSpans(receiver.url);
    const continued = spans.find((s) => s.traceId === TRACE_ID);
    expect(continued?.kind).toBe(SpanKind.SERVER + 1);
    expect(continued?.name).toBe('GET /made');
    expect(continued?.parentSpanId).toBe('b7ad6b7169203331');
    // The resource was made from the env given at load.
    const resources = (await receivedRequests(receiver.url)).flatMap(
      (request) =>
        (JSON.parse(request.body) as { resourceSpans: { resource: Pick<ExportedSpan, 'attributes'> }[] })
          .resourceSpans,
    );
    expect(resources.map((r) => attribute(r.resource as ExportedSpan, 'service.name'))).toEqual(
      resources.map(() => 'made-at-load'),
    );
    expect(resources.length).toBeGreaterThan(0);
  });
});
