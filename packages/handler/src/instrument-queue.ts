// instrumentQueue: a Cloudflare Queues producer binding whose `send` and `sendBatch` get a
// PRODUCER span and put its trace context in each message (see queue-context.ts), so that the
// consumer's span (`instrumentWorker`'s `queue`) continues or links to the producer's trace.
// https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
import { ConfigError, VERSION } from '@edgetrace/core';
import {
  checkOptionNames,
  type OptionTable,
  optionNames,
  recordError,
  report,
} from '@edgetrace/core/internal';
import {
  type Attributes,
  context,
  propagation,
  type Span,
  SpanKind,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { passThrough } from './objects.js';
import { type Carrier, canCarry, withCarrier } from './queue-context.js';

/** `messaging.system` for Cloudflare Queues (not in the conventions' list: a custom value, as they allow). */
export const MESSAGING_SYSTEM = 'cloudflare_queues';

/** The part of a Queue binding's message that carries the body (`MessageSendRequest`). */
export interface QueueMessageRequest {
  body: unknown;
}

/** The producer side of a Cloudflare Queue binding (`env.MY_QUEUE`, workers-types' `Queue<Body>`). */
export interface QueueProducer<Body = unknown> {
  send(body: Body, options?: object): Promise<unknown>;
  sendBatch(messages: Iterable<{ body: Body }>, options?: object): Promise<unknown>;
}

export interface InstrumentQueueOptions {
  /** The queue's name, recorded as `messaging.destination.name` and in the span name. @default none: the spans are named `send` and `sendBatch` */
  name?: string;
  /** @default the global tracer provider (what `register()` installed) */
  tracerProvider?: TracerProvider;
}

const OPTIONS: OptionTable<InstrumentQueueOptions> = { name: true, tracerProvider: true };
const OPTION_NAMES = optionNames(OPTIONS);

function reportUncarried(): void {
  report(
    'warn',
    'edgetrace: instrumentQueue() sent a message whose body is not a plain object, so it carries no trace ' +
      'context and its consumer starts a new trace; send an object body ({ ... }) to join the traces',
  );
}

/**
 * Returns `queue` with traced `send` and `sendBatch`; everything else is the binding's own. The
 * binding itself is not modified.
 */
export function instrumentQueue<Q extends QueueProducer<never>>(
  queue: Q,
  options: InstrumentQueueOptions = {},
): Q {
  checkOptionNames(options, OPTION_NAMES, 'instrumentQueue()');
  if (typeof queue?.send !== 'function' || typeof queue.sendBatch !== 'function') {
    throw new ConfigError(
      'instrumentQueue(): pass a Queue binding (env.MY_QUEUE, declared under queues.producers in the wrangler configuration)',
    );
  }
  const { name } = options;
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    '@edgetrace/handler',
    VERSION,
  );
  const send = queue.send as (body: unknown, ...rest: unknown[]) => Promise<unknown>;
  const sendBatch = queue.sendBatch as (messages: Iterable<unknown>, ...rest: unknown[]) => Promise<unknown>;

  // What every span of this binding says, made once.
  const destination: Attributes = {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.type': 'send',
    ...(name === undefined ? {} : { 'messaging.destination.name': name }),
  };
  const spanName = (operation: string): string => (name === undefined ? operation : `${operation} ${name}`);

  /** Runs `call` under a PRODUCER span for `operation`, giving it the carrier of the span's context. */
  async function traced<T>(
    operation: string,
    count: number | undefined,
    call: (carrier: Carrier) => Promise<T>,
  ) {
    const attributes: Attributes = { ...destination, 'messaging.operation.name': operation };
    if (count !== undefined) attributes['messaging.batch.message_count'] = count;
    const span: Span = tracer.startSpan(spanName(operation), { kind: SpanKind.PRODUCER, attributes });
    const carrier: Carrier = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    try {
      return await call(carrier);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  const tracedSend = (body: unknown, ...rest: unknown[]): Promise<unknown> =>
    traced('send', undefined, (carrier) => {
      if (!canCarry(body)) reportUncarried();
      return send.call(queue, withCarrier(body, carrier), ...rest);
    });
  const tracedSendBatch = (messages: Iterable<unknown>, ...rest: unknown[]): Promise<unknown> => {
    const list = [...messages];
    return traced('sendBatch', list.length, (carrier) => {
      const carried = list.map((message) => {
        const request = message as QueueMessageRequest;
        if (!canCarry(request?.body)) {
          reportUncarried();
          return message;
        }
        return { ...request, body: withCarrier(request.body, carrier) };
      });
      return sendBatch.call(queue, carried, ...rest);
    });
  };

  return passThrough(queue, { send: tracedSend, sendBatch: tracedSendBatch });
}
