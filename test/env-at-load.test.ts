// tracing({ env }) in real workerd, with and without Node compatibility: given an env at module
// scope (`cloudflare:workers`), the provider is made and registered as the module loads, before
// the first request; requests are traced and exported with the configuration of that env, and
// so are a Durable Object's, whose `fetch` has no `waitUntil`. An exporter function still runs
// at the first request.
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

/** The service names of the resources the receiver holds. */
async function serviceNames(): Promise<unknown[]> {
  const requests = await receivedRequests(receiver.url);
  return requests.flatMap((request) =>
    (
      JSON.parse(request.body) as { resourceSpans: { resource: Pick<ExportedSpan, 'attributes'> }[] }
    ).resourceSpans.map((r) => attribute(r.resource as ExportedSpan, 'service.name')),
  );
}

describe.each(WORKERD_RUNTIMES)('tracing({ env }) in workerd with $name', (runtime) => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker({
      ...runtime,
      entry: new URL('./fixtures/env-at-load-worker.ts', import.meta.url).pathname,
      bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'from-request' },
      miniflare: { durableObjects: { COUNTER: 'Counter' } },
    });
  }, 60_000);
  afterAll(async () => worker?.dispose());

  it('makes and registers the provider before the first request, and exports with its env', async () => {
    await receiver.reset();
    const answer = (await (await worker.fetch('/made', { headers: { traceparent: PARENT } })).json()) as {
      registeredBeforeFirstRequest: boolean;
      activeIsServer: boolean;
    };
    expect(answer).toEqual({ registeredBeforeFirstRequest: true, activeIsServer: true });
    await expect.poll(async () => (await receivedSpans(receiver.url)).length, { timeout: 15_000 }).toBe(1);
    const [span] = await receivedSpans(receiver.url);
    expect(span).toMatchObject({ traceId: TRACE_ID, parentSpanId: 'b7ad6b7169203331', name: 'GET /made' });
    expect(span?.kind).toBe(SpanKind.SERVER + 1);
    expect(await serviceNames()).toEqual(['from-option']);
  });

  it("exports a Durable Object's trace, which has no waitUntil to flush it in", async () => {
    await receiver.reset();
    const response = await worker.fetch('/do/hello');
    expect(await response.text()).toBe('hello from the object');
    await expect
      .poll(async () => (await receivedSpans(receiver.url)).map((s) => s.name), { timeout: 15_000 })
      .toEqual(['GET /do/hello']);
  });

  it('calls an exporter function at the first request, in its scope, not at load', async () => {
    await receiver.reset();
    const other = await startWorker({
      ...runtime,
      entry: new URL('./fixtures/env-exporter-function-worker.ts', import.meta.url).pathname,
      bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    try {
      expect(await (await other.fetch('/made')).json()).toEqual([{ begun: 1, random: true }]);
      await expect
        .poll(async () => (await receivedSpans(receiver.url)).map((s) => s.name), { timeout: 15_000 })
        .toEqual(['GET /made']);
    } finally {
      await other.dispose();
    }
  }, 60_000);
});
