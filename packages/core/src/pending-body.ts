// Spans that wait only for a body nobody has started to read: a fetched answer never read, or a
// fetched response a plain Worker returns as is (workerd sends a body with a length natively,
// unseen). The span-body code registers how to end such a span; the per-trace buffer ends it
// once the rest of its trace is done and a flush is waiting, or when the trace expires, so that
// neither the span nor the trace around it is lost. Weakly held: a span that is gone is forgotten.
const pending = new WeakMap<object, () => void>();

/** Registers `span` as waiting only for an unread body; `end` ends it without the body. */
export function markBodyPending(span: object, end: () => void): void {
  pending.set(span, end);
}

/** Forgets the span: someone reads the body now, and its end will end the span. */
export function clearBodyPending(span: object): void {
  pending.delete(span);
}

/** Whether `span` waits only for a body nobody reads. */
export function isBodyPending(span: object): boolean {
  return pending.has(span);
}

/** Ends `span` without its body if it is registered; returns whether it was. */
export function endPendingBody(span: object): boolean {
  const end = pending.get(span);
  if (end === undefined) return false;
  pending.delete(span);
  end();
  return true;
}
