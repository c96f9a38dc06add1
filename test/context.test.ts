// The active span across `await` in real workerd, with and without nodejs_compat, under 100
// concurrent requests in one isolate.
import { describe, expect, it } from 'vitest';
import { type RunningWorker, useWorker, WORKERD_RUNTIMES } from './support/workerd.js';

const entry = new URL('./fixtures/context-worker.ts', import.meta.url).pathname;

interface Report {
  warnings: string[];
  asyncContext: boolean;
  request: { traceId: string; spanId: string };
  activeBeforeAwait: { traceId: string; spanId: string } | null;
  activeAfterAwait: { traceId: string; spanId: string } | null;
  explicitChildTrace: string;
  implicitChildTrace: string;
  outgoingTraceparent: string;
}

function traceIdFor(i: number): string {
  return `${(i + 1).toString(16).padStart(8, '0')}${'a'.repeat(24)}`;
}

async function concurrentRequests(worker: RunningWorker, count: number): Promise<Report[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await worker.fetch(`/?delay=${(i * 7) % 13}`, {
        headers: { traceparent: `00-${traceIdFor(i)}-${'b'.repeat(16)}-01` },
      });
      return (await response.json()) as Report;
    }),
  );
}

describe.each(WORKERD_RUNTIMES)('workerd with $name', (runtime) => {
  const worker = useWorker(() => ({ entry, ...runtime }));

  it('continues each caller’s trace and never mixes 100 concurrent requests', async () => {
    const reports = await concurrentRequests(worker, 100);
    reports.forEach((report, i) => {
      expect(report.asyncContext).toBe(runtime.asyncContext);
      expect(report.request.traceId).toBe(traceIdFor(i));
      expect(report.activeBeforeAwait).toEqual(report.request);
      expect(report.explicitChildTrace).toBe(traceIdFor(i));
      expect(report.outgoingTraceparent).toMatch(new RegExp(`^00-${traceIdFor(i)}-[0-9a-f]{16}-01$`));
    });
  });

  it(
    runtime.asyncContext
      ? 'keeps the active span across await'
      : 'loses the implicit context after await, never to another request',
    async () => {
      const reports = await concurrentRequests(worker, 100);
      reports.forEach((report, i) => {
        if (runtime.asyncContext) {
          expect(report.activeAfterAwait).toEqual(report.request);
          expect(report.implicitChildTrace).toBe(traceIdFor(i));
        } else {
          expect(report.activeAfterAwait).toBeNull();
          expect(report.implicitChildTrace).not.toBe(traceIdFor(i));
          expect(reports.map((r) => r.request.traceId)).not.toContain(report.implicitChildTrace);
        }
      });
    },
  );

  it(
    runtime.asyncContext
      ? 'says nothing about context at startup'
      : 'says at startup, on the console, that context will not follow await, and how to fix it',
    async () => {
      const [report] = await concurrentRequests(worker, 1);
      const said = report?.warnings.filter((w) => w.includes('AsyncLocalStorage')) ?? [];
      if (runtime.asyncContext) expect(said).toEqual([]);
      else {
        expect(said).toHaveLength(1);
        expect(said[0]).toMatch(/spans started after the first await in a handler start new traces/);
        expect(said[0]).toMatch(/compatibility_flags = \["nodejs_compat"\]/);
      }
    },
  );
});
