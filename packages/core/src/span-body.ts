// Ending a span with the body it covers rather than with the headers: the span of a response
// (served or fetched) ends when its body completes, errors or is cancelled — exactly once.
//
// Streams (server-sent events, NDJSON, ...) are watched chunk by chunk through a JS stream. Other
// bodies are not re-streamed: JS streams cost tens of microseconds per response in workerd, so
// the span ends when one of the response's own readers (`json()`, `text()`, ...) settles, and a
// JS stream is made only if someone asks for `.body`. A runtime that takes the body natively
// (a Worker returning the fetched response as is) bypasses both; `materializeBody` turns such a
// response into a watched one first (the Hono middleware does this for `c.res`).
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { isStreamingResponse } from './streaming.js';
import type { Clock } from './time.js';
import { addBodyWatcher, type BodyOutcome, type BodyWatcher, watchBody } from './watch-body.js';

/** Seconds from the span's start to the response's first byte: its headers (our name). */
export const TIME_TO_FIRST_BYTE = 'edgetrace.response.time_to_first_byte';
/** Seconds from the span's start to the first chunk of a streamed body (our name). */
export const TIME_TO_FIRST_CHUNK = 'edgetrace.response.time_to_first_chunk';
/** `true` when the body's consumer cancelled it — a client disconnect, not an error. */
export const RESPONSE_CANCELLED = 'edgetrace.response.cancelled';

export interface SpanBodyOptions {
  /** The clock the span is timed with. */
  readonly now: Clock;
  /** When the span started, by `now`. */
  readonly startTime: number;
  /** Whether the body is a stream to watch chunk by chunk. @default `isStreamingResponse` */
  readonly streaming?: boolean;
  /** Called once the span has ended. */
  readonly onEnd?: () => void;
}

/** The `error.type` of a thrown value: its name where it has a useful one. */
export function errorType(error: unknown): string {
  if (error instanceof Error) {
    if (error.name !== '' && error.name !== 'Error') return error.name;
    const constructorName = error.constructor?.name;
    return constructorName !== undefined && constructorName !== '' ? constructorName : 'Error';
  }
  return typeof error === 'string' ? 'Error' : '_OTHER';
}

/** Records `error` on `span` as an exception event with ERROR status and `error.type`. */
export function recordError(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : String(error);
  span.recordException(exception);
  span.setAttribute('error.type', errorType(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    ...(error instanceof Error && error.message !== '' ? { message: error.message } : {}),
  });
}

/**
 * A response whose body is `body`, otherwise like `response`: status, headers, and the `url`
 * and `redirected` a fetched response carries.
 */
export function withBody(response: Response, body: ReadableStream<Uint8Array>): Response {
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  if (response.url !== '') Object.defineProperty(copy, 'url', { value: response.url });
  if (response.redirected) Object.defineProperty(copy, 'redirected', { value: true });
  return copy;
}

// Marks a response whose span waits for one of its readers; a symbol on the object itself, so
// no module state is shared between requests.
const DEFERRED = Symbol.for('edgetrace.deferredBody');
const READERS = ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'] as const;

/** Whether `response`'s span ends only when one of its readers runs (see `materializeBody`). */
export function isBodyDeferred(response: Response): boolean {
  return (response as unknown as Record<symbol, unknown>)[DEFERRED] === true;
}

/**
 * A response whose body is a watched stream, for a deferred one that is about to be consumed
 * natively (returned from a handler); any other response is returned as is.
 */
export function materializeBody(response: Response): Response {
  if (!isBodyDeferred(response)) return response;
  const body = response.body; // the deferred body getter: a watched stream
  return body === null ? response : withBody(response, body);
}

function bodyGetter(response: Response): (() => ReadableStream<Uint8Array> | null) | undefined {
  for (let proto = Object.getPrototypeOf(response); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, 'body');
    if (descriptor?.get !== undefined) return descriptor.get as () => ReadableStream<Uint8Array> | null;
  }
  return undefined;
}

type Finish = (outcome: BodyOutcome, bytes: number | undefined) => void;

/** Ends through the response's own readers; `.body` becomes a watched stream when first read. */
function defer(
  response: Response,
  finish: Finish,
  watch: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>,
): boolean {
  const getBody = bodyGetter(response);
  if (getBody === undefined) return false;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const size = Number.isInteger(declared) ? declared : undefined;
  const target = response as unknown as Record<string | symbol, unknown>;
  for (const name of READERS) {
    const read = target[name];
    if (typeof read !== 'function') continue;
    Object.defineProperty(response, name, {
      configurable: true,
      writable: true,
      value: (): Promise<unknown> =>
        (read.call(response) as Promise<unknown>).then(
          (value) => {
            finish({ kind: 'complete' }, size);
            return value;
          },
          (error: unknown) => {
            finish({ kind: 'error', error }, undefined);
            throw error;
          },
        ),
    });
  }
  let watched: ReadableStream<Uint8Array> | null | undefined;
  Object.defineProperty(response, 'body', {
    configurable: true,
    get(): ReadableStream<Uint8Array> | null {
      if (watched === undefined) {
        const body = getBody.call(response);
        watched = body === null ? null : watch(body);
      }
      return watched;
    },
  });
  target[DEFERRED] = true;
  return true;
}

/**
 * Ends `span` when `response`'s body ends: a streamed body is watched through a new response
 * (returned); any other body ends the span when read, and the same response is returned.
 * A response without a body ends the span at once.
 */
export function endSpanWithBody(span: Span, response: Response, options: SpanBodyOptions): Response {
  const { now, startTime, onEnd } = options;
  if (response.body === null || response.status === 101) {
    span.end(now());
    onEnd?.();
    return response;
  }
  let ended = false;
  const finish: Finish = (outcome, bytes) => {
    if (ended) return;
    ended = true;
    if (bytes !== undefined) span.setAttribute('http.response.body.size', bytes);
    if (outcome.kind === 'cancelled') span.setAttribute(RESPONSE_CANCELLED, true);
    else if (outcome.kind === 'error') recordError(span, outcome.error);
    span.end(now());
    onEnd?.();
  };
  // Times the first chunk and counts bytes for the span; one per stream watched.
  const spanWatcher = (): BodyWatcher<Uint8Array> => {
    let bytes = 0;
    return {
      onChunk(chunk, index) {
        if (index === 0) span.setAttribute(TIME_TO_FIRST_CHUNK, (now() - startTime) / 1000);
        bytes += chunk.byteLength;
      },
      onEnd: (outcome) => finish(outcome, bytes),
    };
  };
  const watch = (body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> =>
    watchBody(body, spanWatcher());
  const streaming = options.streaming ?? isStreamingResponse(response);
  if (!streaming && defer(response, finish, watch)) return response;
  const body = response.body;
  if (body === null) return response;
  // A body we already watch (a proxied upstream stream): join it rather than wrap it again.
  const joined = addBodyWatcher(body, spanWatcher());
  return joined ? response : withBody(response, watch(body));
}
