// ServerTracing's edge cases and waitUntilOf: telemetry that fails after the handler, immutable headers, a waitUntil that throws, sampled-out streams, invocations' parents and links.
import { createMemoryExporter, type MemoryExporter, type SpanData } from '@edgetrace/core';
import { resetReporting } from '@edgetrace/core/internal';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { executionContext } from '../test-support/execution-context.js';
import { prepareServer, type ServerOptions } from './options.js';
import { resetColdStart, ServerTracing, type WaitUntil, waitUntilOf } from './server-tracing.js';

const PRODUCER = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };

afterEach(() => {
  vi.restoreAllMocks();
  resetReporting();
  resetColdStart();
});

/** A ServerTracing over a memory exporter, not registered, with its provider made. */
async function serverTracing(options: ServerOptions = {}, waitUntil?: WaitUntil) {
  const exporter = createMemoryExporter();
  const server = new ServerTracing(
    prepareServer({ exporter, register: false, ...options }, 'test()'),
    '@test/scope',
  );
  const tracing = await server.make({}, waitUntil);
  return { server, tracing, exporter };
}

/** The spans exported once every hand-over to waitUntil has settled. */
async function exported(
  exporter: MemoryExporter,
  execution: ReturnType<typeof executionContext>,
): Promise<SpanData[]> {
  await execution.settled();
  return exporter.getFinishedSpans();
}

