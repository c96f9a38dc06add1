// instrumentHandler around plain fetch handlers, called as Workers, Vercel Edge and servers call
// them: the SERVER span, its context inside the handler, streams, errors, skip and route, and
// export in waitUntil (or by batch where there is none).
import { ConfigError, createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { instrumentFetch } from '@edgetrace/fetch';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startUpstream, type Upstream } from '../../../test/support/upstream.js';
import { type InstrumentHandlerOptions, instrumentHandler } from './instrument-handler.js';
import { executionContext } from './test-support/execution-context.js';
import { resetGlobals } from './test-support/reset-globals.js';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

type Handler = (request: Request, env: Record<string, unknown>, ctx: unknown) => Response | Promise<Response>;

function traced(handler: Handler, options: InstrumentHandlerOptions = {}) {
  const exporter = createMemoryExporter();
  const fetchHandler = instrumentHandler(handler, { exporter, ...options });
  /** Calls the handler as a Worker would, reads the body, waits for waitUntil, returns the spans exported. */
  const run = async (url: string, init?: RequestInit, env: Record<string, unknown> = {}) => {
    const execution = executionContext();
    const response = await fetchHandler(new Request(url, init), env, execution.ctx);
    const body = await response.text();
    await execution.settled();
    const spans = exporter.getFinishedSpans();
    exporter.reset();
    return { response, body, spans, server: spans.find((s) => s.kind === SpanKind.SERVER), execution };
  };
  return { fetchHandler, exporter, run };
}

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ traceparent: request.headers.traceparent ?? null }));
  });
});
afterAll(async () => upstream.close());

afterEach(resetGlobals);

