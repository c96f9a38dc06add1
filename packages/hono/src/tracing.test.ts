import {
  ConfigError,
  createMemoryExporter,
  createTracerProvider,
  type SpanData,
  type SpanExporter,
} from '@edgetrace/core';
import { resetReporting } from '@edgetrace/core/internal';
import { instrumentFetch } from '@edgetrace/fetch';
import { instrumentWorker } from '@edgetrace/handler';
import { resetColdStart } from '@edgetrace/handler/internal';
import {
  context,
  DiagLogLevel,
  diag,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startUpstream } from '../../../test/support/upstream.js';
import { logFields } from './log-fields.js';
import type { TracingOptions } from './options.js';
import { tracing } from './tracing.js';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** A Workers-like execution context whose waitUntil promises the test can await. */
function executionContext() {
  const pending: Promise<unknown>[] = [];
  return {
    pending,
    ctx: { waitUntil: (p: Promise<unknown>) => pending.push(p), passThroughOnException: () => {}, props: {} },
    settled: () => Promise.all(pending),
  };
}

function traced(options: TracingOptions = {}) {
  const exporter = createMemoryExporter();
  const app = new Hono();
  app.use(tracing({ exporter, ...options }));
  const send = async (path: string, init?: RequestInit, env: Record<string, unknown> = {}) => {
    const execution = executionContext();
    const response = await app.request(path, init, env, execution.ctx as never);
    return { response, execution };
  };
  /** Sends, reads the whole body, waits for waitUntil, and returns the spans exported. */
  const run = async (path: string, init?: RequestInit, env?: Record<string, unknown>) => {
    const { response, execution } = await send(path, init, env);
    const body = await response.text();
    await execution.settled();
    const spans = exporter.getFinishedSpans();
    exporter.reset();
    return { response, body, spans, server: spans.find((s) => s.kind === SpanKind.SERVER) };
  };
  return { app, exporter, send, run };
}

afterEach(() => {
  trace.disable();
  propagation.disable();
  context.disable();
  diag.disable();
  vi.restoreAllMocks();
  resetReporting();
  resetColdStart();
});

