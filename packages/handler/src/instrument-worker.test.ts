// instrumentWorker's events, called as workerd calls them: cron invocations, queue batches (with
// and without a producer's context), pass-through of the methods it does not know, and one
// provider for every event of the isolate.
import { ConfigError, createMemoryExporter, type SpanData } from '@edgetrace/core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentWorker } from './instrument-worker.js';
import { TRACE_CONTEXT_KEY } from './queue-context.js';
import { executionContext } from './test-support/execution-context.js';
import { resetGlobals } from './test-support/reset-globals.js';

const PRODUCER_A = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const PRODUCER_B = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

afterEach(resetGlobals);

/** A message as workerd hands it: methods that must be called on the message itself. */
class NativeMessage {
  readonly #calls: string[];
  readonly id: string;
  readonly body: unknown;
  readonly attempts = 1;
  constructor(id: string, body: unknown, calls: string[]) {
    this.id = id;
    this.body = body;
    this.#calls = calls;
  }
  ack(): void {
    this.#calls.push(`ack ${this.id}`);
  }
  retry(): void {
    this.#calls.push(`retry ${this.id}`);
  }
}

function batchOf(queue: string, bodies: unknown[]) {
  const calls: string[] = [];
  const messages = bodies.map((body, i) => new NativeMessage(`m${i}`, body, calls));
  return { calls, batch: { queue, messages, ackAll: () => calls.push('ackAll') } };
}

async function dispatch<E>(
  handler: ((event: E, env: unknown, ctx: unknown) => unknown) | undefined,
  event: E,
) {
  const execution = executionContext();
  const result = await handler?.(event, {}, execution.ctx);
  await execution.settled();
  return { result, execution };
}

/** What workerd sees of a handler object (methods: their parameters are checked bivariantly). */
interface Worker {
  fetch?(request: Request, env: unknown, ctx: unknown): Promise<Response>;
  scheduled?(event: unknown, env: unknown, ctx: unknown): Promise<unknown>;
  queue?(batch: unknown, env: unknown, ctx: unknown): Promise<unknown>;
  tail?(events: unknown): unknown;
  label?: string;
}

