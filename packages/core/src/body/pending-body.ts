// Spans that wait only for a body nobody has started to read: a fetched answer never read, or a
// fetched response a plain Worker returns as is (workerd sends a body with a length natively,
// unseen). The span-body code registers how to end such a span; the per-trace buffer ends it
// once the rest of its trace is done and a flush is waiting, or when the trace expires, so that
// neither the span nor the trace around it is lost.
//
// The registry belongs to the provider: it makes one and hands it to its tracers, whose spans
// carry it (`pendingBodies`), so the code that registers a span and the buffer that ends it both
// find it through the span. A span of another SDK has none, and is left alone. Weakly held: a
// span that is gone is forgotten.

/** One provider's spans that wait only for an unread body, and how to end each. */
export class PendingBodies {
  readonly #pending = new WeakMap<object, () => void>();

  mark(span: object, end: () => void): void {
    this.#pending.set(span, end);
  }

  clear(span: object): void {
    this.#pending.delete(span);
  }

  has(span: object): boolean {
    return this.#pending.has(span);
  }

  /** Ends `span` without its body if it is registered; returns whether it was. */
  end(span: object): boolean {
    const end = this.#pending.get(span);
    if (end === undefined) return false;
    this.#pending.delete(span);
    end();
    return true;
  }
}

/**
 * The span's registry, by shape rather than `instanceof`: with two copies of core installed side
 * by side, a span of one still carries a registry the other can use.
 */
function registryOf(span: object): PendingBodies | undefined {
  const registry = (span as { pendingBodies?: Partial<PendingBodies> }).pendingBodies;
  return typeof registry?.mark === 'function' && typeof registry.end === 'function'
    ? (registry as PendingBodies)
    : undefined;
}

/** Registers `span` as waiting only for an unread body; `end` ends it without the body. */
export function markBodyPending(span: object, end: () => void): void {
  registryOf(span)?.mark(span, end);
}

/** Forgets the span: someone reads the body now, and its end will end the span. */
export function clearBodyPending(span: object): void {
  registryOf(span)?.clear(span);
}

/** Whether `span` waits only for a body nobody reads. */
export function isBodyPending(span: object): boolean {
  return registryOf(span)?.has(span) === true;
}

/** Ends `span` without its body if it is registered; returns whether it was. */
export function endPendingBody(span: object): boolean {
  return registryOf(span)?.end(span) === true;
}
