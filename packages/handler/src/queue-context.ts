// How a queue message carries trace context. Cloudflare Queues messages have no headers, only a
// body, so the producer (`instrumentQueue`) adds one key to a plain-object body — a copy, the
// caller's object is never touched — and the consumer (`instrumentWorker`'s `queue`) reads it
// and hands the handler the body without it. A consumer without edgetrace sees one more key in
// an object, which code reading its own fields ignores. Bodies that are not plain objects
// (strings, arrays, bytes, class instances) are sent as they are, without context.

import { isPlainObject } from './objects.js';

/** The key a message body carries its trace context under: the propagator's fields (`traceparent`, `tracestate`, ...). */
export const TRACE_CONTEXT_KEY = '__traceContext';

/** A trace-context carrier: header names to values, as the propagator writes them. */
export type Carrier = Record<string, string>;

/** Whether `body` can carry trace context (a plain object). */
export function canCarry(body: unknown): boolean {
  return isPlainObject(body);
}

/** A copy of `body` with `carrier` under {@link TRACE_CONTEXT_KEY}; `body` itself when it cannot carry one. */
export function withCarrier(body: unknown, carrier: Carrier): unknown {
  if (!isPlainObject(body) || Object.keys(carrier).length === 0) return body;
  return { ...body, [TRACE_CONTEXT_KEY]: carrier };
}

/** The carrier a received body holds, and the body as the producer's caller wrote it. */
export function splitCarrier(body: unknown): { carrier: Carrier | undefined; body: unknown } {
  if (!isPlainObject(body) || !Object.hasOwn(body, TRACE_CONTEXT_KEY)) return { carrier: undefined, body };
  const { [TRACE_CONTEXT_KEY]: raw, ...rest } = body;
  return { carrier: toCarrier(raw), body: rest };
}

/** Only string values survive: a body is data from elsewhere, and the propagator expects strings. */
function toCarrier(raw: unknown): Carrier | undefined {
  if (!isPlainObject(raw)) return undefined;
  const carrier: Carrier = {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') carrier[key] = value;
  return carrier;
}
