// What every traced client call shares — instrumentFetch's and instrumentInference's: the wrapped
// fetch, the parent context, the propagation allow-list, and sending with trace headers on a copy
// of the caller's headers.
import { ConfigError, createDefaultPropagator, VERSION } from '@edgetrace/core';
import { type Clock, createClock, type OptionTable, optionNames } from '@edgetrace/core/internal';
import {
  type Context,
  context,
  propagation,
  type Span,
  type TextMapPropagator,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { createPropagationFilter, type PropagateTo } from './propagate-to.js';

/** Anything with a `fetch` method: a service binding (`env.SERVICE`), say. */
export interface Fetcher {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

/** The options every traced client shares. */
export interface ClientOptions {
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
  /** Clock for span times, epoch ms. @default `performance.timeOrigin + performance.now()` */
  now?: Clock;
  /**
   * Whether trace headers the caller set itself (an SDK that injects `traceparent` and `baggage`,
   * say) may go to origins `propagateTo` does not admit. By default they are removed there, so
   * the allow-list holds whoever wrote them. @default false
   */
  keepCallerTraceHeaders?: boolean;
}

/** The shared options, named once (entry points spread it into their own tables). */
export const CLIENT_OPTIONS: OptionTable<ClientOptions> = {
  propagateTo: true,
  tracerProvider: true,
  propagator: true,
  context: true,
  now: true,
  keepCallerTraceHeaders: true,
};
export const CLIENT_OPTION_NAMES: ReadonlySet<keyof ClientOptions> = optionNames(CLIENT_OPTIONS);

/** The headers of W3C Trace Context and Baggage, removed on calls the allow-list refuses. */
const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'];

/** One call as fetch will make it. */
export interface CallTarget {
  readonly request: Request | undefined;
  readonly url: URL;
  readonly method: string;
}

export interface Client {
  readonly tracer: Tracer;
  readonly now: Clock;
  /** The parent context of a new call. */
  parent(): Context;
  /** Sends through the wrapped fetch, with trace headers when `target` is admitted. */
  send(
    target: CallTarget,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    active: Context,
    headers?: Headers,
  ): Promise<Response>;
  /** The wrapped fetch itself, untraced. */
  readonly call: typeof fetch;
}

const headerSetter = {
  set(carrier: Headers, key: string, value: string): void {
    carrier.set(key, value);
  },
};

function isRequest(input: RequestInfo | URL): input is Request {
  return typeof input === 'object' && !(input instanceof URL) && 'method' in input && 'headers' in input;
}

/** The URL and method of a call, or `undefined` when fetch could not use the URL. */
export function callTarget(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  normalize: (m: string) => string,
): CallTarget | undefined {
  const request = isRequest(input) ? input : undefined;
  try {
    const url = new URL(request?.url ?? String(input));
    return { request, url, method: normalize(init?.method ?? request?.method ?? 'GET') };
  } catch {
    return undefined;
  }
}

/** The headers a call sends: `init.headers` when given (it replaces the request's), else the request's. */
export function headersOf(target: CallTarget, init: RequestInit | undefined): Headers {
  return new Headers(init?.headers ?? target.request?.headers);
}

/** Checks the shared options and sets up the client; invalid options throw `ConfigError`. */
export function createClient(
  fetcher: typeof fetch | Fetcher,
  options: ClientOptions,
  who: string,
  scope: string,
): Client {
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new ConfigError(`${who}: now must be a function returning epoch milliseconds`);
  }
  const isFetcher = typeof fetcher === 'object' && fetcher !== null && typeof fetcher.fetch === 'function';
  if (!isFetcher && typeof fetcher !== 'function') {
    throw new ConfigError(`${who} expects a fetch function or an object with a fetch method`);
  }
  const call: typeof fetch = isFetcher
    ? (input, init) => (fetcher as Fetcher).fetch(input, init)
    : (fetcher as typeof fetch);
  const admits = createPropagationFilter(options.propagateTo ?? (isFetcher ? true : undefined));
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(scope, VERSION);
  const parentOption = options.context;
  let fallback: TextMapPropagator | undefined;
  let registered = false;
  const propagator = (): TextMapPropagator => {
    if (options.propagator !== undefined) return options.propagator;
    // Nothing registered yet: the API's no-op propagator has no fields and would send nothing.
    // Once one is, it stays (the API keeps the first), so the check is not repeated per call.
    if (registered || propagation.fields().length > 0) {
      registered = true;
      return propagation;
    }
    fallback ??= createDefaultPropagator();
    return fallback;
  };
  // The headers removed on refused calls, made again only if the propagator in use changes.
  let removable: { readonly from: TextMapPropagator; readonly names: readonly string[] } | undefined;
  const traceHeaderNames = (): readonly string[] => {
    const from = propagator();
    if (removable?.from !== from)
      removable = { from, names: [...new Set([...TRACE_HEADERS, ...from.fields()])] };
    return removable.names;
  };
  return {
    tracer,
    now: options.now ?? createClock(),
    call,
    parent: () =>
      parentOption === undefined
        ? context.active()
        : typeof parentOption === 'function'
          ? parentOption()
          : parentOption,
    send(target, input, init, active, headers) {
      if (!admits(target.url)) {
        if (options.keepCallerTraceHeaders === true) return call(input, init);
        // No headers from the caller: nothing to remove.
        if (headers === undefined && init?.headers === undefined && target.request === undefined) {
          return call(input, init);
        }
        const sent = headers ?? headersOf(target, init);
        let removed = false;
        for (const name of traceHeaderNames()) {
          if (!sent.has(name)) continue;
          sent.delete(name);
          removed = true;
        }
        return removed ? call(input, { ...init, headers: sent }) : call(input, init);
      }
      const sent = headers ?? headersOf(target, init);
      propagator().inject(active, sent, headerSetter);
      return call(input, { ...init, headers: sent });
    },
  };
}

/** The context a call's span makes active. */
export function withSpan(parent: Context, span: Span): Context {
  return trace.setSpan(parent, span);
}
