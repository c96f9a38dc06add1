// tracing(): the Hono middleware. Each request gets a SERVER span that continues the caller's
// trace, is the active span inside the handler, is named after the matched route, and ends when
// the response does — at once, or when a streamed body finishes or the client cancels it. Spans
// are flushed in `waitUntil` on Workers, so export never delays a response.
import { type EdgeTracerProvider, flushOnExit, VERSION } from '@edgetrace/core';
import {
  createSpanEnd,
  endSpanWithBody,
  errorType,
  materializeBody,
  recordHeaders,
  recordStatus,
  report,
  type SpanEnd,
  serverTimingMetric,
  TIME_TO_FIRST_BYTE,
} from '@edgetrace/core/internal';
import {
  type Attributes,
  type Context as OtelContext,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { prepare, type TracingOptions } from './options.js';
import { asyncLocalStorageFor, createProvider } from './provider.js';
import { requestAttributes } from './request-attributes.js';
import { answeredRoute } from './route.js';

/** The Hono variables `tracing()` sets. */
export interface TracingVariables {
  /** The request's SERVER span. */
  span: Span;
  /** The OpenTelemetry context holding that span: pass it where context does not follow `await`. */
  traceContext: OtelContext;
}

declare module 'hono' {
  interface ContextVariableMap extends TracingVariables {}
}

const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * `c.executionCtx` where there is one. Hono's getter throws when the runtime gave none, and a
 * throw costs several microseconds, so once a request comes without one (Node, Deno, Bun) the
 * isolate stops asking.
 */
function createExecutionContextProbe(): (c: Context) => WaitUntil | undefined {
  let absent = false;
  return (c) => {
    if (absent) return undefined;
    try {
      const ctx = c.executionCtx as Partial<WaitUntil> | undefined;
      if (typeof ctx?.waitUntil === 'function') return ctx as WaitUntil;
    } catch {
      // No execution context: fall through.
    }
    absent = true;
    return undefined;
  };
}

/**
 * Hono middleware that traces each request. With no options it reads `OTEL_*` from `c.env` and
 * `process.env`, exports OTLP/HTTP JSON, and registers itself as the OpenTelemetry provider.
 */
export function tracing(options: TracingOptions = {}): MiddlewareHandler {
  const {
    provider: setup,
    requestHeaders,
    responseHeaders,
    skipped,
    isStreaming,
    clientAddress,
    traceResponse,
    flushOnExit: flushesOnExit,
  } = prepare(options);
  // Made on the first request, when the Worker's env is known; the tracer comes with it.
  let made: { provider: EdgeTracerProvider; tracer: Tracer } | undefined;
  let coldStart = true;
  const executionContextOf = createExecutionContextProbe();

  return async function tracingMiddleware(c, next) {
    if (skipped(c)) return next();
    const waitUntil = executionContextOf(c);
    if (made === undefined) {
      // workerd's `nodejs_als` flag has AsyncLocalStorage only through a dynamic import; each
      // first request awaits its own (no promise is shared between requests), the first to
      // finish makes the provider.
      const storage = await asyncLocalStorageFor(setup);
      made ??= (() => {
        const provider = createProvider(setup, c.env, waitUntil !== undefined, storage);
        // Servers keep spans in a batch; a stopped process must not lose them.
        if (waitUntil === undefined && flushesOnExit) {
          flushOnExit(provider);
        }
        return { provider, tracer: provider.getTracer('@edgetrace/hono', VERSION) };
      })();
    }
    const { provider, tracer } = made;
    const { now, propagator, contextManager } = provider;
    const request = c.req.raw;
    const parent = propagator.extract(ROOT_CONTEXT, request.headers, headersGetter);
    const { name, attributes } = requestAttributes(request, { requestHeaders, clientAddress });
    if (attributes['cloud.provider'] !== undefined || waitUntil !== undefined) {
      attributes['faas.coldstart'] = coldStart;
    }
    coldStart = false;
    const startTime = now();
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, startTime }, parent);
    const active = trace.setSpan(parent, span);
    c.set('span', span);
    c.set('traceContext', active);
    const ownIndex = c.req.routeIndex;
    // One ending for every path (core's rules: a client that went away is a cancellation).
    const endSpan = createSpanEnd(span, { now, signal: () => request.signal });

    try {
      await contextManager.with(active, next);
    } catch (error) {
      // What Hono's error handler did not turn into a response: record it, end, rethrow.
      span.setAttribute('http.response.status_code', 500);
      endSpan({ kind: 'error', error });
      flush(provider, waitUntil, span.spanContext().traceId);
      throw error;
    }

    // A streamed answer's trace is handed to waitUntil when its stream ends or is cancelled —
    // from inside the stream, while the request is alive — not at return as a promise that
    // waits for the stream (Cloudflare cancels waitUntil tasks ~30 s after the handler returns).
    const traceId = span.spanContext().traceId;
    const flushNow = (): void => flush(provider, waitUntil, traceId);
    const started: Started = { span, name, startTime, ownIndex, endSpan, now };
    if (!finishSpan(c, started, { responseHeaders, traceResponse, isStreaming }, flushNow)) flushNow();
  };
}

