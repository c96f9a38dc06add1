// End to end in real workerd, with and without nodejs_compat: a client calls a Worker using
// @edgetrace/hono and @edgetrace/fetch; the Worker calls a Node server on 127.0.0.1 that checks
// the traceparent it receives; the spans exported over OTLP/HTTP form one trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attribute, receivedRequests, receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { startUpstream, type Upstream, writeSlowly } from './support/upstream.js';
import { useWorker, WORKERD_RUNTIMES } from './support/workerd.js';

const entry = new URL('./fixtures/hono-worker.ts', import.meta.url).pathname;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

interface ChainReport {
  upstream: { traceparent: string | null; valid: boolean };
  trace_id: string;
  span_id: string;
  activeIsServer?: boolean;
}

let upstream: Upstream;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  upstream = await startUpstream(async (request, response) => {
    if (request.path === '/stream') {
      await writeSlowly(
        response,
        Array.from({ length: 200 }, (_, i) => `data: {"token":${i}}\n\n`),
        10,
      );
      return;
    }
    const traceparent = typeof request.headers.traceparent === 'string' ? request.headers.traceparent : null;
    const body = JSON.stringify({
      traceparent,
      valid: traceparent !== null && TRACEPARENT.test(traceparent),
    });
    // /json answers with a length, as most APIs do; /check sends its JSON chunked.
    response.writeHead(200, {
      'content-type': 'application/json',
      ...(request.path === '/json' ? { 'content-length': Buffer.byteLength(body) } : {}),
    });
    response.end(body);
  });
});

afterAll(async () => {
  await upstream?.close();
  await receiver?.close();
});

const received = () => receivedSpans(receiver.url);

describe.each(WORKERD_RUNTIMES)('a plain Worker in workerd with $name', (runtime) => {
  const worker = useWorker(() => ({
    entry: new URL('./fixtures/plain-worker.ts', import.meta.url).pathname,
    ...runtime,
    bindings: {
      UPSTREAM_URL: upstream.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'plain-worker',
    },
  }));

  it('ends the CLIENT span of a fetched JSON answer returned as is, which the runtime sends unseen', async () => {
    await receiver.reset();
    const response = await worker.fetch('/proxy?path=/json');
    const text = await response.text();
    expect((JSON.parse(text) as ChainReport['upstream']).valid).toBe(true);
    await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(2);
    const spans = await received();
    const server = spans.find((s) => s.kind === 2);
    const client = spans.find((s) => s.kind === 3);
    expect(server?.name).toBe('GET /proxy');
    expect(client?.parentSpanId).toBe(server?.spanId);
    expect(text).toContain(client?.spanId);
    // workerd sends a body with a length natively, without JavaScript: the span says so.
    expect(attribute(client, 'edgetrace.response.body_unobserved')).toBe(true);
    expect(attribute(client, 'http.response.body.size')).toBeUndefined();
  });

  it('ends the CLIENT span of a chunked answer returned as is when the runtime has read it', async () => {
    await receiver.reset();
    const text = await (await worker.fetch('/proxy?path=/check')).text();
    await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(2);
    const client = (await received()).find((s) => s.kind === 3);
    expect(text).toContain(client?.spanId);
    expect(attribute(client, 'http.response.body.size')).toBe(String(text.length));
    expect(attribute(client, 'edgetrace.response.body_unobserved')).toBeUndefined();
  });
});

describe('a Hono Worker in workerd whose OTEL_EXPORTER_OTLP_HEADERS lists a header HTTP refuses', () => {
  const worker = useWorker(() => ({
    entry,
    ...WORKERD_RUNTIMES[0],
    bindings: {
      UPSTREAM_URL: upstream.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'bad header=x,x-api-key=k%201,x-line=a%0Ab',
      OTEL_SERVICE_NAME: 'edge-api',
    },
  }));

  // The exporter is made from the bindings at the first request; it used to throw there, and
  // every request answered 500.
  it('answers every request and exports with the headers that are valid', async () => {
    await receiver.reset();
    for (let i = 0; i < 2; i++) {
      const response = await worker.fetch('/chain');
      expect(response.status).toBe(200);
      expect(((await response.json()) as ChainReport).upstream.valid).toBe(true);
    }
    await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(4);
    const posts = await receivedRequests(receiver.url);
    for (const post of posts) {
      expect(post.headers['x-api-key']).toBe('k 1');
      expect(post.headers['x-line']).toBeUndefined();
      expect(Object.keys(post.headers).some((name) => name.includes('bad'))).toBe(false);
    }
  });
});

// Without Node compatibility there is no process.env, which would hold the var as text.
describe('a Hono Worker in workerd without Node compatibility, configured with JSON vars', () => {
  const worker = useWorker(() => ({
    entry,
    ...WORKERD_RUNTIMES[1],
    bindings: {
      UPSTREAM_URL: upstream.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // As `"vars": { "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": 5 }` in wrangler.jsonc: a number, not text.
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: 5,
      OTEL_SERVICE_NAME: 'edge-api',
    },
  }));

  it('reads a number the vars hold as JSON', async () => {
    await receiver.reset();
    expect((await worker.fetch('/chain')).status).toBe(200);
    await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(2);
    const spans = await received();
    // Every string attribute cut to 5 characters: the client span's URL, the server span's path.
    expect(
      attribute(
        spans.find((s) => s.kind === 3),
        'url.full',
      ),
    ).toBe('http:');
    expect(
      attribute(
        spans.find((s) => s.kind === 2),
        'url.path',
      ),
    ).toBe('/chai');
  });
});

