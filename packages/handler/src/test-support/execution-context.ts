// A Workers-like execution context for tests: it keeps what `waitUntil` was given, so a test can
// count the hand-overs and await them.

export interface TestExecutionContext {
  /** The promises handed to `waitUntil`, in order. */
  readonly pending: Promise<unknown>[];
  /** What the handler gets as its `ctx`. */
  readonly ctx: { waitUntil(promise: Promise<unknown>): void; passThroughOnException(): void };
  /** Waits for every promise handed over so far. */
  settled(): Promise<unknown[]>;
}

export function executionContext(): TestExecutionContext {
  const pending: Promise<unknown>[] = [];
  return {
    pending,
    ctx: { waitUntil: (promise) => void pending.push(promise), passThroughOnException: () => {} },
    settled: () => Promise.all(pending),
  };
}