describe('ServerTracing', () => {
  it('makes the provider once, and is ready only after', async () => {
    const server = new ServerTracing(
      prepareServer({ exporter: createMemoryExporter(), register: false }, 'test()'),
      '@test/scope',
    );
    expect(server.ready).toBeUndefined();
    expect(server.entry).toBe('test()');
    const first = await server.make({}, undefined);
    expect(server.ready).toBe(first);
    expect(await server.make({ OTEL_SERVICE_NAME: 'later' }, undefined)).toBe(first);
    expect(first.provider.resource.attributes['service.name']).not.toBe('later');
  });

  it('still returns the response, ends the span and reports once when telemetry throws after the handler', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const execution = executionContext();
    const { server, tracing, exporter } = await serverTracing(
      { responseHeaders: ['content-type'] },
      execution.ctx,
    );
    for (const path of ['/a', '/b']) {
      const response = new Response('ok');
      Object.defineProperty(response, 'headers', {
        get() {
          throw new Error('headers are gone');
        },
      });
      const started = server.startRequest(tracing, new Request(`https://a.example${path}`), execution.ctx);
      expect(server.finish(started, response)).toBe(response);
    }
    const spans = await exported(exporter, execution);
    expect(spans.map((s) => [s.attributes['url.path'], s.ended])).toEqual([
      ['/a', true],
      ['/b', true],
    ]);
    expect(execution.pending).toHaveLength(2);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0]).toBe('edgetrace: test() failed after the handler; the span is ended');
  });

  it('adds the Server-Timing metric to a copy of a response whose headers are immutable', async () => {
    const execution = executionContext();
    const { server, tracing, exporter } = await serverTracing({ traceResponse: true }, execution.ctx);
    const redirect = Response.redirect('https://a.example/next', 302);
    expect(() => redirect.headers.append('x-probe', '1')).toThrow();
    const started = server.startRequest(tracing, new Request('https://a.example/old'), execution.ctx);
    const sent = server.finish(started, redirect);
    expect(sent).not.toBe(redirect);
    expect(sent.status).toBe(302);
    expect(sent.headers.get('location')).toBe('https://a.example/next');
    const { traceId, spanId } = started.span.spanContext();
    expect(sent.headers.get('server-timing')).toBe(`trace;desc=00-${traceId}-${spanId}-03`);
    expect(redirect.headers.get('server-timing')).toBeNull();
    const [span] = await exported(exporter, execution);
    expect(span?.attributes['http.response.status_code']).toBe(302);
  });

  it('does not let a waitUntil that throws break the request; the trace is exported at once all the same', async () => {
    const refusing: WaitUntil = {
      waitUntil() {
        throw new Error('the request has finished');
      },
    };
    const { server, tracing, exporter } = await serverTracing({}, refusing);
    const started = server.startRequest(tracing, new Request('https://a.example/'), refusing);
    const response = new Response('ok');
    expect(server.finish(started, response)).toBe(response);
    // Exported at once, with no coalescing wait: a request not kept alive must not hold one.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(exporter.getFinishedSpans().map((s) => s.attributes['http.response.status_code'])).toEqual([200]);
  });

  it('returns a sampled-out streamed response as is, and wraps a recorded one to end with its body', async () => {
    const stream = (): Response =>
      new Response('data: 1\n\n', { headers: { 'content-type': 'text/event-stream' } });
    const execution = executionContext();
    const off = await serverTracing({ sampler: 'always_off' }, execution.ctx);
    const notRecorded = off.server.startRequest(
      off.tracing,
      new Request('https://a.example/'),
      execution.ctx,
    );
    expect(notRecorded.span.isRecording()).toBe(false);
    const original = stream();
    const sent = off.server.finish(notRecorded, original);
    expect(sent).toBe(original);
    expect(await sent.text()).toBe('data: 1\n\n');
    expect(await exported(off.exporter, execution)).toEqual([]);

    const on = await serverTracing({}, execution.ctx);
    const recorded = on.server.startRequest(on.tracing, new Request('https://a.example/'), execution.ctx);
    const watched = stream();
    const copy = on.server.finish(recorded, watched);
    expect(copy).not.toBe(watched);
    expect(on.exporter.getFinishedSpans()).toEqual([]);
    expect(await copy.text()).toBe('data: 1\n\n');
    const [span] = await exported(on.exporter, execution);
    expect(span?.attributes['http.response.body.size']).toBe(9);
  });

  it('names the span after the route, and records an error the framework answered with', async () => {
    const execution = executionContext();
    const { server, tracing, exporter } = await serverTracing({}, execution.ctx);
    const started = server.startRequest(tracing, new Request('https://a.example/users/7'), execution.ctx);
    server.finish(started, new Response('oops', { status: 502 }), {
      route: () => '/users/:id',
      error: new RangeError('upstream gone'),
    });
    const [span] = await exported(exporter, execution);
    expect(span?.name).toBe('GET /users/:id');
    expect(span?.attributes['http.route']).toBe('/users/:id');
    expect(span?.attributes['error.type']).toBe('RangeError');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([
      ['exception', 'upstream gone'],
    ]);
  });

  it('starts an invocation as a child of the given parent, without touching the attributes given', async () => {
    const execution = executionContext();
    const { server, tracing, exporter } = await serverTracing({}, execution.ctx);
    const attributes = { 'faas.trigger': 'pubsub' };
    const started = server.startInvocation(
      tracing,
      {
        name: 'process jobs',
        kind: SpanKind.CONSUMER,
        attributes,
        parent: trace.setSpanContext(ROOT_CONTEXT, { ...PRODUCER, isRemote: true }),
      },
      execution.ctx,
    );
    expect(trace.getSpan(started.context)).toBe(started.span);
    server.settle(started, { kind: 'complete' });
    const [span] = await exported(exporter, execution);
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.spanContext().traceId).toBe(PRODUCER.traceId);
    expect(span?.parentSpanContext?.spanId).toBe(PRODUCER.spanId);
    expect(span?.links).toEqual([]);
    expect(span?.attributes).toEqual({ 'faas.trigger': 'pubsub', 'faas.coldstart': true });
    expect(attributes).toEqual({ 'faas.trigger': 'pubsub' });
  });

  it('starts an invocation with links in a new trace, and records a throw it settles with', async () => {
    const execution = executionContext();
    const { server, tracing, exporter } = await serverTracing({}, execution.ctx);
    const started = server.startInvocation(
      tracing,
      { name: 'process jobs', kind: SpanKind.CONSUMER, attributes: {}, links: [{ context: PRODUCER }] },
      execution.ctx,
    );
    server.settle(started, { kind: 'error', error: new TypeError('bad message') });
    const [span] = await exported(exporter, execution);
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.spanContext().traceId).not.toBe(PRODUCER.traceId);
    expect(span?.links.map((l) => l.context.spanId)).toEqual([PRODUCER.spanId]);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(span?.attributes['faas.coldstart']).toBe(true);
  });

  it('records the cold start on the first invocation only, and not at all for a plain server request', async () => {
    const { server, tracing, exporter } = await serverTracing();
    const request = server.startRequest(tracing, new Request('http://127.0.0.1:8000/'), undefined);
    server.finish(request, new Response('ok'));
    const later = server.startInvocation(
      tracing,
      { name: 'tick', kind: SpanKind.SERVER, attributes: {} },
      undefined,
    );
    server.settle(later, { kind: 'complete' });
    await tracing.provider.forceFlush();
    const [plain, tick] = exporter.getFinishedSpans();
    expect(plain?.attributes).not.toHaveProperty('faas.coldstart');
    expect(tick?.attributes['faas.coldstart']).toBe(false);
  });

  it('fails a request whose handler threw as a 500 with the exception', async () => {
    const execution = executionContext();
    const { server, tracing, exporter } = await serverTracing({}, execution.ctx);
    const started = server.startRequest(tracing, new Request('https://a.example/'), execution.ctx);
    server.fail(started, new Error('handler broke'));
    const [span] = await exported(exporter, execution);
    expect(span?.attributes['http.response.status_code']).toBe(500);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'handler broke' });
    expect(execution.pending).toHaveLength(1);
  });
});

describe('waitUntilOf', () => {
  it('returns a context with a waitUntil method as is', () => {
    const { ctx } = executionContext();
    expect(waitUntilOf(ctx)).toBe(ctx);
  });

  it('returns undefined for anything without a callable waitUntil', () => {
    for (const ctx of [undefined, null, 'ctx', 42, {}, { waitUntil: true }, { remoteAddr: {} }]) {
      expect(waitUntilOf(ctx)).toBeUndefined();
    }
  });
});