/** The server span of one request, as it stands when the handler has answered. */
interface Started {
  readonly span: Span;
  readonly name: string;
  readonly startTime: number;
  readonly ownIndex: number;
  readonly endSpan: SpanEnd;
  readonly now: () => number;
}

/** What finishing needs from the setup. */
interface Finishing {
  readonly responseHeaders: readonly string[];
  readonly traceResponse: boolean;
  readonly isStreaming: (response: Response) => boolean;
}

/**
 * Names the span after the route that answered, records the answer, and ends the span — at once,
 * or with a streamed body, in which case `flushAfter` runs when the stream has ended the span;
 * returns whether it will. Telemetry must not break the response: a failure here only ends it.
 */
function finishSpan(c: Context, started: Started, setup: Finishing, flushAfter: () => void): boolean {
  const { span, name, startTime, ownIndex, endSpan, now } = started;
  try {
    const response = c.res;
    const status = response.status;
    const route = answeredRoute(c, ownIndex, status);
    if (route !== undefined) {
      span.updateName(`${name} ${route}`);
      span.setAttribute('http.route', route);
    }
    const end: Attributes = { [TIME_TO_FIRST_BYTE]: (now() - startTime) / 1000 };
    const error = c.error;
    if (error !== undefined) span.recordException(error instanceof Error ? error : String(error));
    recordStatus(span, status, 'server', error === undefined ? undefined : errorType(error));
    if (setup.responseHeaders.length > 0) {
      recordHeaders(end, 'http.response.header', response.headers, setup.responseHeaders);
    }
    span.setAttributes(end);
    // A fetched response passed through as is: its CLIENT span must see the body go out.
    let sent = materializeBody(response);
    if (setup.traceResponse) sent = withHeader(sent, 'server-timing', serverTimingMetric(span.spanContext()));
    let deferred = false;
    if (span.isRecording() && setup.isStreaming(sent)) {
      const endThenFlush: SpanEnd = (outcome) => {
        const recorded = endSpan(outcome);
        if (recorded !== undefined) flushAfter();
        return recorded;
      };
      sent = endSpanWithBody(span, sent, {
        now,
        startTime,
        streaming: true,
        endUnread: false,
        end: endThenFlush,
      });
      deferred = true;
    } else {
      endSpan({ kind: 'complete' });
    }
    if (sent !== response) {
      // Unset first: Hono's setter otherwise copies the old response's headers onto a new one.
      c.res = undefined;
      c.res = sent;
    }
    return deferred;
  } catch (error) {
    endSpan({ kind: 'complete' });
    report('error', 'edgetrace: tracing() failed after the handler; the span is ended', error);
    return false;
  }
}

/** A response with `value` appended to its `name` header, copied when its headers are immutable (a fetched response). */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.append(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.append(name, value);
    return copy;
  }
}

/**
 * Exports after the response: on Workers, `waitUntil` waits for this request's trace — until its
 * last span ends (a streamed body included) and its export is done; elsewhere the batch
 * processor's timer exports.
 */
function flush(provider: EdgeTracerProvider, waitUntil: WaitUntil | undefined, traceId: string): void {
  if (waitUntil === undefined) return;
  try {
    // Only this request's trace: workerd does not resolve promises of another request's I/O.
    waitUntil.waitUntil(provider.forceFlush(traceId));
  } catch {
    // A context that refuses waitUntil (the request already finished): the export still runs.
  }
}
