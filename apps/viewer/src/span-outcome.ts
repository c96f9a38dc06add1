// How a span ended, in words a person reads: ok, error, cancelled, incomplete stream or unobserved
// body, with the reason. Read from the marks @edgetrace/core's span-end.ts and
// @edgetrace/inference's generation-span.ts write (status, error.type, exception events,
// edgetrace.response.cancelled, edgetrace.response.body_unobserved, edgetrace.inference.incomplete).
import type { ViewerSpan } from './decode.js';

export type OutcomeKind = 'ok' | 'error' | 'cancelled' | 'incomplete' | 'unobserved';

export interface SpanOutcomeView {
  kind: OutcomeKind;
  /** Why, in a sentence; empty for `ok`. */
  reason: string;
}

const STATUS_ERROR = 2;

/** The message of the span's last exception event, if it has one. */
function exceptionMessage(span: ViewerSpan): string | undefined {
  for (const event of [...span.events].reverse()) {
    if (event.name !== 'exception') continue;
    const message = event.attributes['exception.message'];
    const type = event.attributes['exception.type'];
    if (message !== undefined) return `${type === undefined ? '' : `${String(type)}: `}${String(message)}`;
  }
  return undefined;
}

/** The failure in one line: error.type, the status message, or the exception's message. */
function errorReason(span: ViewerSpan): string {
  const type = span.attributes['error.type'];
  const parts = [
    type === undefined ? undefined : `error.type ${String(type)}`,
    span.status.message ?? exceptionMessage(span),
  ].filter((part): part is string => part !== undefined && part !== '');
  return parts.length > 0 ? parts.join(' — ') : 'status ERROR, with no message';
}

/** How `span` ended, and why. */
export function outcomeOf(span: ViewerSpan): SpanOutcomeView {
  const a = span.attributes;
  if (a['edgetrace.inference.incomplete'] === true)
    return {
      kind: 'incomplete',
      reason: 'the stream ended without its end marker: the generation was cut short',
    };
  if (span.status.code === STATUS_ERROR) return { kind: 'error', reason: errorReason(span) };
  if (a['edgetrace.response.cancelled'] === true)
    return {
      kind: 'cancelled',
      reason: 'the consumer cancelled the body (a client disconnect), not an error',
    };
  if (a['edgetrace.response.body_unobserved'] === true)
    return {
      kind: 'unobserved',
      reason:
        'nobody read the body before the rest of the trace was done: the span ends then, not when the body did',
    };
  return { kind: 'ok', reason: '' };
}
