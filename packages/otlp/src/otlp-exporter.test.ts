import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  ConfigError,
  createMemoryExporter,
  createTracerProvider,
  type SpanData,
  VERSION,
} from '@edgetrace/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOtlpExporter, USER_AGENT } from './otlp-exporter.js';
import { encodeTraces } from './otlp-json.js';
import { parseRetryAfter } from './retry.js';
import { checkOfficialOtlpJson } from './test-support/official-otlp.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

type Reply = (res: ServerResponse) => void;

let server: Server;
let url: string;
let received: Received[];
let replies: Reply[];

beforeEach(async () => {
  received = [];
  replies = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
      const reply = replies.shift() ?? ((r: ServerResponse) => r.writeHead(200).end('{}'));
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function spans(count = 2): Promise<SpanData[]> {
  const memory = createMemoryExporter();
  const provider = createTracerProvider({
    exporter: memory,
    serviceName: 'exporter-test',
    asyncLocalStorage: false,
  });
  for (let i = 0; i < count; i++) provider.getTracer('t').startSpan(`span ${i}`).end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

const status =
  (code: number, body = '', headers: Record<string, string> = {}): Reply =>
  (res) =>
    res.writeHead(code, headers).end(body);

describe('createOtlpExporter', () => {
  it('POSTs OTLP JSON with the configured headers', async () => {
    const exporter = createOtlpExporter({ endpoint: url, headers: { authorization: 'Bearer secret' } });
    const batch = await spans();
    expect(await exporter.export(batch)).toEqual({ ok: true });
    expect(received).toHaveLength(1);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(received[0]?.headers.authorization).toBe('Bearer secret');
    expect(JSON.parse(received[0]?.body.toString() ?? '')).toEqual(
      JSON.parse(JSON.stringify(encodeTraces(batch))),
    );
  });

  it('gzips the body with CompressionStream when asked, and it decodes', async () => {
    const exporter = createOtlpExporter({ endpoint: url, compression: 'gzip' });
    const batch = await spans(20);
    await exporter.export(batch);
    expect(received[0]?.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(received[0]?.body ?? Buffer.alloc(0)).toString());
    expect(body.resourceSpans[0].scopeSpans[0].spans).toHaveLength(20);
  });

  it('reads the endpoint from OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const exporter = createOtlpExporter({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: url.replace('/v1/traces', '') },
    });
    expect((await exporter.export(await spans())).ok).toBe(true);
    expect(received).toHaveLength(1);
  });

  it('retries a 503 and succeeds', async () => {
    replies.push(status(503), status(502));
    const exporter = createOtlpExporter({ endpoint: url, initialBackoffMs: 10, maxBackoffMs: 20 });
    expect(await exporter.export(await spans())).toEqual({ ok: true });
    expect(received).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    replies.push(status(429, '', { 'retry-after': '1' }));
    const exporter = createOtlpExporter({ endpoint: url, initialBackoffMs: 1 });
    expect((await exporter.export(await spans())).ok).toBe(true);
    const [first, second] = received;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a 400 and reports it', async () => {
    replies.push(status(400, 'bad request body'));
    const exporter = createOtlpExporter({ endpoint: url, initialBackoffMs: 1 });
    const result = await exporter.export(await spans());
    expect(result).toEqual({ ok: false, error: 'HTTP 400: bad request body', retryable: false });
    expect(received).toHaveLength(1);
  });

  it('gives up on a hanging receiver at the deadline', async () => {
    replies.push(
      () => {},
      () => {},
      () => {},
    );
    const exporter = createOtlpExporter({ endpoint: url, timeoutMs: 300, initialBackoffMs: 10 });
    const started = Date.now();
    const result = await exporter.export(await spans());
    expect(result.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    if (!result.ok) expect(result.error).toMatch(/network error: .*(Timeout|abort)/i);
  });

  it('retries network errors and fails within the deadline', async () => {
    const closed = url.replace(/:\d+\//, ':1/');
    const exporter = createOtlpExporter({
      endpoint: closed,
      timeoutMs: 500,
      initialBackoffMs: 20,
      maxAttempts: 3,
    });
    const result = await exporter.export(await spans());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/network error/);
  });

  it('reads a partial success', async () => {
    replies.push(
      status(200, JSON.stringify({ partialSuccess: { rejectedSpans: '1', errorMessage: 'too old' } })),
    );
    const exporter = createOtlpExporter({ endpoint: url });
    expect(await exporter.export(await spans())).toEqual({ ok: true, rejected: 1, message: 'too old' });
  });

  it('exports nothing without an endpoint, and nothing after shutdown', async () => {
    const none = createOtlpExporter({ env: {} });
    expect(await none.export(await spans())).toEqual({ ok: true });
    const exporter = createOtlpExporter({ endpoint: url });
    await exporter.shutdown?.();
    expect((await exporter.export(await spans())).ok).toBe(false);
    expect(received).toHaveLength(0);
  });

  it('never throws, even when fetch itself throws synchronously', async () => {
    const exporter = createOtlpExporter({
      endpoint: url,
      maxAttempts: 1,
      fetch: () => {
        throw new TypeError('broken fetch');
      },
    });
    const result = await exporter.export(await spans());
    expect(result).toMatchObject({ ok: false, retryable: true });
  });

  it('splits a batch into requests no larger than maxBodyBytes', async () => {
    const exporter = createOtlpExporter({ endpoint: url, maxBodyBytes: 2_048 });
    const batch = await spans(30);
    expect(await exporter.export(batch)).toEqual({ ok: true });
    expect(received.length).toBeGreaterThan(1);
    const sent = received.flatMap((r) => {
      expect(r.body.length).toBeLessThanOrEqual(2_048);
      return JSON.parse(r.body.toString()).resourceSpans[0].scopeSpans[0].spans.map(
        (s: { name: string }) => s.name,
      );
    });
    expect(sent).toEqual(batch.map((s) => s.name));
  });

  it('names itself in User-Agent, which a configured header can replace', async () => {
    await createOtlpExporter({ endpoint: url }).export(await spans(1));
    await createOtlpExporter({ endpoint: url, headers: { 'User-Agent': 'mine/1' } }).export(await spans(1));
    expect(received[0]?.headers['user-agent']).toBe(`edgetrace-otlp-js/${VERSION}`);
    expect(received[0]?.headers['user-agent']).toBe(USER_AGENT);
    expect(received[1]?.headers['user-agent']).toBe('mine/1');
  });

  it('reads at most maxResponseBytes of an answer; a larger one fails without retry', async () => {
    const huge = JSON.stringify({
      partialSuccess: { rejectedSpans: '1', errorMessage: 'x'.repeat(64 * 1024) },
    });
    const chunked: Reply = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(huge.slice(0, 40_000));
      res.end(huge.slice(40_000));
    };
    replies.push(status(200, huge), chunked, status(503, huge));
    const exporter = createOtlpExporter({ endpoint: url, maxResponseBytes: 32 * 1024 });
    for (let i = 0; i < 3; i++) {
      const result = await exporter.export(await spans(1));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.retryable).toBe(false);
        expect(result.error).toMatch(/over 32768 bytes/);
      }
    }
    // One attempt each: nothing was retried.
    expect(received).toHaveLength(3);
    // Within the limit, the same answer is read as a partial success.
    replies.push(status(200, huge));
    const read = await createOtlpExporter({ endpoint: url }).export(await spans(1));
    expect(read).toMatchObject({ ok: true, rejected: 1 });
  });

  it('sends bodies the official OTLP definitions read exactly', async () => {
    await createOtlpExporter({ endpoint: url }).export(await spans(3));
    checkOfficialOtlpJson(new Uint8Array(received[0]?.body ?? []));
  });

  it('rejects invalid options at creation', () => {
    expect(() => createOtlpExporter({ maxAttempts: 0 })).toThrow(ConfigError);
    expect(() => createOtlpExporter({ maxBodyBytes: 10 })).toThrow(/maxBodyBytes must be/);
    expect(() => createOtlpExporter({ endpoint: 'nope' })).toThrow(/not a URL/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores junk', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