describe('instrumentHandler(): the server span', () => {
  it('continues the caller’s trace, records the request and answer, and exports in waitUntil', async () => {
    const { run } = traced(() => Response.json({ ok: true }, { status: 201 }));
    const { server, body, spans, execution } = await run('https://api.example.com/jobs?token=abc&page=1', {
      method: 'POST',
      headers: { traceparent: PARENT, 'user-agent': 'curl/8' },
    });
    expect(body).toBe('{"ok":true}');
    expect(spans).toHaveLength(1);
    expect(execution.pending).toHaveLength(1);
    expect(server?.name).toBe('POST');
    expect(server?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(server?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(server?.parentSpanContext?.isRemote).toBe(true);
    expect(server?.scope.name).toBe('@edgetrace/handler');
    expect(server?.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/jobs',
      'url.scheme': 'https',
      'url.query': 'token=REDACTED&page=1',
      'server.address': 'api.example.com',
      'server.port': 443,
      'user_agent.original': 'curl/8',
      'faas.coldstart': true,
      'http.response.status_code': 201,
      'edgetrace.response.time_to_first_byte': expect.any(Number),
    });
    expect(server?.status.code).toBe(SpanStatusCode.UNSET);
    expect(server?.attributes['http.route']).toBeUndefined();
  });

  it('names the span by the route function and records http.route; only the first call is a cold start', async () => {
    const { run } = traced(() => new Response('ok'), {
      route: (request) => (new URL(request.url).pathname.startsWith('/users/') ? '/users/:id' : undefined),
    });
    const first = await run('http://localhost:8787/users/42');
    expect(first.server?.name).toBe('GET /users/:id');
    expect(first.server?.attributes['http.route']).toBe('/users/:id');
    expect(first.server?.attributes['server.port']).toBe(8787);
    const second = await run('http://localhost:8787/other');
    expect(second.server?.name).toBe('GET');
    expect(second.server?.attributes['http.route']).toBeUndefined();
    expect(second.server?.attributes['faas.coldstart']).toBe(false);
  });

  it('makes its span the active one inside the handler, so a traced fetch there is its child', async () => {
    const tracedFetch = instrumentFetch(fetch);
    let active: string | undefined;
    const { run } = traced(async () => {
      active = trace.getActiveSpan()?.spanContext().spanId;
      await new Promise((resolve) => setTimeout(resolve, 1));
      return tracedFetch(`${upstream.url}/check`);
    });
    const { server, spans, body } = await run('https://api.example.com/', {
      headers: { traceparent: PARENT },
    });
    const client = spans.find((s) => s.kind === SpanKind.CLIENT);
    expect(active).toBe(server?.spanContext().spanId);
    expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(client?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    // The upstream got the client span's context.
    expect(JSON.parse(body)).toEqual({
      traceparent: `00-0af7651916cd43dd8448eb211c80319c-${client?.spanContext().spanId}-01`,
    });
  });

  it('passes env and ctx through, and keeps the handler’s `this`', async () => {
    const worker = {
      greeting: 'hello',
      fetch(
        this: { greeting: string },
        _request: Request,
        env: Record<string, unknown>,
        _ctx: unknown,
      ): Response {
        return new Response(`${this.greeting} ${String(env.NAME)}`);
      },
    };
    const exporter = createMemoryExporter();
    const execution = executionContext();
    const tracedWorker = { ...worker, fetch: instrumentHandler(worker.fetch, { exporter }) };
    const response = await tracedWorker.fetch(
      new Request('https://a.example/'),
      { NAME: 'env' },
      execution.ctx,
    );
    expect(await response.text()).toBe('hello env');
  });

  it('reads OTEL_* from the env argument', async () => {
    const { run } = traced(() => new Response('ok'));
    const { server } = await run('https://a.example/', undefined, { OTEL_SERVICE_NAME: 'from-env' });
    expect(server?.resource.attributes['service.name']).toBe('from-env');
  });

  it('reads OTEL_* and gives the exporter function the env option in place of the env argument', async () => {
    const exporter = createMemoryExporter();
    const seen: unknown[] = [];
    const env = { OTEL_SERVICE_NAME: 'from-option' };
    const { run } = traced(() => new Response('ok'), {
      env,
      exporter: (given) => {
        seen.push(given);
        return exporter;
      },
    });
    await run('https://a.example/', undefined, { OTEL_SERVICE_NAME: 'from-request' });
    const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.resource.attributes['service.name']).toBe('from-option');
    expect(seen).toEqual([env]);
  });

  it('heeds OTEL_LOG_LEVEL from env in what making the exporter reports', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const handler = instrumentHandler(
      (_request: Request, _env: unknown, _ctx: unknown) => new Response('ok'),
    );
    const execution = executionContext();
    // No endpoint: the exporter made from env would warn, but the Worker's level says errors only.
    await handler(new Request('https://a.example/'), { OTEL_LOG_LEVEL: 'error' }, execution.ctx);
    await execution.settled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('adds the W3C Server-Timing metric when traceResponse is on', async () => {
    const { run } = traced(() => new Response('ok', { headers: { 'server-timing': 'db;dur=5' } }), {
      traceResponse: true,
    });
    const { response, server } = await run('https://a.example/');
    const id = server?.spanContext();
    // Sampled, and random: edgetrace's trace ids are random (W3C level 2).
    expect(response.headers.get('server-timing')).toBe(
      `db;dur=5, trace;desc=00-${id?.traceId}-${id?.spanId}-03`,
    );
  });
});

describe('instrumentHandler(): options passed through to the span', () => {
  it('records allow-listed request and response headers as arrays, whatever the case they were named in', async () => {
    const { run } = traced(
      () => {
        const headers = new Headers({ 'cache-control': 'no-store', 'x-secret': 's' });
        headers.append('set-cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        return new Response('ok', { headers });
      },
      { requestHeaders: ['X-Request-Id', 'Accept'], responseHeaders: ['Cache-Control', 'Set-Cookie'] },
    );
    const { server } = await run('https://a.example/', {
      headers: { 'x-request-id': 'r-1', authorization: 'Bearer s' },
    });
    const headers = Object.entries(server?.attributes ?? {}).filter(([key]) => key.includes('.header.'));
    expect(Object.fromEntries(headers)).toEqual({
      'http.request.header.x-request-id': ['r-1'],
      'http.response.header.cache-control': ['no-store'],
      'http.response.header.set-cookie': ['a=1', 'b=2'],
    });
  });

  it('records client.address only with clientAddress on', async () => {
    const init = { headers: { 'cf-connecting-ip': '203.0.113.9', 'x-forwarded-for': '10.0.0.1' } };
    const on = traced(() => new Response('ok'), { clientAddress: true });
    expect((await on.run('https://a.example/', init)).server?.attributes['client.address']).toBe(
      '203.0.113.9',
    );
    const off = traced(() => new Response('ok'));
    expect((await off.run('https://a.example/', init)).server?.attributes).not.toHaveProperty(
      'client.address',
    );
  });

  it('asks a custom isStreaming whether the span ends with the body or at once', async () => {
    const exporter = createMemoryExporter();
    const answer: Handler = (request) =>
      new URL(request.url).pathname === '/sse'
        ? new Response('data: 1\n\n', { headers: { 'content-type': 'text/event-stream' } })
        : new Response('chunk', { headers: { 'x-stream': '1' } });
    const handler = instrumentHandler(answer, {
      exporter,
      isStreaming: (response) => response.headers.get('x-stream') === '1',
    });
    const sse = executionContext();
    // Server-sent events, but not a stream by this test: ended before its body is read.
    await handler(new Request('https://a.example/sse'), {}, sse.ctx);
    expect(sse.pending).toHaveLength(1);
    await sse.settled();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    exporter.reset();
    const custom = executionContext();
    const response = await handler(new Request('https://a.example/custom'), {}, custom.ctx);
    expect(custom.pending).toHaveLength(0);
    expect(await response.text()).toBe('chunk');
    await custom.settled();
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes['http.response.body.size']).toBe(5);
  });

  it('passes tail sampling, the sampler and the clock on: a sampled-out trace is kept when slow or failed', async () => {
    let clock = 1_000_000;
    const delays: Record<string, number> = { '/slow': 150, '/fast': 50, '/fail': 10 };
    const { run } = traced(
      (request) => {
        const path = new URL(request.url).pathname;
        clock += delays[path] ?? 0;
        return new Response('x', { status: path === '/fail' ? 500 : 200 });
      },
      { sampler: 'always_off', tail: { slowerThanMs: 100 }, now: () => clock },
    );
    const slow = await run('https://a.example/slow');
    expect(slow.spans).toHaveLength(1);
    expect((slow.server?.endTime ?? 0) - (slow.server?.startTime ?? 0)).toBe(150);
    expect((await run('https://a.example/fast')).spans).toEqual([]);
    expect((await run('https://a.example/fail')).server?.attributes['http.response.status_code']).toBe(500);
  });

  it('hands back what a handler returned that is not a Response, and its span says so as an error', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const exporter = createMemoryExporter();
    const notResponse = { body: 'ok' } as unknown as Response;
    const handler = instrumentHandler((_request: Request, _env: unknown, _ctx: unknown) => notResponse, {
      exporter,
    });
    const execution = executionContext();
    expect(await handler(new Request('https://a.example/'), {}, execution.ctx)).toBe(notResponse);
    await execution.settled();
    const [server] = exporter.getFinishedSpans();
    expect(server?.ended).toBe(true);
    expect(server?.attributes['http.response.status_code']).toBe(500);
    expect(server?.attributes['error.type']).toBe('TypeError');
    expect(server?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'the handler returned object, not a Response',
    });
    // The handler's mistake, not edgetrace's: nothing is reported as a failure of tracing.
    expect(error).not.toHaveBeenCalled();
  });
});

