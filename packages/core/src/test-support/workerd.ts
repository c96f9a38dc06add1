// Making a Node test look like workerd, as `isWorkerd()` tells it, and counting what touches
// `process` there (made on its first use in workerd, at about 3 ms of CPU). Stubs are undone by
// the test's `vi.unstubAllGlobals()`.
import { vi } from 'vitest';

/** Makes `isWorkerd()` true for this test. */
export function inWorkerd(): void {
  vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
}

/** Replaces `process` with one whose `env` is `env` and counts its reads; returns the count. */
export function countingProcessEnv(env: Record<string, string>): () => number {
  let reads = 0;
  vi.stubGlobal('process', {
    get env(): Record<string, string> {
      reads++;
      return env;
    },
  });
  return () => reads;
}
