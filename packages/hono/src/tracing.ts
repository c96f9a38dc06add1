// tracing(): the Hono middleware. Each request gets a SERVER span that continues the caller's
// trace, is the active span inside the handler, is named after the matched route, and ends when
// the response does — at once, or when a streamed body finishes or the client cancels it. Spans
// are flushed in `waitUntil` on Workers, so export never delays a response. The span itself is
// @edgetrace/handler's (`ServerTracing`); this file adapts it to Hono's context and routes.
import { ServerTracing, type WaitUntil, waitUntilOf } from '@edgetrace/handler/internal';
import type { Context as OtelContext, Span } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { prepare, type TracingOptions } from './options.js';
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
      const ctx = waitUntilOf(c.executionCtx);
      if (ctx !== undefined) return ctx;
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
  const { server: setup, skipped } = prepare(options);
  const server = new ServerTracing(setup, '@edgetrace/hono');
  const executionContextOf = createExecutionContextProbe();

  return async function tracingMiddleware(c, next) {
    if (skipped(c)) return next();
    const waitUntil = executionContextOf(c);
    const tracing = server.ready ?? (await server.make(c.env, waitUntil));
    const started = server.startRequest(tracing, c.req.raw, waitUntil);
    c.set('span', started.span);
    c.set('traceContext', started.context);
    const ownIndex = c.req.routeIndex;
    try {
      await tracing.provider.contextManager.with(started.context, next);
    } catch (error) {
      // What Hono's error handler did not turn into a response: record it, end, rethrow.
      server.fail(started, error);
      throw error;
    }
    const response = c.res;
    const route = () => answeredRoute(c, ownIndex, response.status);
    const sent = server.finish(started, response, { route, error: c.error });
    if (sent !== response) {
      // Unset first: Hono's setter otherwise copies the old response's headers onto a new one.
      c.res = undefined;
      c.res = sent;
    }
  };
}
