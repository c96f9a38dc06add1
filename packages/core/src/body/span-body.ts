// Ending a span with the body it covers rather than with the headers: the span of a response
// (served or fetched) ends when its body completes, errors or is cancelled — exactly once.
//
// Streams (server-sent events, NDJSON, ...) are watched chunk by chunk through a JS stream. Other
// bodies are not re-streamed: JS streams cost tens of microseconds per response in workerd, so
// the span ends when one of the response's own readers (`json()`, `text()`, ...) settles, and a
// JS stream is made only if someone asks for `.body`. A runtime that takes the body natively
// (a Worker returning the fetched response as is) bypasses both; `materializeBody` turns such a
// response into a watched one first (the Hono middleware does this for `c.res`). A body nobody
// starts to read at all ends its span with the rest of the trace (pending-body.ts). However it
// ends, it ends through span-end.ts, which decides what the ending means.
//
// Invariants of this folder (body/), whose entry for the other packages is core's `internal`:
// - A response handed back is still `instanceof Response`: a deferred one keeps its platform
//   prototype underneath the derived one (about 1 µs in Node, against 4–9 µs to define seven
//   properties; bench/README.md), a watched one is a new platform `Response`.
// - A body is never buffered or altered: chunks pass on as they are read, when they are asked for.
// - A span ends exactly once, whichever of body end, cancel, error, reader or flush comes first.
// - A runtime that takes a body natively never calls our readers nor `.body`: only the
//   unread-body registry, which the provider owns, can end such a span.
import type { Span } from '@opentelemetry/api';
import type { Clock } from '../trace/time.js';
import { clearBodyPending, markBodyPending } from './pending-body.js';
import { createSpanEnd, type SpanEnd } from './span-end.js';
import { isStreamingResponse } from './streaming.js';
import { addBodyWatcher, type BodyOutcome, type BodyWatcher, watchBody } from './watch-body.js';

/** Seconds from the span's start to the response's first byte: its headers (our name). */
export const TIME_TO_FIRST_BYTE = 'edgetrace.response.time_to_first_byte';
/** Seconds from the span's start to the first chunk of a streamed body (our name). */
export const TIME_TO_FIRST_CHUNK = 'edgetrace.response.time_to_first_chunk';

export interface SpanBodyOptions {
  /** The clock the span is timed with. */
  readonly now: Clock;
  /** When the span started, by `now`. */
  readonly startTime: number;
  /** Whether the body is a stream to watch chunk by chunk. @default `isStreamingResponse` */
  readonly streaming?: boolean;
  /**
   * Whether the span may end without its body when nothing has started reading the body by the
   * time the rest of its trace is done and a flush waits for it (marked `BODY_UNOBSERVED`): a
   * fetched answer never read must not hold its trace back. `false` for a response being
   * served, which the runtime always reads. @default true
   */
  readonly endUnread?: boolean;
  /**
   * How the span ends (see span-end.ts), for callers that also end it for reasons of their own
   * (an inference stream's idle timeout). @default `createSpanEnd(span, { now })`
   */
  readonly end?: SpanEnd;
  /** Called with each chunk of a streamed body as it passes. Must not throw. */
  readonly onChunk?: (chunk: Uint8Array) => void;
  /** Whether to record `TIME_TO_FIRST_CHUNK` (a caller with its own first-chunk time says no). @default true */
  readonly timeFirstChunk?: boolean;
}

/**
 * A response whose body is `body`, otherwise like `response`: status, headers, and the `url`
 * and `redirected` a fetched response carries.
 */
export function withBody(response: Response, body: ReadableStream<Uint8Array> | string | null): Response {
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  if (response.url !== '') Object.defineProperty(copy, 'url', { value: response.url });
  if (response.redirected) Object.defineProperty(copy, 'redirected', { value: true });
  return copy;
}

const READERS = ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'] as const;

type Finish = (outcome: BodyOutcome, bytes: number | undefined) => void;

/** What a deferred response carries for its readers, under one symbol. */
interface DeferredState {
  readonly finish: Finish;
  /** Called when a reader or `.body` is first used: the body is being read now. */
  readonly observed: () => void;
  readonly watch: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  readonly size: number | undefined;
  watched: ReadableStream<Uint8Array> | null | undefined;
}

const STATE = Symbol.for('edgetrace.deferredBodyState');
type Deferred = Response & { [STATE]?: DeferredState };