describe.each(WORKERD_RUNTIMES)('a Hono Worker in workerd with $name', (runtime) => {
  const worker = useWorker(() => ({
    entry,
    ...runtime,
    bindings: {
      UPSTREAM_URL: upstream.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'edge-api',
    },
  }));

  it('makes one trace: caller → SERVER span → CLIENT span → upstream', async () => {
    await receiver.reset();
    const callerTrace = 'ab'.repeat(16);
    const response = await worker.fetch('/chain', {
      headers: { traceparent: `00-${callerTrace}-${'cd'.repeat(8)}-01` },
    });
    const report = (await response.json()) as ChainReport;
    expect(report.trace_id).toBe(callerTrace);
    expect(report.upstream.valid).toBe(true);
    const [, upstreamTrace, upstreamParent] = TRACEPARENT.exec(report.upstream.traceparent ?? '') ?? [];
    expect(upstreamTrace).toBe(callerTrace);
    expect(response.headers.get('server-timing')).toBe(`trace;desc=00-${callerTrace}-${report.span_id}-01`);

    await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(2);
    const spans = await received();
    const server = spans.find((s) => s.kind === 2);
    const client = spans.find((s) => s.kind === 3);
    expect(server?.name).toBe('GET /chain');
    expect(server?.traceId).toBe(callerTrace);
    expect(server?.parentSpanId).toBe('cd'.repeat(8));
    expect(server?.spanId).toBe(report.span_id);
    expect(client?.traceId).toBe(callerTrace);
    expect(client?.parentSpanId).toBe(server?.spanId);
    // The upstream's parent is the CLIENT span: the GPU server joins the same trace below it.
    expect(upstreamParent).toBe(client?.spanId);
    expect(attribute(client, 'http.response.status_code')).toBe('200');
    expect(attribute(server, 'http.route')).toBe('/chain');
  });

  it('keeps 200 concurrent requests apart: explicit context after an await everywhere, the active span where AsyncLocalStorage exists', {
    timeout: 30_000,
  }, async () => {
    await receiver.reset();
    const reports = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const traceId = `${(i + 1).toString(16).padStart(8, '0')}${'e'.repeat(24)}`;
        const response = await worker.fetch(`/after-await?delay=${i % 7}`, {
          headers: { traceparent: `00-${traceId}-${'f'.repeat(16)}-01` },
        });
        return { traceId, report: (await response.json()) as ChainReport };
      }),
    );
    for (const { traceId, report } of reports) {
      expect(report.trace_id).toBe(traceId);
      expect(report.upstream.traceparent).toMatch(new RegExp(`^00-${traceId}-`));
      expect(report.activeIsServer).toBe(runtime.asyncContext);
    }
    // Every request's two spans were exported, each CLIENT span under its own SERVER span.
    await expect.poll(async () => (await received()).length, { timeout: 20_000 }).toBe(400);
    const spans = await received();
    for (const { traceId, report } of reports) {
      const own = spans.filter((s) => s.traceId === traceId);
      expect(own.map((s) => s.kind).sort()).toEqual([2, 3]);
      expect(own.find((s) => s.kind === 3)?.parentSpanId).toBe(report.span_id);
    }
  });

  it('ends the server and client spans of a proxied stream once when the client cancels it', async () => {
    await receiver.reset();
    const response = await worker.fetch('/stream');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('data: {"token":0}');
    await reader?.cancel();
    await upstream.closedEarly();
    await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(2);
    const spans = await received();
    const server = spans.find((s) => s.kind === 2);
    const client = spans.find((s) => s.kind === 3);
    expect(server?.name).toBe('GET /stream');
    expect(attribute(server, 'edgetrace.response.cancelled')).toBe(true);
    expect(server?.status?.code ?? 0).toBe(0);
    expect(attribute(client, 'edgetrace.response.cancelled')).toBe(true);
    expect(Number(attribute(server, 'edgetrace.response.time_to_first_byte'))).toBeGreaterThanOrEqual(0);
  });

  it.each(['/json', '/check'])(
    'exports the trace of a call whose answer (%s) is never read, its CLIENT span marked so',
    async (path) => {
      await receiver.reset();
      expect(await (await worker.fetch(`/notify?path=${path}`, { method: 'POST' })).text()).toBe('sent');
      await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(2);
      const spans = await received();
      const server = spans.find((s) => s.kind === 2);
      const client = spans.find((s) => s.kind === 3);
      expect(server?.name).toBe('POST /notify');
      expect(client?.parentSpanId).toBe(server?.spanId);
      expect(attribute(client, 'edgetrace.response.body_unobserved')).toBe(true);
      expect(attribute(client, 'http.response.status_code')).toBe('200');
    },
  );

  it('does not trace skipped routes', async () => {
    await receiver.reset();
    expect(await (await worker.fetch('/healthz')).text()).toBe('ok');
    await (await worker.fetch('/chain')).text();
    await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(2);
    expect((await received()).map((s) => s.name).sort()).toEqual(['GET', 'GET /chain']);
  });
});
