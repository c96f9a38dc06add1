// Ending a span with the body it covers rather than with the headers: the span of a streamed
// response (served or fetched) ends when the body completes, errors or is cancelled — exactly
// once — with the time to the first byte and the bytes that passed.
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import type { Clock } from './time.js';
import { type BodyOutcome, watchBody } from './watch-body.js';

/** Seconds from the span's start to the first body chunk (our name; the conventions have none). */
export const TIME_TO_FIRST_BYTE = 'edgetrace.response.time_to_first_byte';
/** `true` when the body's consumer cancelled it — a client disconnect, not an error. */
export const RESPONSE_CANCELLED = 'edgetrace.response.cancelled';

export interface SpanBodyOptions {
  /** The clock the span is timed with. */
  readonly now: Clock;
  /** When the span started, by `now`. */
  readonly startTime: number;
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

/**
 * Returns a response that streams `response`'s body through unchanged and ends `span` when the
 * body ends. A response without a body ends the span at once and is returned as is.
 */
export function endSpanWithBody(span: Span, response: Response, options: SpanBodyOptions): Response {
  const { now, startTime, onEnd } = options;
  const body = response.body;
  if (body === null || response.status === 101) {
    span.end(now());
    onEnd?.();
    return response;
  }
  let bytes = 0;
  const watched = watchBody(body, {
    onChunk(chunk, index) {
      if (index === 0) span.setAttribute(TIME_TO_FIRST_BYTE, (now() - startTime) / 1000);
      bytes += chunk.byteLength;
    },
    onEnd(outcome: BodyOutcome) {
      span.setAttribute('http.response.body.size', bytes);
      if (outcome.kind === 'cancelled') span.setAttribute(RESPONSE_CANCELLED, true);
      else if (outcome.kind === 'error') recordError(span, outcome.error);
      span.end(now());
      onEnd?.();
    },
  });
  return withBody(response, watched);
}
