// Collector faults against the Hono middleware as Workers run it (each request's export in its
// own waitUntil): refused connections, 500s, 429 with Retry-After, a collector that hangs, a slow
// one, partial success. The client's answers never change; no rejection goes unhandled; what is
// dropped is counted; spans made after the collector returns are delivered. Latency figures are
// printed for docs/RELIABILITY.md, not asserted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTraceBufferProcessor, createTracerProvider, type TraceBufferProcessor } from '@edgetrace/core';
import { createClock } from '@edgetrace/core/internal';
import { tracing } from '@edgetrace/hono';
import { createOtlpExporter } from '@edgetrace/otlp';
import { context, diag, propagation, trace } from '@opentelemetry/api';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

type Mode = 'ok' | '500' | '429' | 'hang' | 'slow' | 'partial';

let mode: Mode = 'ok';
let spansReceived = 0;
const seen = new Set<string>();
let server: Server;
let collector: string;

beforeAll(async () => {
  diag.disable();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const count = (
        Buffer.concat(chunks)
          .toString()
          .match(/"spanId"/g) ?? []
      ).length;
      const ok = () => {
        spansReceived += count;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      };
      if (mode === 'ok') ok();
      else if (mode === '500') res.writeHead(500).end('collector broke');
      else if (mode === '429') {
        // Each body's first attempt is told to wait a second; its retry within the deadline succeeds.
        const body = Buffer.concat(chunks).toString();
        if (seen.has(body)) ok();
        else {
          seen.add(body);
          res.writeHead(429, { 'retry-after': '1' }).end();
        }
      } else if (mode === 'slow') setTimeout(ok, 300);
      else if (mode === 'partial') {
        spansReceived += count;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ partialSuccess: { rejectedSpans: 1, errorMessage: 'attribute too long' } }));
      }
      // 'hang': never answer.
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  collector = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  trace.disable();
  context.disable();
  propagation.disable();
});
afterEach(() => {
  mode = 'ok';
  spansReceived = 0;
  seen.clear();
});

function tracedApp(endpoint: string) {
  const exporter = createOtlpExporter({ endpoint, timeoutMs: 1500, maxAttempts: 3, initialBackoffMs: 10 });
  const buffer: TraceBufferProcessor = createTraceBufferProcessor({ exporter, now: createClock() });
  const provider = createTracerProvider({ serviceName: 'faults', processors: [buffer] });
  const app = new Hono();
  app.use(tracing({ provider, register: false }));
  app.get('/', (c) => c.text('ok'));
  return { app, buffer };
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

/** Sends `n` requests, 20 at a time; returns client latencies and waits for every waitUntil. */
async function load(app: Hono, n: number): Promise<{ latencies: number[]; statuses: Set<number> }> {
  const latencies: number[] = [];
  const statuses = new Set<number>();
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException() {}, props: {} };
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async () => {
        const t0 = performance.now();
        const response = await app.request('http://edge/', {}, {}, ctx as never);
        await response.text();
        latencies.push(performance.now() - t0);
        statuses.add(response.status);
      }),
    );
  }
  await Promise.all(pending);
  return { latencies, statuses };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const totalDropped = (buffer: TraceBufferProcessor): number =>
  Object.values(buffer.dropped).reduce((a, b) => a + b, 0);

describe('collector faults', () => {
  const figures: string[] = [];
  afterAll(() =>
    console.log(`\ncollector faults, client latency in ms (200 requests):\n${figures.join('\n')}`),
  );

  it.each([
    { fault: 'none', mode: 'ok', delivered: true },
    { fault: 'refused', mode: 'refused', delivered: false },
    { fault: '500', mode: '500', delivered: false },
    { fault: '429 + Retry-After', mode: '429', delivered: true },
    { fault: 'hangs', mode: 'hang', delivered: false },
    { fault: 'slow (300 ms)', mode: 'slow', delivered: true },
    { fault: 'partial success', mode: 'partial', delivered: true },
  ] as const)(
    '$fault: the client is answered alike, and spans are delivered or counted',
    async ({ fault, mode: m, delivered }) => {
      const { app, buffer } = tracedApp(m === 'refused' ? 'http://127.0.0.1:9/v1/traces' : collector);
      if (m !== 'refused') mode = m;
      const n = m === '429' ? 20 : 200;
      const { latencies, statuses } = await load(app, n);
      expect([...statuses]).toEqual([200]);
      expect(unhandled).toEqual([]);
      if (delivered) {
        expect(spansReceived).toBe(n);
        if (m === 'partial') expect(buffer.dropped).toEqual({});
      } else {
        expect(spansReceived).toBe(0);
        expect(totalDropped(buffer)).toBe(n);
      }
      figures.push(
        `| ${fault} | ${percentile(latencies, 50).toFixed(2)} | ${percentile(latencies, 99).toFixed(2)} |`,
      );
    },
    30_000,
  );

  it('delivers spans made after a hanging collector recovers', async () => {
    const { app, buffer } = tracedApp(collector);
    mode = 'hang';
    await load(app, 40);
    expect(totalDropped(buffer)).toBe(40);
    mode = 'ok';
    await load(app, 40);
    expect(spansReceived).toBe(40);
    expect(unhandled).toEqual([]);
  }, 30_000);

  it('stays bounded over 10,000 requests against a collector that hangs', async () => {
    const { app, buffer } = tracedApp(collector);
    mode = 'hang';
    const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
    collect();
    const before = process.memoryUsage().heapUsed;
    await load(app, 10_000);
    collect();
    const growth = process.memoryUsage().heapUsed - before;
    expect(buffer.openTraces).toBe(0);
    // Every span is either dropped at once (too many exports in flight) or after the deadline.
    expect(totalDropped(buffer)).toBe(10_000);
    expect(unhandled).toEqual([]);
    figures.push(
      `\nheap growth after 10,000 requests against a hanging collector: ${(growth / 1024 / 1024).toFixed(1)} MB`,
    );
  }, 60_000);
});
