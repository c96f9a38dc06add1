// instrumentQueue over a stand-in Queue binding (whose methods, like workerd's, must be called on
// the binding): PRODUCER spans, the context each message carries, bodies that cannot carry one,
// failures, and a producer-to-consumer round trip through instrumentWorker.
import {
  ConfigError,
  createMemoryExporter,
  createSimpleProcessor,
  createTracerProvider,
  type EdgeTracerProvider,
  type MemoryExporter,
} from '@edgetrace/core';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { instrumentQueue } from './instrument-queue.js';
import { instrumentWorker } from './instrument-worker.js';
import { canCarry, splitCarrier, TRACE_CONTEXT_KEY, withCarrier } from './queue-context.js';
import { executionContext } from './test-support/execution-context.js';
import { resetGlobals } from './test-support/reset-globals.js';

/** A binding that records what it was sent; `#sent` makes calls on anything but itself throw. */
class StandInQueue {
  readonly #sent: { body: unknown; options?: unknown }[] = [];
  failWith: Error | undefined;
  get sent(): { body: unknown; options?: unknown }[] {
    return this.#sent;
  }
  async send(body: unknown, options?: object): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.#sent.push(options === undefined ? { body } : { body, options });
  }
  async sendBatch(messages: Iterable<{ body: unknown }>, options?: object): Promise<void> {
    if (this.failWith) throw this.failWith;
    for (const message of messages)
      this.#sent.push(options === undefined ? message : { ...message, options });
  }
  metrics(): { backlog: number } {
    return { backlog: this.#sent.length };
  }
}

let memory: MemoryExporter;
let provider: EdgeTracerProvider;
beforeEach(() => {
  memory = createMemoryExporter();
  provider = createTracerProvider({ processors: [createSimpleProcessor(memory)] });
  provider.register();
});
afterEach(resetGlobals);

const traceparentOf = (body: unknown): unknown =>
  (body as Record<string, { traceparent?: string } | undefined>)[TRACE_CONTEXT_KEY]?.traceparent;

describe('instrumentQueue(): send', () => {
  it('makes a PRODUCER span under the active one and sends a copy of the body carrying its context', async () => {
    const binding = new StandInQueue();
    const jobs = instrumentQueue(binding, { name: 'jobs' });
    const body = { model: 'm1' };
    const parent = provider.getTracer('test').startSpan('request');
    await context.with(trace.setSpan(context.active(), parent), () => jobs.send(body, { delaySeconds: 5 }));
    parent.end();
    const producer = memory.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER);
    expect(producer?.name).toBe('send jobs');
    expect(producer?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(producer?.attributes).toEqual({
      'messaging.system': 'cloudflare_queues',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': 'jobs',
    });
    const [sent] = binding.sent;
    const id = producer?.spanContext();
    expect(sent?.body).toEqual({
      model: 'm1',
      [TRACE_CONTEXT_KEY]: { traceparent: `00-${id?.traceId}-${id?.spanId}-03` },
    });
    expect(sent?.options).toEqual({ delaySeconds: 5 });
    // The caller's object is not touched.
    expect(body).toEqual({ model: 'm1' });
  });

  it('sends a body that is not a plain object as it is, and says once that it carries no context', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const binding = new StandInQueue();
    const jobs = instrumentQueue(binding);
    const bytes = new Uint8Array([1, 2]);
    await jobs.send('text');
    await jobs.send(bytes);
    await jobs.send([1, 2]);
    expect(binding.sent.map((s) => s.body)).toEqual(['text', bytes, [1, 2]]);
    expect(binding.sent[1]?.body).toBe(bytes);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('not a plain object');
    // Without a name the span is named by the operation, with no destination.
    const [span] = memory.getFinishedSpans();
    expect(span?.name).toBe('send');
    expect(span?.attributes['messaging.destination.name']).toBeUndefined();
  });

  it('records a failed send on its span and rejects as the binding did', async () => {
    const binding = new StandInQueue();
    binding.failWith = new RangeError('message too large');
    await expect(instrumentQueue(binding, { name: 'jobs' }).send({})).rejects.toThrow('message too large');
    const [span] = memory.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'message too large' });
    expect(span?.attributes['error.type']).toBe('RangeError');
  });
});

