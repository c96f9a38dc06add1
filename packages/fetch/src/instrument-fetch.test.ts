import {
  ConfigError,
  createMemoryExporter,
  createSimpleProcessor,
  createTracerProvider,
  type SpanData,
} from '@edgetrace/core';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream, writeSlowly } from '../../../test/support/upstream.js';
import { instrumentFetch } from './instrument-fetch.js';

const exporter = createMemoryExporter();
const provider = createTracerProvider({
  serviceName: 'fetch-test',
  processors: [createSimpleProcessor(exporter)],
});
const tracer = provider.getTracer('test');
let upstream: Upstream;

beforeAll(async () => {
  provider.register();
  upstream = await startUpstream(async (request, response) => {
    if (request.path.startsWith('/stream')) {
      await writeSlowly(response, ['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n'], 20);
    } else if (request.path.startsWith('/fail')) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
    } else if (request.path.startsWith('/slow')) {
      setTimeout(() => response.writeHead(200).end('late'), 200);
    } else if (request.path.startsWith('/endless')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => response.write('data: tick\n\n'), 10);
      response.on('close', () => clearInterval(timer));
    } else {
      response
        .writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r-1' })
        .end('{"ok":true}');
    }
  });
});
afterAll(async () => {
  trace.disable();
  propagation.disable();
  context.disable();
  await upstream.close();
});
afterEach(() => {
  exporter.reset();
  upstream.received.length = 0;
});

const finished = (): SpanData[] => exporter.getFinishedSpans();
const traced = instrumentFetch(fetch, { tracerProvider: provider });

/** Runs `fn` inside an active parent span and returns that parent's context. */
async function underParent<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; parentSpanId: string; traceId: string }> {
  const parent = tracer.startSpan('parent');
  const result = await provider.contextManager.with(trace.setSpan(context.active(), parent), fn);
  parent.end();
  const { spanId, traceId } = parent.spanContext();
  return { result, parentSpanId: spanId, traceId };
}