// One derived prototype per platform Response prototype: its readers end the span, its `body`
// getter hands out a watched stream. Swapping an instance's prototype costs far less than
// defining seven properties on it (a pure function of the platform's class, so a cache is safe).
const derived = new WeakMap<object, object | null>();

function deferredPrototype(base: object): object | null {
  const cached = derived.get(base);
  if (cached !== undefined) return cached;
  let bodyGet: (() => ReadableStream<Uint8Array> | null) | undefined;
  for (
    let proto: object | null = base;
    proto !== null && bodyGet === undefined;
    proto = Object.getPrototypeOf(proto)
  ) {
    bodyGet = Object.getOwnPropertyDescriptor(proto, 'body')?.get as typeof bodyGet;
  }
  if (bodyGet === undefined) {
    derived.set(base, null);
    return null;
  }
  const getBody = bodyGet;
  const proto = Object.create(base) as Record<string, unknown>;
  for (const name of READERS) {
    const read = (base as Record<string, unknown>)[name];
    if (typeof read !== 'function') continue;
    proto[name] = function (this: Deferred): Promise<unknown> {
      const state = this[STATE];
      const reading = read.call(this) as Promise<unknown>;
      if (state === undefined) return reading;
      state.observed();
      return reading.then(
        (value) => {
          state.finish({ kind: 'complete' }, state.size);
          return value;
        },
        (error: unknown) => {
          state.finish({ kind: 'error', error }, undefined);
          throw error;
        },
      );
    };
  }
  Object.defineProperty(proto, 'body', {
    configurable: true,
    get(this: Deferred): ReadableStream<Uint8Array> | null {
      const state = this[STATE];
      if (state === undefined) return getBody.call(this);
      if (state.watched === undefined) {
        state.observed();
        const body = getBody.call(this);
        state.watched = body === null ? null : state.watch(body);
      }
      return state.watched;
    },
  });
  derived.set(base, proto);
  return proto;
}

/** Whether `response`'s span ends only when one of its readers runs (see `materializeBody`). */
export function isBodyDeferred(response: Response): boolean {
  return (response as Deferred)[STATE] !== undefined;
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

/** Ends through the response's own readers; `.body` becomes a watched stream when first read. */
function defer(
  response: Response,
  finish: Finish,
  watch: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>,
  observed: () => void,
): boolean {
  const proto = deferredPrototype(Object.getPrototypeOf(response) as object);
  if (proto === null) return false;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const size = Number.isInteger(declared) ? declared : undefined;
  Object.setPrototypeOf(response, proto);
  (response as Deferred)[STATE] = { finish, observed, watch, size, watched: undefined };
  return true;
}

/**
 * Ends `span` when `response`'s body ends: a streamed body is watched through a new response
 * (returned); any other body ends the span when read, and the same response is returned.
 * A response without a body ends the span at once.
 */
export function endSpanWithBody(span: Span, response: Response, options: SpanBodyOptions): Response {
  const { now, startTime, onChunk, timeFirstChunk = true } = options;
  const end = options.end ?? createSpanEnd(span, { now });
  if (response.body === null || response.status === 101) {
    end({ kind: 'complete' });
    return response;
  }
  const finish: Finish = (outcome, bytes) => {
    if (bytes !== undefined) span.setAttribute('http.response.body.size', bytes);
    end(outcome);
  };
  // Times the first chunk and counts bytes for the span; one per stream watched.
  const spanWatcher = (): BodyWatcher<Uint8Array> => {
    let bytes = 0;
    return {
      onPull: () => clearBodyPending(span),
      onChunk(chunk, index) {
        if (index === 0 && timeFirstChunk) span.setAttribute(TIME_TO_FIRST_CHUNK, (now() - startTime) / 1000);
        bytes += chunk.byteLength;
        onChunk?.(chunk);
      },
      onEnd: (outcome) => finish(outcome, bytes),
    };
  };
  const watch = (body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> =>
    watchBody(body, spanWatcher());
  // Until a reader, `.body` or a pull shows someone reading, the span may end with its trace.
  if (options.endUnread !== false) markBodyPending(span, () => end({ kind: 'unobserved' }));
  const streaming = options.streaming ?? isStreamingResponse(response);
  if (!streaming && defer(response, finish, watch, () => clearBodyPending(span))) return response;
  const body = response.body;
  if (body === null) return response;
  // A body we already watch (a proxied upstream stream): join it rather than wrap it again.
  const joined = addBodyWatcher(body, spanWatcher());
  return joined ? response : withBody(response, watch(body));
}
