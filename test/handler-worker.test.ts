// @edgetrace/handler in real workerd, with and without Node compatibility: a plain Worker
// (instrumentWorker) answers a request by sending a queue message (instrumentQueue) and calling
// a second Worker over a real Service Binding (instrumentHandler behind it); Miniflare's queue
// broker delivers the message to the first Worker's queue handler; a cron trigger is fired
// through the runtime's scheduled path. Each case asserts one trace, its parents and kinds.
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attribute, type ExportedSpan, receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { startUpstream, type Upstream } from './support/upstream.js';
import { type RunningWorkers, startWorkers, WORKERD_RUNTIMES } from './support/workerd.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

let receiver: Receiver;
let upstream: Upstream;
beforeAll(async () => {
  receiver = await startReceiver();
  upstream = await startUpstream((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
afterAll(async () => {
  await receiver?.close();
  await upstream?.close();
});

const find = (spans: ExportedSpan[], kind: SpanKind, name: string): ExportedSpan | undefined =>
  spans.find((s) => s.kind === kind + 1 && s.name === name);

/** Waits until the receiver holds `count` spans, then returns them. */
async function spansWhen(count: number): Promise<ExportedSpan[]> {
  await expect.poll(async () => (await receivedSpans(receiver.url)).length, { timeout: 15_000 }).toBe(count);
  return receivedSpans(receiver.url);
}

describe.each(WORKERD_RUNTIMES)('@edgetrace/handler in workerd with $name', (runtime) => {
  let workers: RunningWorkers;
  beforeAll(async () => {
    const shared = {
      ...runtime,
      bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, UPSTREAM_URL: upstream.url },
    };
    workers = await startWorkers([
      {
        ...shared,
        name: 'api',
        entry: new URL('./fixtures/handler-worker.ts', import.meta.url).pathname,
        bindings: { ...shared.bindings, OTEL_SERVICE_NAME: 'api' },
        miniflare: {
          serviceBindings: { BACKEND: 'backend' },
          queueProducers: { JOBS: { queueName: 'jobs' } },
          queueConsumers: { jobs: { maxBatchSize: 1, maxBatchTimeout: 0 } },
        },
      },
      {
        ...shared,
        name: 'backend',
        entry: new URL('./fixtures/handler-backend.ts', import.meta.url).pathname,
        bindings: { ...shared.bindings, OTEL_SERVICE_NAME: 'backend' },
      },
    ]);
  }, 60_000);
  afterAll(async () => workers?.dispose());

  it('one trace: request → queue message → consumer, and → Service Binding → the other Worker', async () => {
    await receiver.reset();
    upstream.received.length = 0;
    const response = await workers.fetch('/jobs/1', { headers: { traceparent: PARENT } });
    const answer = (await response.json()) as { backend: { traceparent: string } };
    const spans = await spansWhen(6);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([TRACE_ID]));
    const server = find(spans, SpanKind.SERVER, 'GET');
    const producer = find(spans, SpanKind.PRODUCER, 'send jobs');
    const backend = find(spans, SpanKind.SERVER, 'GET /work');
    const consumer = find(spans, SpanKind.CONSUMER, 'process jobs');
    const calls = spans.filter((s) => s.kind === SpanKind.CLIENT + 1);
    const binding = calls.find((s) => s.parentSpanId === server?.spanId);
    const consumerCall = calls.find((s) => s.parentSpanId === consumer?.spanId);
    expect(server?.parentSpanId).toBe('b7ad6b7169203331');
    expect(producer?.parentSpanId).toBe(server?.spanId);
    expect(binding?.name).toBe('GET');
    expect(attribute(binding, 'url.full')).toBe('https://backend.internal/work');
    // The Worker behind the binding continued the trace from the client span's headers.
    expect(backend?.parentSpanId).toBe(binding?.spanId);
    expect(answer.backend.traceparent).toBe(`00-${TRACE_ID}-${binding?.spanId}-01`);
    expect(attribute(backend, 'http.route')).toBe('/work');
    // The consumer continued the producer's trace; its handler saw the body as it was sent.
    expect(consumer?.parentSpanId).toBe(producer?.spanId);
    expect(attribute(consumer, 'messaging.destination.name')).toBe('jobs');
    expect(attribute(consumer, 'faas.trigger')).toBe('pubsub');
    expect(typeof attribute(consumer, 'messaging.message.id')).toBe('string');
    expect(consumerCall).toBeDefined();
    const consumed = upstream.received.find((r) => r.path.startsWith('/consumed'));
    const bodies = new URL(consumed?.path ?? '/', 'http://x').searchParams.get('bodies');
    expect(JSON.parse(bodies ?? 'null')).toEqual([{ from: 'api', path: '/jobs/1' }]);
  });

  it('a cron trigger fired through the runtime: a SERVER span with the schedule, and its call below it', async () => {
    await receiver.reset();
    upstream.received.length = 0;
    const api = await workers.worker('api');
    const result = await api.scheduled({
      cron: '*/5 * * * *',
      scheduledTime: new Date(Date.UTC(2026, 10, 29)),
    });
    expect(result.outcome).toBe('ok');
    const spans = await spansWhen(2);
    const cron = find(spans, SpanKind.SERVER, 'scheduled */5 * * * *');
    const call = spans.find((s) => s.kind === SpanKind.CLIENT + 1);
    expect(cron?.parentSpanId ?? '').toBe('');
    expect(attribute(cron, 'faas.trigger')).toBe('timer');
    expect(attribute(cron, 'faas.cron')).toBe('*/5 * * * *');
    expect(attribute(cron, 'faas.time')).toBe('2026-11-29T00:00:00.000Z');
    expect(call?.traceId).toBe(cron?.traceId);
    expect(call?.parentSpanId).toBe(cron?.spanId);
    expect(upstream.received.map((r) => r.path)).toEqual(['/cron?cron=*%2F5%20*%20*%20*%20*']);
  });
});