describe('instrumentQueue(): sendBatch and the rest of the binding', () => {
  it('makes one span for the batch, and every object body carries its context', async () => {
    const binding = new StandInQueue();
    const jobs = instrumentQueue(binding, { name: 'jobs' });
    function* messages() {
      yield { body: { n: 1 } };
      yield { body: 'two', contentType: 'text' };
      yield { body: { n: 3 }, delaySeconds: 1 };
    }
    await jobs.sendBatch(messages());
    const [span] = memory.getFinishedSpans();
    expect(span?.name).toBe('sendBatch jobs');
    expect(span?.attributes['messaging.operation.name']).toBe('sendBatch');
    expect(span?.attributes['messaging.batch.message_count']).toBe(3);
    const expected = `00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-03`;
    expect(binding.sent.map((s) => traceparentOf(s.body) ?? null)).toEqual([expected, null, expected]);
    expect(binding.sent[1]).toEqual({ body: 'two', contentType: 'text' });
    expect(binding.sent[2]).toMatchObject({ delaySeconds: 1 });
  });

  it('passes other members through, called on the binding', () => {
    const binding = new StandInQueue();
    const jobs = instrumentQueue(binding);
    expect(jobs.metrics()).toEqual({ backlog: 0 });
    expect(jobs.sent).toBe(binding.sent);
  });

  it('rejects unknown options with the nearest name, and what is not a Queue binding with what to pass', () => {
    expect(() => instrumentQueue(new StandInQueue(), { queue: 'jobs' } as never)).toThrow(ConfigError);
    for (const notQueue of [undefined, {}, { send: async () => {} }]) {
      expect(() => instrumentQueue(notQueue as never)).toThrow(/instrumentQueue\(\): pass a Queue binding/);
    }
  });

  it('joins the consumer to the producer’s trace through instrumentWorker', async () => {
    const binding = new StandInQueue();
    const jobs = instrumentQueue(binding, { name: 'jobs' });
    const worker = instrumentWorker(
      { queue: async (_batch: unknown, _env: unknown, _ctx: unknown) => {} },
      { provider },
    );
    await jobs.send({ n: 1 });
    const [sent] = binding.sent;
    const execution = executionContext();
    await worker.queue({ queue: 'jobs', messages: [{ id: 'a', body: sent?.body }] }, {}, execution.ctx);
    await execution.settled();
    const producer = memory.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER);
    const consumer = memory.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER);
    expect(consumer?.spanContext().traceId).toBe(producer?.spanContext().traceId);
    expect(consumer?.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
  });
});

describe('queue-context', () => {
  it('carries only in plain objects, and reads back only string fields', () => {
    expect(canCarry({})).toBe(true);
    expect(canCarry(Object.create(null))).toBe(true);
    for (const body of ['s', 1, null, undefined, [], new Date(0), new Map(), new (class Job {})()]) {
      expect(canCarry(body)).toBe(false);
      expect(withCarrier(body, { traceparent: 'x' })).toBe(body);
    }
    const body = { a: 1 };
    expect(withCarrier(body, {})).toBe(body);
    expect(splitCarrier({ a: 1, [TRACE_CONTEXT_KEY]: { traceparent: 'tp', junk: 5 } })).toEqual({
      carrier: { traceparent: 'tp' },
      body: { a: 1 },
    });
    expect(splitCarrier({ a: 1, [TRACE_CONTEXT_KEY]: 'not an object' })).toEqual({
      carrier: undefined,
      body: { a: 1 },
    });
    const untouched = { a: 1 };
    expect(splitCarrier(untouched).body).toBe(untouched);
  });
});
