// instrumentFetch: a traced `fetch` with the same signature. Each call gets a CLIENT span that
// ends when the response body is consumed or cancelled (not when headers arrive), and carries
// W3C trace context to the origins the allow-list admits. Globals and the caller's request,
// headers and body are never modified. https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import {
  type Clock,
  ConfigError,
  createClock,
  createDefaultPropagator,
  endSpanWithBody,
  headerNames,
  methodAttributes,
  normalizeMethod,
  recordError,
  recordHeaders,
  redactUrl,
  TIME_TO_FIRST_BYTE,
  urlPort,
  VERSION,
} from '@edgetrace/core';
import {
  type Attributes,
  type Context,
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { createPropagationFilter, type PropagateTo } from './propagate-to.js';

/** Anything with a `fetch` method: a service binding (`env.SERVICE`), say. */
export interface Fetcher {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

export interface InstrumentFetchOptions {
  /**
   * Where `traceparent`, `tracestate` and `baggage` are sent: listed origins and hosts are
   * admitted besides private destinations; a function alone decides. @default private
   * destinations (loopback and private addresses, single-label hosts, `.internal`, `.local`,
   * ...); everywhere when a `Fetcher` such as a service binding is instrumented
   */
  propagateTo?: PropagateTo;
  /** @default the global tracer provider (what `register()` installed) */
  tracerProvider?: TracerProvider;
  /** @default the global propagator, else W3C Trace Context + Baggage */
  propagator?: TextMapPropagator;
  /**
   * The parent of each call's span, or a function giving it. Needed only where context does not
   * follow `await` (no `AsyncLocalStorage`). @default the active context
   */
  context?: Context | (() => Context);
  /** Request headers recorded as `http.request.header.<name>` (an allow-list). @default [] */
  requestHeaders?: readonly string[];
  /** Response headers recorded as `http.response.header.<name>` (an allow-list). @default [] */
  responseHeaders?: readonly string[];
  /** Clock for span times, epoch ms. @default `performance.timeOrigin + performance.now()` */
  now?: Clock;
}

const OPTION_NAMES = new Set([
  'propagateTo',
  'tracerProvider',
  'propagator',
  'context',
  'requestHeaders',
  'responseHeaders',
  'now',
]);

const headerSetter = {
  set(carrier: Headers, key: string, value: string): void {
    carrier.set(key, value);
  },
};

function isRequest(input: RequestInfo | URL): input is Request {
  return typeof input === 'object' && !(input instanceof URL) && 'method' in input && 'headers' in input;
}

function validate(options: InstrumentFetchOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('instrumentFetch expects an options object as its second argument');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      throw new ConfigError(
        `instrumentFetch: unknown option "${key}"; the options are ${[...OPTION_NAMES].join(', ')}`,
      );
    }
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new ConfigError('instrumentFetch: now must be a function returning epoch milliseconds');
  }
}

/**
 * Returns a traced `fetch`. Pass the `fetch` to wrap — the global one, or a service binding
 * (`env.SERVICE`, whose calls then join the trace of the Worker behind it).
 */
export function instrumentFetch(
  fetcher: typeof fetch | Fetcher,
  options: InstrumentFetchOptions = {},
): typeof fetch {
  validate(options);
  const isFetcher = typeof fetcher === 'object' && fetcher !== null && typeof fetcher.fetch === 'function';
  if (!isFetcher && typeof fetcher !== 'function') {
    throw new ConfigError('instrumentFetch expects a fetch function or an object with a fetch method');
  }
  const call: typeof fetch = isFetcher
    ? (input, init) => (fetcher as Fetcher).fetch(input, init)
    : (fetcher as typeof fetch);
  const admits = createPropagationFilter(options.propagateTo ?? (isFetcher ? true : undefined));
  const requestHeaders = headerNames(options.requestHeaders, 'instrumentFetch: requestHeaders');
  const responseHeaders = headerNames(options.responseHeaders, 'instrumentFetch: responseHeaders');
  const now = options.now ?? createClock();
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer('@edgetrace/fetch', VERSION);
  const parentOption = options.context;
  let fallbackPropagator: TextMapPropagator | undefined;
  const propagatorFor = (): TextMapPropagator => {
    if (options.propagator !== undefined) return options.propagator;
    // Nothing registered yet: the API's no-op propagator has no fields and would send nothing.
    if (propagation.fields().length > 0) return propagation;
    fallbackPropagator ??= createDefaultPropagator();
    return fallbackPropagator;
  };

  async function tracedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = isRequest(input) ? input : undefined;
    let url: URL;
    try {
      url = new URL(request?.url ?? String(input));
    } catch {
      return call(input, init); // fetch gives its own error for a URL it cannot use.
    }
    const method = normalizeMethod(init?.method ?? request?.method ?? 'GET');
    const parent =
      parentOption === undefined
        ? context.active()
        : typeof parentOption === 'function'
          ? parentOption()
          : parentOption;
    const { name, attributes } = methodAttributes(method);
    attributes['url.full'] = redactUrl(url);
    attributes['server.address'] = url.hostname;
    const port = urlPort(url);
    if (port !== undefined) attributes['server.port'] = port;
    const startTime = now();
    // init.headers, when given, replaces the request's headers, as fetch itself does.
    const sourceHeaders = init?.headers ?? request?.headers;
    let headers: Headers | undefined;
    if (requestHeaders.length > 0) {
      headers = new Headers(sourceHeaders);
      recordHeaders(attributes, 'http.request.header', headers, requestHeaders);
    }
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime }, parent);
    let sendInit = init;
    if (admits(url)) {
      headers ??= new Headers(sourceHeaders);
      propagatorFor().inject(trace.setSpan(parent, span), headers, headerSetter);
      sendInit = { ...init, headers };
    }
    let response: Response;
    try {
      response = await call(input, sendInit);
    } catch (error) {
      recordError(span, error);
      span.end(now());
      throw error;
    }
    try {
      span.setAttribute(TIME_TO_FIRST_BYTE, (now() - startTime) / 1000);
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 400) {
        span.setAttribute('error.type', String(response.status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      if (responseHeaders.length > 0) {
        const recorded: Attributes = {};
        recordHeaders(recorded, 'http.response.header', response.headers, responseHeaders);
        span.setAttributes(recorded);
      }
      if (!span.isRecording()) {
        span.end();
        return response;
      }
      return endSpanWithBody(span, response, { now, startTime });
    } catch {
      // A response we cannot re-wrap (an unusual status, say) is returned untouched.
      span.end(now());
      return response;
    }
  }
  return tracedFetch;
}