describe('instrumentHandler(): how the span ends', () => {
  it('ends a streamed response’s span when the stream ends, and hands its trace to waitUntil only then', async () => {
    const encoder = new TextEncoder();
    let push: ((text: string | null) => void) | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => (text === null ? controller.close() : controller.enqueue(encoder.encode(text)));
      },
    });
    const exporter = createMemoryExporter();
    const streamed: Handler = () =>
      new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    const handler = instrumentHandler(streamed, { exporter });
    const execution = executionContext();
    const response = await handler(new Request('https://a.example/stream'), {}, execution.ctx);
    expect(execution.pending).toHaveLength(0);
    const reader = response.body?.getReader();
    push?.('data: 1\n\n');
    expect(new TextDecoder().decode((await reader?.read())?.value)).toBe('data: 1\n\n');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    push?.(null);
    expect((await reader?.read())?.done).toBe(true);
    await execution.settled();
    expect(execution.pending).toHaveLength(1);
    const [server] = exporter.getFinishedSpans();
    expect(server?.ended).toBe(true);
    expect(server?.attributes['edgetrace.response.cancelled']).toBeUndefined();
    expect(server?.attributes['http.response.body.size']).toBe(9);
    expect(server?.attributes['edgetrace.response.time_to_first_chunk']).toEqual(expect.any(Number));
  });

  it('records a client that cancels a stream as a cancellation, not an error', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new TextEncoder().encode('data: x\n\n')),
    });
    const exporter = createMemoryExporter();
    const streamed: Handler = () =>
      new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    const handler = instrumentHandler(streamed, { exporter });
    const execution = executionContext();
    const response = await handler(new Request('https://a.example/stream'), {}, execution.ctx);
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.cancel('client went away');
    await execution.settled();
    const [server] = exporter.getFinishedSpans();
    expect(server?.attributes['edgetrace.response.cancelled']).toBe(true);
    expect(server?.status.code).toBe(SpanStatusCode.UNSET);
    expect(server?.events).toEqual([]);
  });

  it('records a throw as a 500 with the exception, ends the span, and rethrows', async () => {
    const { fetchHandler, exporter } = traced(() => {
      throw new RangeError('no such model');
    });
    const execution = executionContext();
    await expect(fetchHandler(new Request('https://a.example/'), {}, execution.ctx)).rejects.toThrow(
      'no such model',
    );
    await execution.settled();
    const [server] = exporter.getFinishedSpans();
    expect(server?.attributes['http.response.status_code']).toBe(500);
    expect(server?.attributes['error.type']).toBe('RangeError');
    expect(server?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such model' });
    expect(server?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('marks a 5xx answer as an error and leaves a 4xx one unset, as the server conventions say', async () => {
    const status = { value: 503 };
    const { run } = traced(() => new Response('x', { status: status.value }));
    const failed = await run('https://a.example/');
    expect(failed.server?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.server?.attributes['error.type']).toBe('503');
    status.value = 404;
    const missing = await run('https://a.example/');
    expect(missing.server?.status.code).toBe(SpanStatusCode.UNSET);
    expect(missing.server?.attributes['error.type']).toBeUndefined();
  });
});

describe('instrumentHandler(): options and runtimes', () => {
  it('does not trace skipped paths, and still answers them', async () => {
    const { run } = traced(() => new Response('ok'), { skip: ['/healthz', /^\/internal\//] });
    for (const path of ['/healthz', '/internal/x']) {
      const { body, spans } = await run(`https://a.example${path}`);
      expect(body).toBe('ok');
      expect(spans).toEqual([]);
    }
    expect((await run('https://a.example/healthz/more')).spans).toHaveLength(1);
  });

  it('reports a route function that throws once, and names the span by method', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { run } = traced(() => new Response('ok'), {
      route: () => {
        throw new Error('bad route table');
      },
    });
    expect((await run('https://a.example/a')).server?.name).toBe('GET');
    expect((await run('https://a.example/b')).server?.name).toBe('GET');
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]?.[0])).toContain('the route function threw');
  });

  it('takes waitUntil from a Vercel Edge style second argument', async () => {
    const exporter = createMemoryExporter();
    const handler = instrumentHandler((_request: Request, _event: unknown) => new Response('edge'), {
      exporter,
    });
    const execution = executionContext();
    const response = await handler(new Request('https://a.example/'), execution.ctx);
    expect(await response.text()).toBe('edge');
    await execution.settled();
    expect(execution.pending).toHaveLength(1);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('without waitUntil (Deno.serve, Bun.serve) leaves export to the provider, and records no cold start', async () => {
    const exporter = createMemoryExporter();
    const provider = createTracerProvider({ exporter });
    const handler = instrumentHandler((_request: Request, _info: unknown) => new Response('deno'), {
      provider,
      register: false,
    });
    const response = await handler(new Request('http://127.0.0.1:8000/'), { remoteAddr: {} });
    expect(await response.text()).toBe('deno');
    await provider.forceFlush();
    const [server] = exporter.getFinishedSpans() as SpanData[];
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.attributes['faas.coldstart']).toBeUndefined();
  });

  it('answers with tail sampling on and OTEL_TRACES_EXPORTER=none, rather than failing every request', async () => {
    const answer: Handler = () => new Response('ok');
    const handler = instrumentHandler(answer, { tail: { slowerThanMs: 100 } });
    const execution = executionContext();
    const response = await handler(
      new Request('https://a.example/', { headers: { traceparent: PARENT } }),
      { OTEL_TRACES_EXPORTER: 'none' },
      execution.ctx,
    );
    expect(await response.text()).toBe('ok');
    await execution.settled();
    expect(execution.pending).toHaveLength(1);
  });

  it('answers every request when the exporter cannot be made from env, and still propagates context', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const outgoing = instrumentFetch(fetch);
    const call: Handler = () => outgoing(upstream.url);
    const handler = instrumentHandler(
      call,
      // A user's exporter function that needs a binding the Worker does not have.
      {
        exporter: (env) => {
          if (typeof env.OTLP_TOKEN !== 'string') throw new Error('OTLP_TOKEN binding missing');
          return createMemoryExporter();
        },
      },
    );
    for (let i = 0; i < 2; i++) {
      const execution = executionContext();
      const response = await handler(
        new Request('https://a.example/', { headers: { traceparent: PARENT } }),
        {},
        execution.ctx,
      );
      expect(response.status).toBe(200);
      const { traceparent } = (await response.json()) as { traceparent: string };
      expect(traceparent.slice(0, 36)).toBe(PARENT.slice(0, 36));
      await execution.settled();
    }
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]?.[1])).toContain('OTLP_TOKEN binding missing');
  });

  it('rejects a handler that is not a function, and unknown options with the nearest name', () => {
    expect(() => instrumentHandler(undefined as never)).toThrow(ConfigError);
    expect(() => instrumentHandler(() => new Response(), { rout: () => '/' } as never)).toThrow(
      /instrumentHandler\(\).*route/,
    );
    expect(() => instrumentHandler(() => new Response(), { skip: [42] } as never)).toThrow(
      /instrumentHandler\(\): skip must be a list of paths/,
    );
  });
});
