// The global `fetch` as it was before `instrumentGlobalFetch` (from @edgetrace/fetch) replaced it:
// an exporter must never trace its own exports. The traced replacement carries the original under
// a well-known symbol, so packages that do not import each other agree on it.
const ORIGINAL = Symbol.for('edgetrace.originalFetch');

type Tagged = typeof fetch & { [ORIGINAL]?: typeof fetch };

/** The global `fetch`, untraced: the original when `instrumentGlobalFetch` replaced it. */
export function untracedFetch(): typeof fetch {
  const current = globalThis.fetch as Tagged;
  return current[ORIGINAL] ?? current;
}

/** Marks `traced` as the replacement of `original`, so `untracedFetch` finds the original. */
export function tagTracedFetch(traced: typeof fetch, original: typeof fetch): void {
  Object.defineProperty(traced, ORIGINAL, { value: original });
}

/** Whether `candidate` is a replacement made by `instrumentGlobalFetch`. */
export function isTracedFetch(candidate: unknown): boolean {
  return typeof candidate === 'function' && (candidate as Tagged)[ORIGINAL] !== undefined;
}
