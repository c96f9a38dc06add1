// Retrying an export as the OTLP specification asks: 429, 502, 503 and 504 and network errors
// are retried with exponential backoff and jitter, a `Retry-After` (seconds or an HTTP date)
// replacing the backoff; every attempt and wait fits inside one deadline, so an export fits a
// Worker's `waitUntil`. https://opentelemetry.io/docs/specs/otlp/#otlphttp-throttling
import type { ExportResult } from '@edgetrace/core';

const RETRYABLE = new Set([429, 502, 503, 504]);

/** Whether an answer with this status is worth another attempt. */
export const isRetryable = (status: number): boolean => RETRYABLE.has(status);

/** Reads `Retry-After` as seconds or an HTTP date; `undefined` when absent or malformed. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** How attempts are spaced. */
export interface Backoff {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Jitter source in [0, 1). */
  readonly random: () => number;
}

/** One attempt given the milliseconds left: its result, and the server's `Retry-After` if any. */
export type Attempt = (remainingMs: number) => Promise<{ result: ExportResult; retryAfter?: number }>;

/** Attempts until success, a failure not worth retrying, the attempts run out, or the deadline. */
export async function retryWithin(
  deadline: number,
  timeoutMs: number,
  backoff: Backoff,
  attempt: Attempt,
): Promise<ExportResult> {
  const { maxAttempts, initialBackoffMs, maxBackoffMs, random } = backoff;
  let lastError = 'no attempt made';
  for (let n = 0; n < maxAttempts; n++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const { result, retryAfter } = await attempt(remaining);
    if (result.ok || result.retryable !== true) return result;
    lastError = result.error;
    const delay = retryAfter ?? Math.min(maxBackoffMs, initialBackoffMs * 2 ** n) * (0.5 + random() / 2);
    if (n + 1 >= maxAttempts || Date.now() + delay >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return { ok: false, error: `${lastError} (gave up within the ${timeoutMs} ms deadline)`, retryable: true };
}
