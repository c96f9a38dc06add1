// Spans that wait only for a body nobody has started to read: a fetched response returned as is
// from a plain Worker (the runtime streams it natively, unseen) or a body never read at all. The
// span-body code marks such a span with how to end it; the per-trace buffer ends it once the rest
// of its trace is done and a flush is waiting, or when the trace expires, so that neither the
// span nor the trace around it is lost.
const PENDING = Symbol.for('edgetrace.pendingBody');

type Marked = { [PENDING]?: (() => void) | undefined };

/** Marks `span` as waiting only for an unread body; `end` ends it without the body. */
export function markBodyPending(span: object, end: () => void): void {
  try {
    (span as Marked)[PENDING] = end;
  } catch {
    // A frozen span object: it simply waits for its body, as before.
  }
}

/** Clears the mark: someone reads the body now, and its end will end the span. */
export function clearBodyPending(span: object): void {
  if ((span as Marked)[PENDING] !== undefined) (span as Marked)[PENDING] = undefined;
}

/** Whether `span` waits only for a body nobody reads. */
export function isBodyPending(span: object): boolean {
  return (span as Marked)[PENDING] !== undefined;
}

/** Ends `span` without its body if it is marked; returns whether it was. */
export function endPendingBody(span: object): boolean {
  const end = (span as Marked)[PENDING];
  if (end === undefined) return false;
  (span as Marked)[PENDING] = undefined;
  end();
  return true;
}
