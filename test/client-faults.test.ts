// Client and upstream faults around a streamed generation through the Hono middleware and
// instrumentInference (the proxy pattern, as Workers run it): clients that disconnect at random
// points over 300 trials, and an upstream that trickles a byte at a time. Every span ends exactly
// once with the right status, and no waitUntil is left hanging.
import { createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { tracing } from '@edgetrace/hono';
import { instrumentInference } from '@edgetrace/inference';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAI_CHAT_REQUEST, OPENAI_CHAT_STREAM } from '../packages/inference/src/test-support/fixtures.js';
import { startUpstream, type Upstream } from './support/upstream.js';

let upstream: Upstream;
const LONG = [
  ...OPENAI_CHAT_STREAM.slice(0, 2),
  ...Array<string>(40).fill(OPENAI_CHAT_STREAM[2] as string),
  ...OPENAI_CHAT_STREAM.slice(3),
];

beforeAll(async () => {
  upstream = await startUpstream(async (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const trickle = request.path === '/trickle';
    const bytes = Buffer.from(trickle ? OPENAI_CHAT_STREAM.join('') : LONG.join(''));
    const step = trickle ? 1 : 64;
    for (let at = 0; at < bytes.length && !response.destroyed; at += step) {
      response.write(bytes.subarray(at, at + step));
      await new Promise((resolve) => setTimeout(resolve, trickle ? 1 : 2));
    }
    response.end();
  });
});
afterAll(async () => {
  await upstream.close();
  trace.disable();
  context.disable();
  propagation.disable();
});

// One provider, registered, so the inference span finds the server span as the active one.
const exporter = createMemoryExporter();
const provider = createTracerProvider({ serviceName: 'edge', exporter });
provider.register();

function proxy() {
  exporter.reset();
  const app = new Hono();
  app.use(tracing({ provider, register: false }));
  const inference = instrumentInference(fetch);
  app.post('/v1/chat/completions', (c) =>
    inference(`${upstream.url}${c.req.query('path') ?? '/v1/chat/completions'}`, {
      method: 'POST',
      body: JSON.stringify(OPENAI_CHAT_REQUEST),
    }),
  );
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException() {}, props: {} };
  const send = (path?: string) =>
    app.request(
      `http://edge/v1/chat/completions${path === undefined ? '' : `?path=${path}`}`,
      { method: 'POST' },
      {},
      ctx as never,
    );
  return { exporter, send, pending };
}

const settledWithin = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not settled in ${ms} ms`)), ms)),
  ]);

describe('client and upstream faults', () => {
  it('ends every span exactly once when clients disconnect at random points (300 trials)', async () => {
    const { exporter, send, pending } = proxy();
    const trials = 300;
    const reads: number[] = [];
    await Promise.all(
      Array.from({ length: trials }, async (_, i) => {
        const response = await send();
        const reader = response.body?.getReader();
        const stopAfter = (i * 7919) % 60; // 0..59 chunks; past the end means the whole stream
        let read = 0;
        for (; read < stopAfter; read++) if ((await reader?.read())?.done) break;
        await reader?.cancel();
        reads.push(read);
      }),
    );
    await settledWithin(Promise.all(pending), 10_000);
    const spans = exporter.getFinishedSpans();
    const ids = spans.map((s) => s.spanContext().spanId);
    expect(new Set(ids).size).toBe(ids.length); // nothing exported twice
    const byTrace = new Map<string, SpanData[]>();
    for (const span of spans)
      byTrace.set(span.spanContext().traceId, [...(byTrace.get(span.spanContext().traceId) ?? []), span]);
    expect(byTrace.size).toBe(trials);
    for (const trace of byTrace.values()) {
      expect(trace.map((s) => s.kind).sort()).toEqual([SpanKind.SERVER, SpanKind.CLIENT].sort());
      for (const span of trace) expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    }
    const cancelled = spans.filter(
      (s) => s.kind === SpanKind.CLIENT && s.attributes['edgetrace.response.cancelled'] === true,
    );
    expect(cancelled.length).toBeGreaterThan(trials / 2);
  }, 60_000);

  it('passes a one-byte trickle through whole, and ends the span once it is done', async () => {
    const { exporter, send, pending } = proxy();
    const response = await send('/trickle');
    expect(await response.text()).toBe(OPENAI_CHAT_STREAM.join(''));
    await settledWithin(Promise.all(pending), 10_000);
    const generation = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT);
    expect(generation?.status.code).toBe(SpanStatusCode.UNSET);
    expect(generation?.attributes['gen_ai.usage.output_tokens']).toBe(4);
    expect(generation?.attributes['edgetrace.inference.chunks']).toBe(5);
  }, 30_000);
});
