import { createMemoryExporter, createSimpleProcessor, createTracerProvider } from '@edgetrace/core';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../../../test/support/upstream.js';
import { instrumentGlobalFetch } from './instrument-global-fetch.js';

const exporter = createMemoryExporter();
const provider = createTracerProvider({
  serviceName: 'global-fetch',
  processors: [createSimpleProcessor(exporter)],
});
const original = globalThis.fetch;
let upstream: Upstream;

beforeAll(async () => {
  provider.register();
  upstream = await startUpstream((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
afterAll(async () => {
  trace.disable();
  propagation.disable();
  context.disable();
  await upstream.close();
});
afterEach(() => {
  globalThis.fetch = original;
  exporter.reset();
  upstream.received.length = 0;
});

/** A library that knows only the global fetch. */
const library = async (url: string): Promise<unknown> => (await fetch(url)).json();

describe('instrumentGlobalFetch', () => {
  it('traces a library that calls the global fetch, with the allow-list of instrumentFetch', async () => {
    const restore = instrumentGlobalFetch();
    const parent = trace.getTracer('app').startSpan('handler');
    await provider.contextManager.with(trace.setSpan(context.active(), parent), () =>
      library(`${upstream.url}/v1/models`),
    );
    parent.end();
    const client = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT);
    expect(client?.name).toBe('GET');
    expect(client?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    // 127.0.0.1 is private, so the trace goes with the call.
    expect(upstream.received[0]?.headers.traceparent).toContain(client?.spanContext().spanId);
    restore();
    expect(globalThis.fetch).toBe(original);
  });

  it('patches once: a second call neither wraps again nor applies its options', async () => {
    const first = instrumentGlobalFetch();
    const patched = globalThis.fetch;
    const second = instrumentGlobalFetch({ propagateTo: () => false });
    expect(globalThis.fetch).toBe(patched);
    await library(`${upstream.url}/once`);
    expect(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT)).toHaveLength(1);
    expect(upstream.received[0]?.headers.traceparent).toMatch(/^00-/);
    second();
    expect(globalThis.fetch).toBe(original);
    first(); // restoring twice is harmless
    expect(globalThis.fetch).toBe(original);
  });

  it('leaves someone else’s later patch alone when restoring', () => {
    const restore = instrumentGlobalFetch();
    const theirs = (async () => new Response('theirs')) as typeof fetch;
    globalThis.fetch = theirs;
    restore();
    expect(globalThis.fetch).toBe(theirs);
  });
});
