// tracing(): the Hono middleware. Each request gets a SERVER span that continues the caller's
// trace, is the active span inside the handler, is named after the matched route, and ends when
// the response does — at once, or when a streamed body finishes or the client cancels it. Spans
// are flushed in `waitUntil` on Workers, so export never delays a response.
import { ConfigError, type EdgeTracerProvider, flushOnExit, VERSION } from '@edgetrace/core';
import {
  checkOptionNames,
  createSpanEnd,
  endSpanWithBody,
  errorType,
  headerNames,
  isStreamingResponse,
  materializeBody,
  type OptionTable,
  optionNames,
  pickOptions,
  recordHeaders,
  recordStatus,
  report,
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
import { requestAttributes } from './request-attributes.js';
import { answeredRoute } from './route.js';
import {
  asyncLocalStorageFor,
  checkSetup,
  createProvider,
  type ExporterOption,
  PROVIDER_OPTION_NAMES,
  type ProviderOptions,
  type SetupOptions,
} from './setup.js';

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

export interface TracingOptions extends ProviderOptions {
  /**
   * A provider made with `createTracerProvider`, used as is; the provider options above are
   * then not allowed. @default one made on the first request from these options and `c.env`
   */
  provider?: EdgeTracerProvider;
  /**
   * Where spans go: an exporter, or a function of the Worker's `env` returning one.
   * @default `exporterFromEnv(c.env)`: `OTEL_TRACES_EXPORTER`, else OTLP (no endpoint configured: nothing is exported)
   */
  exporter?: ExporterOption;
  /**
   * On a server (Node, Bun, Deno: no `waitUntil`), export what the provider `tracing()` made still
   * holds when the process gets SIGTERM or SIGINT, then let it end (`flushOnExit` from core).
   * A provider you pass is yours to flush. @default true
   */
  flushOnExit?: boolean;
  /** Install the provider, propagator and context manager as the OpenTelemetry globals. @default true */
  register?: boolean;
  /** Request headers recorded as `http.request.header.<name>` (an allow-list). @default [] */
  requestHeaders?: readonly string[];
  /** Response headers recorded as `http.response.header.<name>` (an allow-list). @default [] */
  responseHeaders?: readonly string[];
  /**
   * Add the W3C Trace Context response metric to `Server-Timing` (`trace;desc=00-{trace-id}-{span-id}-{flags}`,
   * after any metric the handler set), so a browser or client can join the server's trace. A
   * cross-origin page reads it only when the response also has `Timing-Allow-Origin`. @default false
   */
  traceResponse?: boolean;
  /** Record `client.address` from `cf-connecting-ip` / `x-forwarded-for` / `x-real-ip`. @default false */
  clientAddress?: boolean;
  /** Paths not traced: exact paths, RegExps tested on the path, or a function. @default [] */
  skip?: readonly (string | RegExp)[] | ((c: Context) => boolean);
  /**
   * Whether a response is a stream whose end (or cancel) ends the span.
   * @default server-sent events, NDJSON / JSON Lines, or `transfer-encoding: chunked`
   */
  isStreaming?: (response: Response) => boolean;
}

/** tracing()'s own options; the provider options it passes on come from core's table. */
const OWN_OPTIONS: OptionTable<Omit<TracingOptions, keyof ProviderOptions>> = {
  provider: true,
  exporter: true,
  flushOnExit: true,
  register: true,
  requestHeaders: true,
  responseHeaders: true,
  traceResponse: true,
  clientAddress: true,
  skip: true,
  isStreaming: true,
};
const OPTION_NAMES = new Set<string>([...optionNames(OWN_OPTIONS), ...PROVIDER_OPTION_NAMES]);

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

function compileSkip(skip: TracingOptions['skip']): (c: Context) => boolean {
  if (skip === undefined) return () => false;
  if (typeof skip === 'function') {
    return (c) => {
      try {
        return skip(c) === true;
      } catch {
        return false;
      }
    };
  }
  if (!Array.isArray(skip) || !skip.every((s) => typeof s === 'string' || s instanceof RegExp)) {
    throw new ConfigError("skip must be a list of paths and RegExps (e.g. ['/healthz']) or a function");
  }
  const paths = new Set(skip.filter((s): s is string => typeof s === 'string'));
  const patterns = skip.filter((s): s is RegExp => s instanceof RegExp);
  if (paths.size === 0 && patterns.length === 0) return () => false;
  return (c) => paths.has(c.req.path) || patterns.some((p) => p.test(c.req.path));
}

function validate(options: TracingOptions): SetupOptions {
  checkOptionNames(options, OPTION_NAMES, 'tracing()');
  const providerOptions: ProviderOptions = pickOptions(options, PROVIDER_OPTION_NAMES);
  const { provider, exporter } = options;
  if (provider !== undefined) {
    if (typeof provider?.getTracer !== 'function' || typeof provider.forceFlush !== 'function') {
      throw new ConfigError('tracing(): provider must come from createTracerProvider()');
    }
    const extra = [...Object.keys(providerOptions), ...(exporter === undefined ? [] : ['exporter'])];
    if (extra.length > 0) {
      throw new ConfigError(
        `tracing(): with a provider, configure ${extra.join(', ')} on createTracerProvider() instead`,
      );
    }
  }
  if (exporter !== undefined && typeof exporter !== 'function' && typeof exporter?.export !== 'function') {
    throw new ConfigError(
      'tracing(): exporter must be an exporter (createOtlpExporter()) or a function of env',
    );
  }
  if (options.isStreaming !== undefined && typeof options.isStreaming !== 'function') {
    throw new ConfigError('tracing(): isStreaming must be a function of the response');
  }
  const setup: SetupOptions = { provider, providerOptions, exporter, register: options.register !== false };
  if (provider === undefined) checkSetup(setup);
  return setup;
}

/**
 * Hono middleware that traces each request. With no options it reads `OTEL_*` from `c.env` and
 * `process.env`, exports OTLP/HTTP JSON, and registers itself as the OpenTelemetry provider.
 */
export function tracing(options: TracingOptions = {}): MiddlewareHandler {
  const setup = validate(options);
  const requestHeaders = headerNames(options.requestHeaders, 'tracing(): requestHeaders');
  const responseHeaders = headerNames(options.responseHeaders, 'tracing(): responseHeaders');
  const skipped = compileSkip(options.skip);
  const isStreaming = options.isStreaming ?? isStreamingResponse;
  const clientAddress = options.clientAddress === true;
  const traceResponse = options.traceResponse === true;
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
        if (waitUntil === undefined && options.provider === undefined && options.flushOnExit !== false) {
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
      if (responseHeaders.length > 0)
        recordHeaders(end, 'http.response.header', response.headers, responseHeaders);
      span.setAttributes(end);
      // A fetched response passed through as is: its CLIENT span must see the body go out.
      let sent = materializeBody(response);
      if (traceResponse) sent = withHeader(sent, 'server-timing', serverTimingMetric(span.spanContext()));
      if (span.isRecording() && isStreaming(sent)) {
        sent = endSpanWithBody(span, sent, {
          now,
          startTime,
          streaming: true,
          endUnread: false,
          end: endSpan,
        });
      } else {
        endSpan({ kind: 'complete' });
      }
      if (sent !== response) {
        // Unset first: Hono's setter otherwise copies the old response's headers onto a new one.
        c.res = undefined;
        c.res = sent;
      }
    } catch (error) {
      // Telemetry must not break the response; a failure here only ends the span.
      endSpan({ kind: 'complete' });
      report('error', 'edgetrace: tracing() failed after the handler; the span is ended', error);
    }
    flush(provider, waitUntil, span.spanContext().traceId);
  };
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