describe('tracing(): the server span', () => {
  it('continues the caller’s trace and names the span after the route template', async () => {
    const { app, run } = traced();
    app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    const { server, body } = await run('https://api.example.com/users/42?token=abc&page=1', {
      headers: { traceparent: PARENT, 'user-agent': 'curl/8' },
    });
    expect(body).toBe('{"id":"42"}');
    expect(server?.name).toBe('GET /users/:id');
    expect(server?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(server?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(server?.parentSpanContext?.isRemote).toBe(true);
    expect(server?.attributes).toEqual(
      expect.objectContaining({
        'http.request.method': 'GET',
        'http.route': '/users/:id',
        'url.path': '/users/42',
        'url.scheme': 'https',
        'url.query': 'token=REDACTED&page=1',
        'server.address': 'api.example.com',
        'server.port': 443,
        'user_agent.original': 'curl/8',
        'http.response.status_code': 200,
      }),
    );
    expect(server?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('gives the full template for basePath apps and sub-apps mounted with app.route()', async () => {
    const { app, run } = traced();
    const models = new Hono().basePath('/v1');
    models.get('/models/:model', (c) => c.text(c.req.param('model')));
    const admin = new Hono();
    admin.post('/keys/:key{[0-9]+}', (c) => c.text('ok'));
    app.route('/api', models);
    app.route('/admin', admin);
    expect((await run('http://localhost/api/v1/models/llama')).server?.name).toBe(
      'GET /api/v1/models/:model',
    );
    const { server } = await run('http://localhost/admin/keys/7', { method: 'POST' });
    expect(server?.name).toBe('POST /admin/keys/:key{[0-9]+}');
    expect(server?.attributes['http.route']).toBe('/admin/keys/:key{[0-9]+}');
  });

  it('names the span after the method alone when no route matched, even past catch-all middleware', async () => {
    const { app, run } = traced();
    app.use('/api/*', async (_c, next) => next());
    app.get('/api/known', (c) => c.text('ok'));
    for (const path of ['/nowhere', '/api/unknown']) {
      const { server, response } = await run(`http://localhost${path}`);
      expect(response.status).toBe(404);
      expect(server?.name).toBe('GET');
      expect(server?.attributes['http.route']).toBeUndefined();
      expect(server?.status.code).toBe(SpanStatusCode.UNSET);
    }
  });

  it('reports unknown methods as _OTHER and names the span HTTP', async () => {
    const { app, run } = traced();
    app.on('PURGE', '/cache', (c) => c.text('purged'));
    const { server } = await run('http://localhost/cache', { method: 'PURGE' });
    expect(server?.name).toBe('HTTP /cache');
    expect(server?.attributes['http.request.method']).toBe('_OTHER');
    expect(server?.attributes['http.request.method_original']).toBe('PURGE');
  });

  it('marks 5xx as ERROR; a thrown error is recorded from c.error with its type', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // Hono's default error handler logs
    const { app, run } = traced();
    app.get('/boom', () => {
      throw new TypeError('model not loaded');
    });
    app.get('/busy', (c) => c.text('busy', 503));
    const boom = await run('http://localhost/boom');
    expect(boom.response.status).toBe(500);
    expect(boom.server?.status.code).toBe(SpanStatusCode.ERROR);
    expect(boom.server?.attributes['error.type']).toBe('TypeError');
    const exception = boom.server?.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('model not loaded');
    expect(exception?.attributes?.['exception.type']).toBe('TypeError');
    const busy = await run('http://localhost/busy');
    expect(busy.server?.attributes['error.type']).toBe('503');
    expect(busy.server?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records a 4xx HTTPException without calling it an error', async () => {
    const { app, run } = traced();
    app.get('/private', () => {
      throw new HTTPException(401, { message: 'no key' });
    });
    const { server, response } = await run('http://localhost/private');
    expect(response.status).toBe(401);
    expect(server?.status.code).toBe(SpanStatusCode.UNSET);
    expect(server?.attributes['error.type']).toBeUndefined();
    expect(server?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('records and rethrows what Hono’s error handler does not handle, and still flushes', async () => {
    const { app, exporter } = traced();
    app.onError((error) => {
      throw error;
    });
    app.get('/fatal', () => {
      throw new RangeError('fatal');
    });
    const execution = executionContext();
    await expect(app.request('http://localhost/fatal', {}, {}, execution.ctx as never)).rejects.toThrow(
      'fatal',
    );
    await execution.settled();
    const [server] = exporter.getFinishedSpans();
    expect(server?.attributes['error.type']).toBe('RangeError');
    expect(server?.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('tracing(): context inside the handler', () => {
  it('exposes the span as c.get("span") and makes it the active span across await', async () => {
    const { app, run } = traced();
    app.get('/chat', async (c) => {
      const span = c.get('span');
      const activeBefore = trace.getActiveSpan();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const activeAfter = trace.getActiveSpan();
      const child = await trace.getTracer('app').startActiveSpan('retrieve', async (s) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        s.end();
        return s;
      });
      return c.json({
        same: activeBefore === span && activeAfter === span,
        childParent: (child as unknown as SpanData).parentSpanContext?.spanId,
        logs: logFields(c),
      });
    });
    const { body, server, spans } = await run('http://localhost/chat');
    const result = JSON.parse(body) as { same: boolean; childParent: string; logs: Record<string, string> };
    expect(result.same).toBe(true);
    expect(result.childParent).toBe(server?.spanContext().spanId);
    expect(spans).toHaveLength(2);
    expect(result.logs).toEqual({
      trace_id: server?.spanContext().traceId,
      span_id: server?.spanContext().spanId,
      trace_flags: '03',
    });
  });

  it('keeps 200 concurrent requests apart', async () => {
    const { app, send, exporter } = traced();
    app.get('/r/:n', async (c) => {
      const mine = c.get('span').spanContext().spanId;
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        seen.push(trace.getActiveSpan()?.spanContext().spanId ?? 'none');
      }
      return c.json({ mixed: seen.some((id) => id !== mine), n: c.req.param('n') });
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, n) => {
        const { response, execution } = await send(`http://localhost/r/${n}`);
        const body = (await response.json()) as { mixed: boolean; n: string };
        await execution.settled();
        return body;
      }),
    );
    expect(results.filter((r) => r.mixed)).toEqual([]);
    const traces = new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId));
    expect(traces.size).toBe(200);
  });
});

describe('tracing(): streamed responses', () => {
  function sseApp() {
    const setup = traced();
    setup.app.get('/stream', (c) =>
      streamSSE(c, async (stream) => {
        for (let i = 0; i < 5; i++) {
          await stream.writeSSE({ data: `token ${i}` });
          await stream.sleep(10);
        }
      }),
    );
    setup.app.get('/plain', (c) => c.text('x'.repeat(1000)));
    return setup;
  }

  it('ends the span when the body finishes, with time to first byte, and flushes after that', async () => {
    const { send, exporter } = sseApp();
    const { response, execution } = await send('http://localhost/stream');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    const text = await response.text();
    expect(text).toContain('data: token 4');
    await execution.settled();
    const [server] = exporter.getFinishedSpans();
    expect(server?.name).toBe('GET /stream');
    const duration = Number(server?.endTime) - Number(server?.startTime);
    expect(duration).toBeGreaterThanOrEqual(40);
    const ttfb = Number(server?.attributes['edgetrace.response.time_to_first_byte']);
    expect(ttfb * 1000).toBeLessThan(duration);
    expect(server?.attributes['edgetrace.response.cancelled']).toBeUndefined();
  });

  // Cloudflare cancels waitUntil tasks ~30 s after the handler returns: a long generation's
  // export must be registered when its stream ends, from inside the stream, not at return.
  it('hands the export to waitUntil when the stream ends or is cancelled, not when the handler returns', async () => {
    const { send } = sseApp();
    const read = await send('http://localhost/stream');
    expect(read.execution.pending).toHaveLength(0);
    await read.response.text();
    expect(read.execution.pending).toHaveLength(1);
    const cancelled = await send('http://localhost/stream');
    const reader = cancelled.response.body?.getReader();
    await reader?.read();
    expect(cancelled.execution.pending).toHaveLength(0);
    await reader?.cancel(new Error('client disconnected'));
    expect(cancelled.execution.pending).toHaveLength(1);
    // A plain answer's export is handed over at return, as before.
    const plain = await send('http://localhost/plain');
    expect(plain.execution.pending).toHaveLength(1);
  });

  it('marks a client cancel as a cancellation, not an error, and ends the span once', async () => {
    const { send, exporter } = sseApp();
    const { response, execution } = await send('http://localhost/stream');
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.cancel(new Error('client disconnected'));
    await execution.settled();
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['edgetrace.response.cancelled']).toBe(true);
    expect(spans[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('ends a plain response’s span at once, before its body is read', async () => {
    const { send, exporter } = sseApp();
    const { response, execution } = await send('http://localhost/plain');
    await execution.settled();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect((await response.text()).length).toBe(1000);
  });

  it('never delays the response for the export', async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowExporter = {
      async export() {
        await blocked;
        return { ok: true as const };
      },
    };
    const app = new Hono();
    app.use(tracing({ exporter: slowExporter }));
    app.get('/', (c) => c.text('fast'));
    const execution = executionContext();
    const response = await app.request('http://localhost/', {}, {}, execution.ctx as never);
    expect(await response.text()).toBe('fast');
    let flushed = false;
    const settled = execution.settled().then(() => {
      flushed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(flushed).toBe(false);
    release();
    await settled;
    expect(flushed).toBe(true);
  });
});

describe('tracing(): options', () => {
  it('adds the trace context Server-Timing metric only when asked, after the handler’s own', async () => {
    const plain = traced();
    plain.app.get('/', (c) => c.text('ok'));
    expect((await plain.run('http://localhost/')).response.headers.has('server-timing')).toBe(false);
    trace.disable();
    context.disable();
    propagation.disable();
    const opted = traced({ traceResponse: true });
    opted.app.get('/', (c) => c.text('ok'));
    opted.app.get('/timed', (c) => {
      c.header('server-timing', 'db;dur=53');
      return c.text('ok');
    });
    const { response, server } = await opted.run('http://localhost/', { headers: { traceparent: PARENT } });
    // spec/21: trace;desc=00-{trace-id}-{span-id}-{flags}; the old traceresponse header is gone.
    expect(response.headers.get('server-timing')).toBe(
      `trace;desc=00-0af7651916cd43dd8448eb211c80319c-${server?.spanContext().spanId}-01`,
    );
    expect(response.headers.has('traceresponse')).toBe(false);
    const timed = await opted.run('http://localhost/timed', { headers: { traceparent: PARENT } });
    expect(timed.response.headers.get('server-timing')).toMatch(
      /^db;dur=53, trace;desc=00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/,
    );
  });

  it('keeps the caller’s random flag and writes no unknown flag in the metric', async () => {
    const opted = traced({ traceResponse: true });
    opted.app.get('/', (c) => c.text('ok'));
    const { response } = await opted.run('http://localhost/', {
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-ff' },
    });
    expect(response.headers.get('server-timing')).toMatch(/-03$/);
  });

  it('adds the metric to an upstream response whose headers are immutable', async () => {
    const upstream = await startUpstream((_r, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('from upstream');
    });
    const { app, run } = traced({ traceResponse: true });
    app.get('/proxy', () => fetch(upstream.url));
    const { response, body } = await run('http://localhost/proxy');
    await upstream.close();
    expect(body).toBe('from upstream');
    expect(response.headers.get('server-timing')).toMatch(/^trace;desc=00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]$/);
  });

  it('skips listed paths entirely', async () => {
    const { app, run } = traced({ skip: ['/healthz', /^\/internal\//] });
    app.get('/healthz', (c) => c.text(c.get('span') === undefined ? 'untraced' : 'traced'));
    app.get('/internal/x', (c) => c.text('ok'));
    app.get('/work', (c) => c.text('ok'));
    expect((await run('http://localhost/healthz')).body).toBe('untraced');
    expect((await run('http://localhost/healthz')).spans).toHaveLength(0);
    expect((await run('http://localhost/internal/x')).spans).toHaveLength(0);
    expect((await run('http://localhost/work')).spans).toHaveLength(1);
  });

  it('traces a request whose skip function throws, and says so once on the console', async () => {
    const bug = new Error('bug');
    const { app, run } = traced({
      skip: () => {
        throw bug;
      },
    });
    app.get('/', (c) => c.text('ok'));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const first = await run('http://localhost/');
    const second = await run('http://localhost/');
    expect([first.body, second.body]).toEqual(['ok', 'ok']);
    expect([first.spans.length, second.spans.length]).toEqual([1, 1]);
    expect(errors.mock.calls).toEqual([['edgetrace: the skip function threw; the request is traced', bug]]);
  });

  it('records only allow-listed headers, and client.address only when asked', async () => {
    const headers = {
      authorization: 'Bearer sk-secret',
      'x-tenant': 'acme',
      'cf-connecting-ip': '203.0.113.9',
    };
    const plain = traced();
    plain.app.get('/', (c) => c.text('ok'));
    const bare = await plain.run('http://localhost/', { headers });
    expect(JSON.stringify(bare.server?.attributes)).not.toMatch(/sk-secret|acme|203\.0\.113\.9/);
    trace.disable();
    context.disable();
    const listed = traced({
      requestHeaders: ['X-Tenant'],
      responseHeaders: ['x-served-by'],
      clientAddress: true,
    });
    listed.app.get('/', (c) => {
      c.header('x-served-by', 'edge-1');
      return c.text('ok');
    });
    const { server } = await listed.run('http://localhost/', { headers });
    expect(server?.attributes['http.request.header.x-tenant']).toEqual(['acme']);
    expect(server?.attributes['http.response.header.x-served-by']).toEqual(['edge-1']);
    expect(server?.attributes['client.address']).toBe('203.0.113.9');
    expect(JSON.stringify(server?.attributes)).not.toContain('sk-secret');
  });

  it('takes client.address from cf-connecting-ip, else the first x-forwarded-for hop, else x-real-ip', async () => {
    const { app, run } = traced({ clientAddress: true });
    app.get('/', (c) => c.text('ok'));
    const cases: [Record<string, string>, string | undefined][] = [
      [
        { 'cf-connecting-ip': '203.0.113.9', 'x-forwarded-for': '198.51.100.1', 'x-real-ip': '192.0.2.7' },
        '203.0.113.9',
      ],
      [{ 'x-forwarded-for': ' 198.51.100.1 , 10.0.0.1', 'x-real-ip': '192.0.2.7' }, '198.51.100.1'],
      [{ 'cf-connecting-ip': '', 'x-forwarded-for': '', 'x-real-ip': '192.0.2.7' }, '192.0.2.7'],
      [{ 'x-forwarded-for': ',' }, undefined],
      [{}, undefined],
    ];
    for (const [headers, expected] of cases) {
      const { server } = await run('http://localhost/', { headers });
      expect(server?.attributes['client.address'], JSON.stringify(headers)).toBe(expected);
      expect(Object.hasOwn(server?.attributes ?? {}, 'client.address')).toBe(expected !== undefined);
    }
  });

  it('reads Cloudflare’s request.cf and cf-ray, and marks only the first request a cold start', async () => {
    const { app, exporter } = traced();
    app.get('/', (c) => c.text('ok'));
    const spans: SpanData[] = [];
    for (const ray of ['8a1b2c3d4e5f6789-AMS', '8a1b2c3d4e5f6790-AMS']) {
      const request = new Request('https://edge.example.com/', { headers: { 'cf-ray': ray } });
      Object.defineProperty(request, 'cf', { value: { colo: 'AMS', country: 'NL' } });
      const execution = executionContext();
      await (await app.fetch(request, {}, execution.ctx as never)).text();
      await execution.settled();
    }
    spans.push(...exporter.getFinishedSpans());
    expect(spans.map((s) => s.attributes['faas.coldstart'])).toEqual([true, false]);
    expect(spans[0]?.attributes).toMatchObject({
      'cloud.provider': 'cloudflare',
      'cloud.region': 'AMS',
      'faas.invocation_id': '8a1b2c3d4e5f6789-AMS',
    });
  });

  it('resolves configuration from c.env once per isolate', async () => {
    const exporter = createMemoryExporter();
    const envs: unknown[] = [];
    const app = new Hono();
    app.use(
      tracing({
        exporter: (env) => {
          envs.push(env);
          return exporter;
        },
      }),
    );
    app.get('/', (c) => c.text('ok'));
    for (const name of ['first-env', 'second-env']) {
      const execution = executionContext();
      await (
        await app.request('http://localhost/', {}, { OTEL_SERVICE_NAME: name }, execution.ctx as never)
      ).text();
      await execution.settled();
    }
    expect(envs).toEqual([{ OTEL_SERVICE_NAME: 'first-env' }]);
    const services = exporter.getFinishedSpans().map((s) => s.resource.attributes['service.name']);
    expect(services).toEqual(['first-env', 'first-env']);
  });

  it('batches without waitUntil (Node): spans leave on the batch processor’s schedule', async () => {
    const exporter = createMemoryExporter();
    const app = new Hono();
    app.use(tracing({ exporter }));
    app.get('/', (c) => c.text('ok'));
    const response = await app.request('http://localhost/', {}, { OTEL_BSP_SCHEDULE_DELAY: '20' });
    expect(await response.text()).toBe('ok');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await expect.poll(() => exporter.getFinishedSpans().length, { timeout: 2000 }).toBe(1);
  });

  it('uses a given provider as is', async () => {
    const exporter = createMemoryExporter();
    const provider = createTracerProvider({ serviceName: 'given', exporter });
    const app = new Hono();
    app.use(tracing({ provider }));
    app.get('/', (c) => c.text('ok'));
    const execution = executionContext();
    await (await app.request('http://localhost/', {}, {}, execution.ctx as never)).text();
    await execution.settled();
    expect(exporter.getFinishedSpans()[0]?.resource.attributes['service.name']).toBe('given');
  });

  it('with no endpoint configured, warns once, exports nothing, and still propagates', async () => {
    const warnings: string[] = [];
    const log = (message: string) => warnings.push(message);
    diag.setLogger(
      { warn: log, error: log, info: log, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    );
    const upstream = await startUpstream((_r, res) => {
      res.writeHead(200).end('ok');
    });
    const app = new Hono();
    app.use(tracing());
    const downstream = instrumentFetch(fetch);
    app.get('/', async () => downstream(upstream.url));
    for (let i = 0; i < 3; i++) {
      const execution = executionContext();
      await (
        await app.request(
          'http://localhost/',
          { headers: { traceparent: PARENT } },
          {},
          execution.ctx as never,
        )
      ).text();
      await execution.settled();
    }
    await upstream.close();
    expect(warnings.filter((w) => w.includes('no OTLP endpoint'))).toHaveLength(1);
    for (const received of upstream.received) {
      expect(received.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    }
  });

  it('rejects invalid options at setup, saying what to fix', () => {
    expect(() => tracing({ sampler: 'sometimes' as never })).toThrow(ConfigError);
    expect(() => tracing({ samplerArg: 2 })).toThrow(/samplerArg/);
    expect(() => tracing({ skip: '/healthz' as never })).toThrow(/skip must be/);
    expect(() => tracing({ requestHeaders: ['bad header'] })).toThrow(/requestHeaders/);
    expect(() => tracing({ exportr: {} } as never)).toThrow(/unknown option "exportr"/);
    const provider = createTracerProvider();
    expect(() => tracing({ provider, serviceName: 'x' })).toThrow(
      /configure serviceName on createTracerProvider/,
    );
    expect(() => tracing({ exporter: {} as never })).toThrow(/exporter must be/);
    expect(() => tracing({ provider: trace.getTracerProvider() as never })).toThrow(
      /provider must come from createTracerProvider/,
    );
    expect(() => tracing({ isStreaming: true as never })).toThrow(/isStreaming must be a function/);
  });
});

describe('tracing() beside instrumentWorker in one Worker', () => {
  /** A Worker whose fetch is a traced Hono app and whose queue handler instrumentWorker traces. */
  function worker(fetchOptions: { exporter: SpanExporter }, queueOptions: { exporter: SpanExporter }) {
    const app = new Hono();
    app.use(tracing(fetchOptions));
    app.get('/', (c) => c.text('ok'));
    return {
      app,
      queue: instrumentWorker({ queue: async (_b: unknown, _e: unknown, _c: unknown) => {} }, queueOptions),
    };
  }

  it('shares one provider when both have the same options, so neither warns and the exports go to one place', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const exporter = createMemoryExporter();
    const { app, queue } = worker({ exporter }, { exporter });
    const first = executionContext();
    await queue.queue({ queue: 'jobs', messages: [] }, {}, first.ctx);
    const second = executionContext();
    await (await app.request('/', {}, {}, second.ctx as never)).text();
    await Promise.all([first.settled(), second.settled()]);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['process jobs', 'GET /']);
    expect(warn.mock.calls.filter((call) => String(call[0]).includes('registered first'))).toEqual([]);
  });

  it('keeps two providers when the options differ, and says the second could not register', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const forQueue = createMemoryExporter();
    const forFetch = createMemoryExporter();
    const { app, queue } = worker({ exporter: forFetch }, { exporter: forQueue });
    const first = executionContext();
    await queue.queue({ queue: 'jobs', messages: [] }, {}, first.ctx);
    const second = executionContext();
    await (await app.request('/', {}, {}, second.ctx as never)).text();
    await Promise.all([first.settled(), second.settled()]);
    expect(forQueue.getFinishedSpans().map((s) => s.name)).toEqual(['process jobs']);
    expect(forFetch.getFinishedSpans().map((s) => s.name)).toEqual(['GET /']);
    // One isolate, one cold start, whichever entry point saw it first.
    expect(forQueue.getFinishedSpans()[0]?.attributes['faas.coldstart']).toBe(true);
    expect(forFetch.getFinishedSpans()[0]?.attributes['faas.coldstart']).toBe(false);
    expect(warn.mock.calls.filter((call) => String(call[0]).includes('tracing() still traces'))).toHaveLength(
      1,
    );
  });
});
