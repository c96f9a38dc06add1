// instrumentGlobalFetch: the one function of ours that patches a global, and its name says so.
// For libraries that call the global `fetch` and take no `fetch` option. It replaces
// `globalThis.fetch` with `instrumentFetch`'s traced fetch (same spans, same allow-list), once:
// a second call changes nothing. It returns the function that puts the original back. Exporters
// keep using the original (`untracedFetch` in core), so they never trace their own exports.
import { isTracedFetch, report, tagTracedFetch, untracedFetch } from '@edgetrace/core/internal';
import { type InstrumentFetchOptions, instrumentFetch } from './instrument-fetch.js';

/**
 * Replaces `globalThis.fetch` with a traced one; returns a function that restores the original.
 * Idempotent: while the global is ours, later calls keep it (and their options are not applied).
 */
export function instrumentGlobalFetch(options: InstrumentFetchOptions = {}): () => void {
  const original = untracedFetch();
  if (isTracedFetch(globalThis.fetch)) {
    report('info', 'instrumentGlobalFetch: the global fetch is traced already; this call changes nothing');
    return restoreTo(original);
  }
  const traced = instrumentFetch(original, options);
  tagTracedFetch(traced, original);
  globalThis.fetch = traced;
  return restoreTo(original);
}

/** Puts `original` back, if the global is still a traced fetch (someone else's patch is left alone). */
function restoreTo(original: typeof fetch): () => void {
  return function restoreGlobalFetch(): void {
    if (isTracedFetch(globalThis.fetch)) globalThis.fetch = original;
  };
}
