// The SERVER span of one incoming request or event, shared by every entry point (`tracing()`,
// `instrumentHandler`, `instrumentWorker`): the isolate's provider made on the first call (or as
// the module loads, with the `env` option in workerd), the caller's trace continued, the span
// named and ended when the answer does — at once, or when a streamed body finishes or the client
// cancels it — and the trace handed to `waitUntil`, so that export never delays a response.
import {
  type AsyncLocalStorageClass,
  type EdgeTracerProvider,
  type EnvSource,
  flushOnExit,
  VERSION,
} from '@edgetrace/core';
import {
  createSpanEnd,
  endSpanWithBody,
  errorType,
  guarded,
  isWorkerd,
  materializeBody,
  recordHeaders,
  recordStatus,
  report,
  type SpanEnd,
  type SpanOutcome,
  serverTimingMetric,
  TIME_TO_FIRST_BYTE,
} from '@edgetrace/core/internal';
import {
  type Attributes,
  type Link,
  type Context as OtelContext,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { ServerSetup } from './options.js';
import { asyncLocalStorageFor, createProvider } from './provider.js';
import { requestAttributes } from './request-attributes.js';

/** The part of a Worker's `ExecutionContext` tracing needs. */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/** `ctx` when it has a `waitUntil` (Workers, Vercel Edge), else `undefined` (Node, Deno, Bun). */
export function waitUntilOf(ctx: unknown): WaitUntil | undefined {
  if (ctx === null || typeof ctx !== 'object') return undefined;
  return typeof (ctx as Partial<WaitUntil>).waitUntil === 'function' ? (ctx as WaitUntil) : undefined;
}

const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** The isolate's provider and the tracer the entry point uses. */
export interface Tracing {
  readonly provider: EdgeTracerProvider;
  readonly tracer: Tracer;
  /** Whether it is the Workers provider: traces buffered whole, each flushed in `waitUntil`. */
  readonly edge: boolean;
}

/** One request's (or event's) span, as started. */
export interface ServerSpan {
  readonly span: Span;
  /** The context holding the span: run the handler in it. */
  readonly context: OtelContext;
  readonly name: string;
  readonly startTime: number;
  readonly endSpan: SpanEnd;
  readonly tracing: Tracing;
  readonly waitUntil: WaitUntil | undefined;
}

/** What the handler answered. */
export interface Answer {
  /**
   * The route template that answered, which names the span (`GET /users/:id`): asked once the
   * handler has answered; a throw is reported once and the span keeps its method-only name.
   */
  readonly route?: (() => string | undefined) | undefined;
  /** An error the framework turned into the response (Hono's `c.error`). */
  readonly error?: unknown;
}

/** A span that is not an HTTP request's: a cron invocation, a queue batch. */
export interface InvocationStart {
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: Attributes;
  readonly parent?: OtelContext;
  readonly links?: Link[];
}

/**
 * Whether this isolate has started a span yet. A cold start is the isolate's, not an entry
 * point's: hono's `tracing()` and `instrumentWorker`'s `queue` in one Worker share it. Kept under
 * a `Symbol.for` key, as the isolate's provider is, so two installed copies of this package agree.
 */
const ISOLATE_STARTED = Symbol.for('edgetrace.handler.isolate-started');

/** `true` the first time it is asked in this isolate, `false` ever after. */
function isolateColdStart(): boolean {
  const state = globalThis as Record<symbol, boolean | undefined>;
  const cold = state[ISOLATE_STARTED] !== true;
  state[ISOLATE_STARTED] = true;
  return cold;
}

/** Forgets that this isolate has started a span, so the next one is a cold start again (for tests). */
export function resetColdStart(): void {
  delete (globalThis as Record<symbol, boolean | undefined>)[ISOLATE_STARTED];
}

export class ServerTracing {
  readonly #setup: ServerSetup;
  readonly #scope: string;
  /** What a throwing route lookup reports, made once rather than per request. */
  readonly #routeFailed: string;
  #tracing: Tracing | undefined;

  /** `scope` is the instrumentation scope's name (`@edgetrace/hono`). */
  constructor(setup: ServerSetup, scope: string) {
    this.#setup = setup;
    this.#scope = scope;
    this.#routeFailed = `${setup.entry}: the route function threw; the span is named by method only`;
    const { env, provider, exporter } = setup.provider;
    // Not with an exporter function: user code that may need a request's scope (Workers allow
    // no I/O, timers or random values at load) runs at the first request, as without `env`.
    if (env !== undefined && provider === undefined && typeof exporter !== 'function' && isWorkerd()) {
      this.#makeAtLoad(env);
    }
  }

  /**
   * With `env` given in workerd: the provider made as the module loads, its setup off the first
   * request. It is the Workers provider, as a Worker's requests have `waitUntil`; a call without
   * one (a Durable Object's `fetch`) has its trace flushed unawaited (`flush`). Nothing is shared
   * with a request: a first request that comes before this is done makes the provider itself,
   * and whichever finishes first is kept. Should making it throw, the first request makes it.
   */
  #makeAtLoad(env: EnvSource): void {
    asyncLocalStorageFor(this.#setup.provider)
      .then((storage) => {
        this.#tracing ??= this.#build(env, true, storage);
      })
      .catch(() => undefined);
  }

  /** The entry point's name, for messages (`tracing()`). */
  get entry(): string {
    return this.#setup.entry;
  }

  /** The provider, once made; `undefined` before the first request. */
  get ready(): Tracing | undefined {
    return this.#tracing;
  }

  /**
   * Makes the isolate's provider on the first request, when the Worker's `env` is known (the
   * `env` option, if given, is read in its place).
   * workerd's `nodejs_als` flag has AsyncLocalStorage only through a dynamic import; each first
   * request awaits its own (no promise is shared between requests), the first to finish makes it.
   */
  async make(env: unknown, waitUntil: WaitUntil | undefined): Promise<Tracing> {
    const storage = await asyncLocalStorageFor(this.#setup.provider);
    this.#tracing ??= this.#build(this.#setup.provider.env ?? env, waitUntil !== undefined, storage);
    return this.#tracing;
  }

  #build(env: unknown, edge: boolean, storage: AsyncLocalStorageClass | undefined): Tracing {
    const setup = this.#setup;
    const provider = createProvider(setup.provider, setup.entry, env, edge, storage);
    // Servers keep spans in a batch; a stopped process must not lose them.
    if (!edge && setup.flushOnExit) flushOnExit(provider);
    return { provider, tracer: provider.getTracer(this.#scope, VERSION), edge };
  }

  /** Whether this is the isolate's first invocation, recorded where the runtime is a FaaS one. */
  #recordColdStart(attributes: Attributes, faas: boolean): void {
    const cold = isolateColdStart();
    if (faas) attributes['faas.coldstart'] = cold;
  }

  /** Starts the SERVER span of `request`, continuing the trace its headers carry. */
  startRequest(tracing: Tracing, request: Request, waitUntil: WaitUntil | undefined): ServerSpan {
    const { provider, tracer } = tracing;
    const parent = provider.propagator.extract(ROOT_CONTEXT, request.headers, headersGetter);
    const { name, attributes } = requestAttributes(request, this.#setup);
    this.#recordColdStart(attributes, attributes['cloud.provider'] !== undefined || waitUntil !== undefined);
    const startTime = provider.now();
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, startTime }, parent);
    return this.#started(tracing, span, name, startTime, parent, waitUntil, () => request.signal);
  }

  /** Starts the span of an event that is not a request (Workers are FaaS: the cold start is recorded). */
  startInvocation(tracing: Tracing, start: InvocationStart, waitUntil: WaitUntil | undefined): ServerSpan {
    const { provider, tracer } = tracing;
    const attributes = { ...start.attributes };
    this.#recordColdStart(attributes, true);
    const startTime = provider.now();
    const parent = start.parent ?? ROOT_CONTEXT;
    const span = tracer.startSpan(
      start.name,
      { kind: start.kind, attributes, startTime, ...(start.links ? { links: start.links } : {}) },
      parent,
    );
    return this.#started(tracing, span, start.name, startTime, parent, waitUntil, undefined);
  }

  #started(
    tracing: Tracing,
    span: Span,
    name: string,
    startTime: number,
    parent: OtelContext,
    waitUntil: WaitUntil | undefined,
    signal: (() => AbortSignal) | undefined,
  ): ServerSpan {
    const now = tracing.provider.now;
    // One ending for every path (core's rules: a client that went away is a cancellation).
    const endSpan = createSpanEnd(span, signal === undefined ? { now } : { now, signal });
    return { span, context: trace.setSpan(parent, span), name, startTime, endSpan, tracing, waitUntil };
  }

  /** Ends an invocation's span when its handler settled (`{ kind: 'error', error }` if it threw). */
  settle(started: ServerSpan, outcome: SpanOutcome): void {
    started.endSpan(outcome);
    flush(started);
  }

  /** A throw no framework turned into a response: the span records it and ends as a 500. */
  fail(started: ServerSpan, error: unknown): void {
    started.span.setAttribute('http.response.status_code', 500);
    started.endSpan({ kind: 'error', error });
    flush(started);
  }

  /**
   * Names the span after the route that answered, records the answer, and ends the span — at once,
   * or with a streamed body, whose end or cancel then hands the trace to `waitUntil` from inside
   * the stream, while the request is alive (Cloudflare cancels `waitUntil` tasks ~30 s after the
   * handler returns). Returns the response to send: `response`, or a copy that carries the body
   * watch or the `Server-Timing` metric. Telemetry must not break the response: a failure here
   * only ends the span.
   */
  finish(started: ServerSpan, response: Response, answer: Answer = {}): Response {
    const { span, name, startTime, endSpan } = started;
    const setup = this.#setup;
    const now = started.tracing.provider.now;
    if (!isResponse(response)) {
      // The runtime turns this into its own error (a 500 on Workers): the span says why.
      const what = response === null ? 'null' : typeof response;
      this.fail(started, new TypeError(`the handler returned ${what}, not a Response`));
      return response;
    }
    try {
      const { error } = answer;
      const route =
        answer.route === undefined ? undefined : guarded(this.#routeFailed, answer.route, undefined);
      if (route !== undefined) {
        span.updateName(`${name} ${route}`);
        span.setAttribute('http.route', route);
      }
      const end: Attributes = { [TIME_TO_FIRST_BYTE]: (now() - startTime) / 1000 };
      if (error !== undefined) span.recordException(error instanceof Error ? error : String(error));
      recordStatus(span, response.status, 'server', error === undefined ? undefined : errorType(error));
      if (setup.responseHeaders.length > 0) {
        recordHeaders(end, 'http.response.header', response.headers, setup.responseHeaders);
      }
      span.setAttributes(end);
      // A fetched response passed through as is: its CLIENT span must see the body go out.
      let sent = materializeBody(response);
      if (setup.traceResponse)
        sent = withHeader(sent, 'server-timing', serverTimingMetric(span.spanContext()));
      if (span.isRecording() && setup.isStreaming(sent)) {
        const endThenFlush: SpanEnd = (outcome) => {
          const recorded = endSpan(outcome);
          if (recorded !== undefined) flush(started);
          return recorded;
        };
        return endSpanWithBody(span, sent, {
          now,
          startTime,
          streaming: true,
          endUnread: false,
          end: endThenFlush,
        });
      }
      endSpan({ kind: 'complete' });
      flush(started);
      return sent;
    } catch (error) {
      endSpan({ kind: 'complete' });
      flush(started);
      report('error', `edgetrace: ${setup.entry} failed after the handler; the span is ended`, error);
      return response;
    }
  }
}

/**
 * Whether `value` is a Response: by shape, since a Response from another realm or polyfill is
 * not `instanceof` this one's.
 */
function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  const candidate = value as Partial<Response> | null;
  return typeof candidate?.status === 'number' && typeof candidate.headers?.get === 'function';
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
 * Exports after the answer: on Workers, `waitUntil` waits for this trace's export; elsewhere the
 * batch processor's timer exports. A Workers provider serving a call without `waitUntil` (a
 * Durable Object's `fetch`, with the provider made at load) flushes the trace unawaited.
 */
function flush(started: ServerSpan): void {
  const { waitUntil, tracing } = started;
  if (waitUntil === undefined) {
    if (tracing.edge) void tracing.provider.forceFlush(started.span.spanContext().traceId);
    return;
  }
  const { provider } = tracing;
  const traceId = started.span.spanContext().traceId;
  // Only this request's trace: workerd does not resolve promises of another request's I/O. The
  // flush starts a microtask later, once `waitUntil` has answered: with coalesced export this
  // request may wait for other requests' traces too, which only a request kept alive can do. A
  // context that refuses `waitUntil` (the request already finished) exports what waits at once.
  let kept = false;
  const flushed = Promise.resolve().then(() => (kept ? provider.forceFlush(traceId) : provider.forceFlush()));
  try {
    waitUntil.waitUntil(flushed);
    kept = true;
  } catch {
    // Refused: `flushed` still runs, without the wait.
  }
}
