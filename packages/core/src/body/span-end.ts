// The one place where a span over a response ends, and how: complete, cancelled, error, a
// failure without an exception, or unobserved (nobody read the body). Served responses, fetched
// ones and inference streams all end here, so the rules below hold for every package:
//
// - A span ends once; later calls are ignored.
// - A caller's abort is a cancellation, not an error: a rejection named `AbortError`, or any
//   rejection once the call's own `AbortSignal` has aborted (an SDK's `stream.abort()`, a user's
//   controller). A timeout (`TimeoutError`) stays an error.
// - A body that said it was complete (an event stream's end marker) is complete, whatever its
//   consumer does after: the `openai` SDK cancels the body after `[DONE]`.
import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';
import { report } from '../config/report.js';
import type { Clock } from '../trace/time.js';
import { clearBodyPending } from './pending-body.js';

/** `true` when the body's consumer cancelled it — a client disconnect, not an error. */
export const RESPONSE_CANCELLED = 'edgetrace.response.cancelled';
/**
 * `true` when the span ended without seeing its body: nothing had read it in JavaScript when the
 * rest of the trace was done (a body returned as is from a plain Worker, or never read).
 */
export const BODY_UNOBSERVED = 'edgetrace.response.body_unobserved';

/** How a span over a response ends. */
export type SpanOutcome =
  | { readonly kind: 'complete' }
  | { readonly kind: 'cancelled'; readonly reason?: unknown }
  /** A thrown value: recorded as an exception event, ERROR status and its `error.type`. */
  | { readonly kind: 'error'; readonly error: unknown }
  /** A failure the protocol reported, with no exception: ERROR status and `error.type`. */
  | { readonly kind: 'failed'; readonly type: string; readonly message?: string | undefined }
  /** Nobody had started reading the body when the rest of its trace was done. */
  | { readonly kind: 'unobserved' };

export interface SpanEndOptions {
  /** The clock the span is timed with. */
  readonly now: Clock;
  /**
   * The call's signal, or a function giving it — read only when a rejection needs telling apart
   * (a `Request`'s `signal` getter can allocate, which a span that ends well never pays for): a
   * rejection after it aborted is the caller's cancellation.
   */
  readonly signal?: AbortSignal | null | undefined | (() => AbortSignal | null | undefined);
  /** Whether the body said it was complete (an end marker seen); a cancel or error after that is completion. */
  readonly isComplete?: () => boolean;
  /**
   * Called once with the outcome as it will be recorded, before the span ends: add attributes,
   * or return a different outcome (a protocol error the body reported). Must not throw.
   */
  readonly beforeEnd?: (outcome: SpanOutcome) => SpanOutcome | undefined;
  /** Attributes added to every ending (body size, say). */
  readonly attributes?: () => Attributes | undefined;
}

/** Ends a span by outcome, once; returns the outcome recorded, or `undefined` if it had ended. */
export type SpanEnd = (outcome: SpanOutcome) => SpanOutcome | undefined;

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

/** Whether a rejection is a caller's abort rather than a failure (`DOMException` or an SDK's error). */
export function isAbort(error: unknown, signal?: AbortSignal | null): boolean {
  if (signal?.aborted === true) return !named(signal.reason, 'TimeoutError');
  return named(error, 'AbortError');
}

const named = (value: unknown, name: string): boolean =>
  typeof value === 'object' && value !== null && (value as { name?: unknown }).name === name;

/** Applies the rules in this file's header to a raw outcome. */
function settle(outcome: SpanOutcome, options: SpanEndOptions): SpanOutcome {
  if (outcome.kind !== 'cancelled' && outcome.kind !== 'error') return outcome;
  if (options.isComplete?.() === true) return { kind: 'complete' };
  const { signal } = options;
  if (outcome.kind === 'error' && isAbort(outcome.error, typeof signal === 'function' ? signal() : signal)) {
    return { kind: 'cancelled', reason: outcome.error };
  }
  return outcome;
}

/** Writes an outcome's marks on a span: the attribute or status each kind stands for. */
export function recordOutcome(span: Span, outcome: SpanOutcome): void {
  switch (outcome.kind) {
    case 'cancelled':
      span.setAttribute(RESPONSE_CANCELLED, true);
      return;
    case 'unobserved':
      span.setAttribute(BODY_UNOBSERVED, true);
      return;
    case 'error':
      recordError(span, outcome.error);
      return;
    case 'failed':
      span.setAttribute('error.type', outcome.type);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        ...(outcome.message === undefined ? {} : { message: outcome.message }),
      });
      return;
    case 'complete':
      return;
  }
}

/**
 * Returns the function that ends `span` by outcome, once, with the rules of this file: every
 * instrumentation that ends a span with a body calls it, from whichever signal comes first.
 */
export function createSpanEnd(span: Span, options: SpanEndOptions): SpanEnd {
  let ended = false;
  return (raw) => {
    if (ended) return undefined;
    ended = true;
    clearBodyPending(span);
    let outcome = settle(raw, options);
    try {
      const extra = options.attributes?.();
      if (extra !== undefined) span.setAttributes(extra);
      outcome = options.beforeEnd?.(outcome) ?? outcome;
      recordOutcome(span, outcome);
    } catch (error) {
      report('error', 'edgetrace: recording how a span ended failed; the span still ends', error);
    } finally {
      span.end(options.now());
    }
    return outcome;
  };
}