describe('instrumentWorker(): scheduled', () => {
  it('makes a SERVER span per cron invocation, active inside it, exported in its own waitUntil', async () => {
    const exporter = createMemoryExporter();
    let active: string | undefined;
    const worker: Worker = instrumentWorker(
      {
        async scheduled() {
          active = trace.getActiveSpan()?.spanContext().spanId;
          return 'done';
        },
      },
      { exporter },
    );
    const scheduledTime = Date.UTC(2026, 10, 29, 12, 5);
    const { result, execution } = await dispatch(worker.scheduled, { cron: '*/5 * * * *', scheduledTime });
    expect(result).toBe('done');
    expect(execution.pending).toHaveLength(1);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('scheduled */5 * * * *');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.parentSpanContext).toBeUndefined();
    expect(active).toBe(span?.spanContext().spanId);
    expect(span?.attributes).toEqual({
      'faas.trigger': 'timer',
      'faas.cron': '*/5 * * * *',
      'faas.time': '2026-11-29T12:05:00.000Z',
      'faas.coldstart': true,
      'cloud.provider': 'cloudflare',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a throw as an error and rethrows it; an invocation without a cron is named `scheduled`', async () => {
    const exporter = createMemoryExporter();
    const worker: Worker = instrumentWorker(
      {
        async scheduled() {
          throw new TypeError('backfill failed');
        },
      },
      { exporter },
    );
    const execution = executionContext();
    await expect(worker.scheduled?.({}, {}, execution.ctx)).rejects.toThrow('backfill failed');
    await execution.settled();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('scheduled');
    expect(span?.attributes['faas.cron']).toBeUndefined();
    expect(span?.attributes['faas.time']).toBeUndefined();
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'backfill failed' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });
});

describe('instrumentWorker(): queue', () => {
  it('continues the producer’s trace for a batch of one, and hands the body over as it was sent', async () => {
    const exporter = createMemoryExporter();
    let seen: unknown;
    const worker: Worker = instrumentWorker(
      {
        async queue(batch: { messages: NativeMessage[] }) {
          const [message] = batch.messages;
          seen = message?.body;
          message?.ack();
        },
      },
      { exporter },
    );
    const { calls, batch } = batchOf('jobs', [
      { model: 'm1', [TRACE_CONTEXT_KEY]: { traceparent: PRODUCER_A } },
    ]);
    await dispatch(worker.queue, batch);
    expect(seen).toEqual({ model: 'm1' });
    // ack ran on the message workerd gave, not on a copy.
    expect(calls).toEqual(['ack m0']);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('process jobs');
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span?.links).toEqual([]);
    expect(span?.attributes).toEqual({
      'faas.trigger': 'pubsub',
      'faas.coldstart': true,
      'cloud.provider': 'cloudflare',
      'messaging.system': 'cloudflare_queues',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'jobs',
      'messaging.message.id': 'm0',
    });
  });

  it('links a larger batch to each producer that sent a context, and leaves other messages as they are', async () => {
    const exporter = createMemoryExporter();
    let bodies: unknown[] = [];
    let same = false;
    const plain = 'a string body';
    const worker: Worker = instrumentWorker(
      {
        async queue(batch: { messages: NativeMessage[]; ackAll(): void }) {
          bodies = batch.messages.map((m) => m.body);
          same = batch.messages[2]?.body === plain;
          batch.ackAll();
        },
      },
      { exporter },
    );
    const { calls, batch } = batchOf('jobs', [
      { n: 1, [TRACE_CONTEXT_KEY]: { traceparent: PRODUCER_A } },
      { n: 2, [TRACE_CONTEXT_KEY]: { traceparent: PRODUCER_B, tracestate: 'vendor=1' } },
      plain,
      { n: 4, [TRACE_CONTEXT_KEY]: { traceparent: 'not a traceparent' } },
    ]);
    await dispatch(worker.queue, batch);
    expect(bodies).toEqual([{ n: 1 }, { n: 2 }, plain, { n: 4 }]);
    expect(same).toBe(true);
    expect(calls).toEqual(['ackAll']);
    const [span] = exporter.getFinishedSpans() as SpanData[];
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.attributes['messaging.batch.message_count']).toBe(4);
    expect(span?.attributes['messaging.message.id']).toBeUndefined();
    expect(
      span?.links.map((l) => [l.context.traceId, l.context.spanId, l.context.traceState?.serialize()]),
    ).toEqual([
      ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', undefined],
      ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 'vendor=1'],
    ]);
  });

  it('starts a new trace for a batch with no context, and gives the handler the batch itself', async () => {
    const exporter = createMemoryExporter();
    let given: unknown;
    const worker: Worker = instrumentWorker(
      {
        async queue(batch: unknown) {
          given = batch;
        },
      },
      { exporter },
    );
    const { batch } = batchOf('jobs', [{ n: 1 }]);
    await dispatch(worker.queue, batch);
    expect(given).toBe(batch);
    const [span] = exporter.getFinishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.links).toEqual([]);
  });

  it('records a failed batch as an error (the runtime retries it) and rethrows', async () => {
    const exporter = createMemoryExporter();
    const worker: Worker = instrumentWorker(
      {
        async queue() {
          throw new Error('downstream unavailable');
        },
      },
      { exporter },
    );
    const execution = executionContext();
    await expect(worker.queue?.(batchOf('jobs', [{}]).batch, {}, execution.ctx)).rejects.toThrow(
      'downstream',
    );
    await execution.settled();
    expect(exporter.getFinishedSpans()[0]?.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('instrumentWorker(): the handler object', () => {
  it('traces fetch with `this` kept, passes other members through, and leaves the original untouched', async () => {
    const exporter = createMemoryExporter();
    const tail = (): string => 'tail';
    const original = {
      label: 'edge',
      async fetch(this: { label: string }) {
        return new Response(this.label);
      },
      tail,
    };
    const originalFetch = original.fetch;
    const worker: Worker = instrumentWorker(original, { exporter });
    expect(worker.tail).toBe(tail);
    expect(worker.label).toBe('edge');
    expect(original.fetch).toBe(originalFetch);
    expect(worker.fetch).not.toBe(originalFetch);
    const execution = executionContext();
    const response = await worker.fetch?.(new Request('https://a.example/'), {}, execution.ctx);
    expect(await response?.text()).toBe('edge');
    await execution.settled();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['GET']);
  });

  it('shares one provider between events: only the isolate’s first event is a cold start', async () => {
    const exporter = createMemoryExporter();
    const worker: Worker = instrumentWorker(
      { fetch: async () => new Response('ok'), scheduled: async () => {}, queue: async () => {} },
      { exporter },
    );
    await dispatch(worker.scheduled, { cron: '0 * * * *' });
    const execution = executionContext();
    await (await worker.fetch?.(new Request('https://a.example/'), {}, execution.ctx))?.text();
    await execution.settled();
    await dispatch(worker.queue, batchOf('jobs', []).batch);
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.attributes['faas.coldstart']])).toEqual([
      ['scheduled 0 * * * *', true],
      ['GET', false],
      ['process jobs', false],
    ]);
  });

  it('rejects what is not a handler object, and unknown options', () => {
    expect(() => instrumentWorker(undefined as never)).toThrow(ConfigError);
    expect(() => instrumentWorker({}, { skipp: [] } as never)).toThrow(/instrumentWorker\(\).*skip/);
  });
});
