// instrumentWorker: a Worker's exported handler object, traced event by event — `fetch` as
// instrumentHandler does it, `scheduled` as a SERVER span per cron invocation, `queue` as a
// CONSUMER span per batch that continues (one message) or links to (several) the producers'
// traces. One provider serves them all; each event's trace is exported in its own `waitUntil`.
// Handler methods this file does not know (`tail`, `email`, RPC methods) are passed through.
// https://opentelemetry.io/docs/specs/semconv/faas/faas-spans/
// https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
import { optionNames } from '@edgetrace/core/internal';
import {
  type Attributes,
  defaultTextMapGetter,
  type Link,
  ROOT_CONTEXT,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import {
  checkHandler,
  HANDLER_OPTIONS,
  type InstrumentHandlerOptions,
  traceRequests,
} from './instrument-handler.js';
import { MESSAGING_SYSTEM } from './instrument-queue.js';
import { passThrough } from './objects.js';
import { splitCarrier } from './queue-context.js';
import { prepareServer } from './server/options.js';
import { type InvocationStart, ServerTracing, type Tracing, waitUntilOf } from './server/server-tracing.js';

/** The fields of a `ScheduledController` a span records. */
export interface ScheduledEvent {
  readonly cron?: string;
  readonly scheduledTime?: number;
}

/** The fields of a queue `MessageBatch` a span records. */
export interface QueueBatch {
  readonly queue: string;
  readonly messages: readonly QueueMessage[];
}

/** The fields of a queue `Message` a span records. */
export interface QueueMessage {
  readonly id?: string;
  readonly body: unknown;
}

export type InstrumentWorkerOptions = InstrumentHandlerOptions;

/**
 * Returns a handler object like `worker` whose `fetch`, `scheduled` and `queue` are traced; its
 * other properties are `worker`'s own. `worker` itself is not modified.
 */
export function instrumentWorker<W extends object>(worker: W, options: InstrumentWorkerOptions = {}): W {
  const entry = 'instrumentWorker()';
  checkHandler(
    worker,
    entry,
    'pass the Worker’s exported handler object ({ fetch, scheduled, queue })',
    'object',
  );
  const server = new ServerTracing(
    // Its own options are its fetch handler's.
    prepareServer(options, entry, optionNames(HANDLER_OPTIONS)),
    '@edgetrace/handler',
  );
  const traced = Object.create(Object.getPrototypeOf(worker), Object.getOwnPropertyDescriptors(worker)) as W;
  const methods = worker as Record<string, unknown>;
  const { fetch, scheduled, queue } = methods;
  const define = (name: string, value: unknown): void => {
    Object.defineProperty(traced, name, { value, writable: true, configurable: true, enumerable: true });
  };
  if (typeof fetch === 'function') define('fetch', traceRequests(server, fetch.bind(worker), options));
  if (typeof scheduled === 'function')
    define('scheduled', traceEvent(server, scheduled.bind(worker), cronStart));
  if (typeof queue === 'function') define('queue', traceEvent(server, queue.bind(worker), queueStart));
  return traced;
}

/** How an event starts: its span, and the event the handler gets (the queue's, with bodies as sent). */
interface EventStart<E> {
  readonly invocation: InvocationStart;
  readonly event: E;
}

/** Wraps an event handler `(event, env, ctx)`: a span per call, active inside it, ended when it settles. */
function traceEvent<E>(
  server: ServerTracing,
  handler: (event: E, env: unknown, ctx: unknown) => unknown,
  start: (tracing: Tracing, event: E) => EventStart<E>,
): (event: E, env: unknown, ctx: unknown) => Promise<unknown> {
  return async function tracedEvent(event, env, ctx) {
    const waitUntil = waitUntilOf(ctx);
    const tracing = server.ready ?? (await server.make(env, waitUntil));
    const { invocation, event: given } = start(tracing, event);
    const started = server.startInvocation(tracing, invocation, waitUntil);
    let result: unknown;
    try {
      result = await tracing.provider.contextManager.with(started.context, () => handler(given, env, ctx));
    } catch (error) {
      server.settle(started, { kind: 'error', error });
      throw error;
    }
    server.settle(started, { kind: 'complete' });
    return result;
  };
}

/** The span of one cron invocation: `faas.trigger: timer`, the schedule and the time it was due. */
function cronStart(_tracing: Tracing, event: ScheduledEvent): EventStart<ScheduledEvent> {
  const attributes: Attributes = { 'faas.trigger': 'timer', 'cloud.provider': 'cloudflare' };
  const cron = typeof event?.cron === 'string' && event.cron !== '' ? event.cron : undefined;
  if (cron !== undefined) attributes['faas.cron'] = cron;
  if (typeof event?.scheduledTime === 'number' && Number.isFinite(event.scheduledTime)) {
    attributes['faas.time'] = new Date(event.scheduledTime).toISOString();
  }
  const name = cron === undefined ? 'scheduled' : `scheduled ${cron}`;
  return { invocation: { name, kind: SpanKind.SERVER, attributes }, event };
}

/**
 * The span of one queue batch: CONSUMER, `process <queue>`, a link to each message's producer
 * context — or, for a batch of one message, that context as its parent, so the trace goes on.
 * The handler gets the batch with each body as the producer's caller wrote it.
 */
function queueStart(tracing: Tracing, batch: QueueBatch): EventStart<QueueBatch> {
  const { propagator } = tracing.provider;
  const messages = Array.isArray(batch?.messages) ? batch.messages : [];
  const links: Link[] = [];
  const bodies = new Map<QueueMessage, unknown>();
  for (const message of messages) {
    const { carrier, body } = splitCarrier(message.body);
    if (carrier === undefined) continue;
    bodies.set(message, body);
    const producer = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
    if (producer !== undefined) links.push({ context: producer });
  }
  const attributes: Attributes = {
    'faas.trigger': 'pubsub',
    'cloud.provider': 'cloudflare',
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': String(batch?.queue),
  };
  const only = messages.length === 1 ? messages[0] : undefined;
  if (only === undefined) attributes['messaging.batch.message_count'] = messages.length;
  else if (typeof only.id === 'string') attributes['messaging.message.id'] = only.id;
  const [producer] = links;
  const invocation: InvocationStart = {
    name: `process ${String(batch?.queue)}`,
    kind: SpanKind.CONSUMER,
    attributes,
    // One message: its producer's trace goes on here. Several: one span, linked to each.
    ...(only !== undefined && producer !== undefined
      ? { parent: trace.setSpanContext(ROOT_CONTEXT, producer.context) }
      : { links }),
  };
  return { invocation, event: bodies.size === 0 ? batch : withBodies(batch, bodies) };
}

/**
 * `batch` with the given messages' bodies replaced. workerd's batch and message objects are
 * native, so they are wrapped, not copied: every other property and method (`ack`, `retry`,
 * `attempts`, `retryAll`) is the original's, called on the original.
 */
function withBodies(batch: QueueBatch, bodies: ReadonlyMap<QueueMessage, unknown>): QueueBatch {
  const messages = batch.messages.map((message) =>
    bodies.has(message) ? passThrough(message, { body: bodies.get(message) }) : message,
  );
  return passThrough(batch, { messages });
}