describe('instrumentFetch', () => {
  it('makes a CLIENT span under the active span and sends its context to the server', async () => {
    const { result, parentSpanId, traceId } = await underParent(async () => {
      const response = await traced(`${upstream.url}/v1/models?api_key=sk-secret&limit=2`);
      return response.json();
    });
    expect(result).toEqual({ ok: true });
    const span = finished().find((s) => s.kind === SpanKind.CLIENT);
    expect(span).toBeDefined();
    if (span === undefined) return;
    expect(span.name).toBe('GET');
    expect(span.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span.spanContext().traceId).toBe(traceId);
    const port = Number(new URL(upstream.url).port);
    expect(span.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': `${upstream.url}/v1/models?api_key=REDACTED&limit=2`,
      'server.address': '127.0.0.1',
      'server.port': port,
      'http.response.status_code': 200,
      'http.response.body.size': 11,
    });
    expect(span.attributes['edgetrace.response.time_to_first_byte']).toBeTypeOf('number');
    const sent = upstream.received[0]?.headers.traceparent;
    expect(sent).toBe(`00-${traceId}-${span.spanContext().spanId}-03`);
  });

  it('ends the span when the body is consumed, not when the headers arrive', async () => {
    const response = await traced(`${upstream.url}/stream`);
    expect(finished()).toHaveLength(0);
    const reader = response.body?.getReader();
    await reader?.read();
    expect(finished()).toHaveLength(0);
    const text = await new Response(
      new ReadableStream({
        async pull(controller) {
          const next = await reader?.read();
          if (next === undefined || next.done) controller.close();
          else controller.enqueue(next.value);
        },
      }),
    ).text();
    expect(text).toContain('data: 3');
    expect(finished()).toHaveLength(1);
    const span = finished()[0];
    const ttfb = Number(span?.attributes['edgetrace.response.time_to_first_byte']);
    expect(ttfb * 1000).toBeLessThanOrEqual(Number(span?.endTime) - Number(span?.startTime));
    // Three chunks 20 ms apart: the span covers the stream, not just the headers.
    expect(Number(span?.endTime) - Number(span?.startTime)).toBeGreaterThanOrEqual(35);
  });

  it('marks a cancelled body as cancelled, not as an error, and stops the upstream', async () => {
    const response = await traced(`${upstream.url}/endless`);
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.cancel('not needed');
    await upstream.closedEarly();
    const [span] = finished();
    expect(span?.attributes['edgetrace.response.cancelled']).toBe(true);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a caller’s abort mid-body as a cancellation, not an error', async () => {
    const controller = new AbortController();
    const response = await traced(`${upstream.url}/endless`, { signal: controller.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await expect(
      (async () => {
        for (;;) if ((await reader?.read())?.done) return;
      })(),
    ).rejects.toThrow();
    const [span] = finished();
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes['edgetrace.response.cancelled']).toBe(true);
    expect(span?.attributes['error.type']).toBeUndefined();
    expect(span?.events).toEqual([]);
  });

  it('records an abort before the answer as a cancellation, and a timeout as an error', async () => {
    const controller = new AbortController();
    const call = traced(`${upstream.url}/slow`, { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toThrow();
    await expect(traced(`${upstream.url}/slow`, { signal: AbortSignal.timeout(5) })).rejects.toThrow();
    const [aborted, timedOut] = finished();
    expect(aborted?.status.code).toBe(SpanStatusCode.UNSET);
    expect(aborted?.attributes['edgetrace.response.cancelled']).toBe(true);
    expect(timedOut?.status.code).toBe(SpanStatusCode.ERROR);
    expect(timedOut?.attributes['error.type']).toBe('TimeoutError');
    expect(timedOut?.attributes['edgetrace.response.cancelled']).toBeUndefined();
  });

  it('sets ERROR and error.type for 4xx/5xx answers', async () => {
    const response = await traced(`${upstream.url}/fail`, { method: 'post', body: 'x' });
    expect(await response.text()).toBe('busy');
    const [span] = finished();
    expect(span?.name).toBe('POST');
    expect(span?.attributes['http.response.status_code']).toBe(503);
    expect(span?.attributes['error.type']).toBe('503');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('removes trace headers the caller set on calls the allow-list refuses, unless told to keep them', async () => {
    const callerHeaders = {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'sdk=1',
      baggage: 'user=alice',
      authorization: 'Bearer x',
    };
    const refusing = instrumentFetch(fetch, { tracerProvider: provider, propagateTo: () => false });
    await (await refusing(`${upstream.url}/refused`, { headers: callerHeaders })).text();
    // A Request carrying them, with no init: the same.
    await (await refusing(new Request(`${upstream.url}/refused`, { headers: callerHeaders }))).text();
    const keeping = instrumentFetch(fetch, {
      tracerProvider: provider,
      propagateTo: () => false,
      keepCallerTraceHeaders: true,
    });
    await (await keeping(`${upstream.url}/kept`, { headers: callerHeaders })).text();
    const [first, second, kept] = upstream.received;
    for (const refused of [first, second]) {
      expect(refused?.headers.traceparent).toBeUndefined();
      expect(refused?.headers.tracestate).toBeUndefined();
      expect(refused?.headers.baggage).toBeUndefined();
      expect(refused?.headers.authorization).toBe('Bearer x');
    }
    expect(kept?.headers.traceparent).toBe(callerHeaders.traceparent);
    expect(kept?.headers.baggage).toBe('user=alice');
  });

  it('records a network failure and rethrows it', async () => {
    const dead = 'http://127.0.0.1:9/nothing-listens-here';
    await expect(traced(dead)).rejects.toThrow(TypeError);
    const [span] = finished();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(span?.events[0]?.name).toBe('exception');
  });

  it('accepts a Request with a body and init headers, without touching the caller’s objects', async () => {
    const callerHeaders = new Headers({ 'x-caller': 'yes' });
    const request = new Request(`${upstream.url}/echo`, {
      method: 'PUT',
      headers: { 'x-original': '1' },
      body: new Blob(['hello body']).stream(),
      duplex: 'half',
    } as RequestInit);
    const response = await traced(request, { headers: callerHeaders });
    await response.text();
    expect(callerHeaders.has('traceparent')).toBe(false);
    expect([...callerHeaders.keys()]).toEqual(['x-caller']);
    expect(request.headers.has('traceparent')).toBe(false);
    const received = upstream.received[0];
    expect(received?.method).toBe('PUT');
    expect(received?.body).toBe('hello body');
    // init.headers replaces the request's, as in fetch itself.
    expect(received?.headers['x-caller']).toBe('yes');
    expect(received?.headers['x-original']).toBeUndefined();
    expect(received?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]$/);
  });

  it('keeps a Request’s own headers and method when no init is given, for URL inputs too', async () => {
    await (await traced(new Request(`${upstream.url}/a`, { headers: { 'x-original': '1' } }))).text();
    await (await traced(new URL(`${upstream.url}/b`), { headers: [['x-pair', '2']] })).text();
    expect(upstream.received[0]?.headers['x-original']).toBe('1');
    expect(upstream.received[0]?.headers.traceparent).toBeDefined();
    expect(upstream.received[1]?.headers['x-pair']).toBe('2');
    expect(upstream.received[1]?.headers.traceparent).toBeDefined();
  });

  it('forwards tracestate and baggage to admitted origins only', async () => {
    const sent: Headers[] = [];
    const fake: typeof fetch = async (input, init) => {
      sent.push(new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)));
      return new Response('ok');
    };
    const extracted = provider.propagator.extract(
      context.active(),
      {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        tracestate: 'vendor=abc',
        baggage: 'tenant=acme',
      },
      { get: (c, k) => c[k as keyof typeof c], keys: (c) => Object.keys(c) },
    );
    const guarded = instrumentFetch(fake, { tracerProvider: provider, propagator: provider.propagator });
    await provider.contextManager.with(extracted, async () => {
      await (await guarded('http://vllm.internal:8000/v1/chat/completions')).text();
      await (await guarded('https://api.openai.com/v1/chat/completions')).text();
    });
    expect(sent[0]?.get('traceparent')).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    expect(sent[0]?.get('tracestate')).toBe('vendor=abc');
    expect(sent[0]?.get('baggage')).toBe('tenant=acme');
    for (const name of ['traceparent', 'tracestate', 'baggage']) expect(sent[1]?.has(name)).toBe(false);
    // The un-admitted call is still traced.
    expect(finished().map((s) => s.attributes['server.address'])).toEqual([
      'vllm.internal',
      'api.openai.com',
    ]);
  });

  it('calls a Fetcher (a service binding) as a method and propagates to it by default', async () => {
    const binding = {
      seen: [] as string[],
      async fetch(
        this: { seen: string[] },
        _input: RequestInfo | URL,
        init?: RequestInit,
      ): Promise<Response> {
        this.seen.push(new Headers(init?.headers).get('traceparent') ?? 'none');
        return new Response(null, { status: 204 });
      },
    };
    const viaBinding = instrumentFetch(binding, {
      tracerProvider: provider,
      propagator: provider.propagator,
    });
    const response = await viaBinding('https://auth-worker.example.com/check');
    expect(response.status).toBe(204);
    expect(binding.seen[0]).toMatch(/^00-/);
    expect(finished()[0]?.attributes['http.response.status_code']).toBe(204);
  });

  it('takes an explicit parent context where context does not follow await', async () => {
    const parent = tracer.startSpan('explicit-parent');
    const explicit = instrumentFetch(fetch, {
      tracerProvider: provider,
      context: () => trace.setSpan(context.active(), parent),
    });
    await (await explicit(`${upstream.url}/x`)).text();
    parent.end();
    const client = finished().find((s) => s.kind === SpanKind.CLIENT);
    expect(client?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });

  it('records allow-listed headers only, and keeps the response’s url', async () => {
    const withHeaders = instrumentFetch(fetch, {
      tracerProvider: provider,
      requestHeaders: ['X-Model'],
      responseHeaders: ['x-request-id'],
    });
    const response = await withHeaders(`${upstream.url}/h`, {
      headers: { 'x-model': 'llama', authorization: 'Bearer sk-live-secret' },
    });
    expect(response.url).toBe(`${upstream.url}/h`);
    await response.text();
    const [span] = finished();
    expect(span?.attributes['http.request.header.x-model']).toEqual(['llama']);
    expect(span?.attributes['http.response.header.x-request-id']).toEqual(['r-1']);
    expect(JSON.stringify(span?.attributes)).not.toContain('sk-live-secret');
  });

  it('reports _OTHER for unknown methods, keeping the original', async () => {
    await (await traced(`${upstream.url}/m`, { method: 'PURGE' })).text();
    expect(upstream.received[0]?.method).toBe('PURGE');
    expect(finished()[0]?.attributes).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'PURGE',
    });
    expect(finished()[0]?.name).toBe('HTTP');
  });

  it('falls back to the W3C propagator when none is registered globally', async () => {
    propagation.disable();
    const sent: (string | null)[] = [];
    const fallback = instrumentFetch(
      async (_input, init) => {
        sent.push(new Headers(init?.headers).get('traceparent'));
        return new Response('');
      },
      { tracerProvider: provider },
    );
    await (await fallback('http://127.0.0.1/x')).text();
    propagation.setGlobalPropagator(provider.propagator);
    expect(sent[0]).toMatch(/^00-/);
  });

  it('passes a URL fetch cannot parse straight to fetch, for its own error', async () => {
    await expect(traced('not a url')).rejects.toThrow(TypeError);
    expect(finished()).toHaveLength(0);
  });

  it('rejects invalid setup with a ConfigError', () => {
    expect(() => instrumentFetch(42 as unknown as typeof fetch)).toThrow(ConfigError);
    expect(() => instrumentFetch(fetch, { propagate: true } as never)).toThrow(/unknown option "propagate"/);
    expect(() => instrumentFetch(fetch, { requestHeaders: ['bad header'] })).toThrow(/header names/);
    expect(() => instrumentFetch(fetch, { propagateTo: ['https://'] })).toThrow(/valid origin/);
  });
});
