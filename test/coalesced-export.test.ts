// Coalesced export in real workerd: a trace finished in one request leaves in the export of
// another request still waiting (one OTLP request carries both; twenty concurrent requests'
// traces leave in one or two, none lost); a trace that waited and was joined by none leaves by
// its own request's waitUntil after the bound; in a quiet isolate a trace leaves at once,
// without the wait; and a stream that outlives its handler by far is exported once it ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedSpans, receivedRequests, receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { useWorker } from './support/workerd.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => receiver?.close());

/** The OTLP requests the receiver got, each as the trace ids it carried. */
async function exports(): Promise<string[][]> {
  const received = await receivedRequests(receiver.url);
  return received.map((request) => [...new Set(exportedSpans([request]).map((s) => s.traceId))]);
}

const traceparent = (traceId: string): string => `00-${traceId}-b7ad6b7169203331-01`;
const A = '0af7651916cd43dd8448eb211c80319c';
const B = '4bf92f3577b34da6a3ce929d0e0e4736';
const C = '5c3e8a1f2b7d4e6a9f0b1c2d3e4f5a6b';
/** The fixture's bound (its coalesceMs, in fixtures/coalesce-worker.ts). */
const BOUND_MS = 300;
/** Lets the bound pass since the last flush, so the isolate is quiet again. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, BOUND_MS + 50));

describe('coalesced export in workerd', () => {
  const worker = useWorker(() => ({
    entry: new URL('./fixtures/coalesce-worker.ts', import.meta.url).pathname,
    compatibilityFlags: ['nodejs_compat'],
    bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
  }));
  /** One request to `/` in the trace given, read to its end. */
  const get = async (traceId: string) =>
    (await worker.fetch('/', { headers: { traceparent: traceparent(traceId) } })).text();

  it('sends a later request’s trace in the export of an earlier one still waiting', async () => {
    await quiet();
    await receiver.reset();
    // A, in a quiet isolate, leaves at once; B, flushed soon after, waits; C joins B's wait.
    await get(A);
    await get(B);
    await get(C);
    await expect.poll(exports, { timeout: 5_000 }).toEqual([[A], [B, C]]);
    // Nothing more follows: the third request found its trace taken along.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await exports()).toEqual([[A], [B, C]]);
  });

  it('waits while another request is in flight, though nothing was flushed before', async () => {
    await quiet();
    await receiver.reset();
    const streaming = await worker.fetch('/stream?ms=1000', { headers: { traceparent: traceparent(C) } });
    const body = streaming.text();
    await get(A);
    await get(B);
    await body;
    // A waited for the stream's request still in flight (nothing was flushed before it), and B
    // joined it; the stream's trace, finished in a quiet isolate, left alone.
    await expect.poll(exports, { timeout: 5_000 }).toEqual([[A, B], [C]]);
  });

  it('sends the traces of many concurrent requests, every one, in the export of the request that waits', async () => {
    await quiet();
    await receiver.reset();
    const ids = Array.from({ length: 20 }, (_, i) => `${String(i + 1).padStart(2, '0')}${A.slice(2)}`);
    await Promise.all(
      ids.map(async (id) => (await worker.fetch('/', { headers: { traceparent: traceparent(id) } })).text()),
    );
    await expect.poll(async () => (await exports()).flat().sort(), { timeout: 5_000 }).toEqual(ids);
    // However the runtime interleaves them: a first trace may leave alone, one wait took the rest.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const sent = await exports();
    expect(sent.flat().sort()).toEqual(ids);
    expect(sent.length).toBeLessThanOrEqual(2);
  });

  it('sends a trace that waited, joined by none, by its own request once the bound has passed', async () => {
    await quiet();
    await receiver.reset();
    await get(A);
    const sent = performance.now();
    await get(B);
    await expect.poll(exports, { timeout: 5_000 }).toEqual([[A], [B]]);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(BOUND_MS - 50);
  });

  it('sends a trace at once in a quiet isolate, without waiting the bound', async () => {
    await quiet();
    await receiver.reset();
    const sent = performance.now();
    await get(A);
    await expect.poll(exports, { timeout: 5_000, interval: 10 }).toEqual([[A]]);
    expect(performance.now() - sent).toBeLessThan(BOUND_MS - 50);
  });

  it('exports a stream’s trace once the stream ends, long after its handler returned', async () => {
    await quiet();
    await receiver.reset();
    const response = await worker.fetch('/stream?ms=2500', { headers: { traceparent: traceparent(B) } });
    const body = await response.text();
    expect(body.split('\n\n').filter((event) => event === 'data: tick').length).toBeGreaterThan(10);
    await expect.poll(exports, { timeout: 5_000 }).toEqual([[B]]);
    const [server] = await receivedSpans(receiver.url);
    const bytes = server?.attributes?.find((a) => a.key === 'http.response.body.size')?.value;
    expect(bytes).toEqual({ intValue: String(body.length) });
  }, 15_000);
});
