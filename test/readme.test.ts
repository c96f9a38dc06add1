// Every package README's first snippet, extracted from the README itself and run exactly as
// printed — against the mock GPU server where it calls one, with `INFERENCE_URL` pointing at
// it as the READMEs say. The snippets also live in packages/*/examples, where `tsc` checks them;
// the README must show that file verbatim. And the mock server's README commands work.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createMemoryExporter, createTracerProvider } from '@edgetrace/core';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type MockServer, startMockInference } from '../apps/mock-inference/src/server.js';
import { executionContext } from '../packages/handler/src/test-support/execution-context.js';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** The first fenced block of `language` in a README (after the line `heading`, when given). */
function firstBlock(readme: string, language: string, heading?: string): string {
  const from = heading === undefined ? 0 : readme.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`no heading ${heading}`);
  const match = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(readme.slice(from));
  if (match?.[1] === undefined) throw new Error(`no ${language} block`);
  return match[1];
}

// Written inside test/ (git-ignored) so that the snippet's imports resolve as they would in an
// app that installed the packages.
const snippets = new URL('./.readme-snippets/', import.meta.url);
let counter = 0;

/** Writes `package`'s first README snippet (of a section, when given), as printed, to a module and imports it. */
async function runSnippet(pkg: string, heading?: string): Promise<Record<string, unknown>> {
  const code = firstBlock(read(`packages/${pkg}/README.md`), 'ts', heading);
  mkdirSync(snippets, { recursive: true });
  const file = new URL(`${pkg}-${counter++}.ts`, snippets);
  writeFileSync(file, code);
  return (await import(file.pathname)) as Record<string, unknown>;
}

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockInference({ port: 0 });
});
afterAll(() => mock.close());
afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('README first snippets, run as printed', () => {
  it.each([
    ['core', 'quick-start.ts'],
    ['fetch', 'traced-fetch.ts'],
    ['handler', 'worker.ts'],
    ['hono', 'worker.ts'],
    ['inference', 'openai-stream.ts'],
  ])('@edgetrace/%s shows its type-checked example verbatim', (pkg, example) => {
    expect(firstBlock(read(`packages/${pkg}/README.md`), 'ts').trim()).toBe(
      read(`packages/${pkg}/examples/${example}`).trim(),
    );
  });

  it('@edgetrace/core prints the span it made', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await runSnippet('core');
    expect(log).toHaveBeenCalledWith(['charge']);
  });

  it('@edgetrace/otlp sets up a provider that exports to the endpoint it names', async () => {
    await runSnippet('otlp');
    expect(trace.getTracerProvider().getTracer('x').startSpan('s').isRecording()).toBe(true);
  });

  it('@edgetrace/fetch traces a call to the mock server, which receives the trace', async () => {
    vi.stubEnv('INFERENCE_URL', mock.url);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await runSnippet('fetch');
    expect(log).toHaveBeenCalledWith([200]);
  });

  it('@edgetrace/hono traces a request through to the upstream', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { default: app } = (await runSnippet('hono')) as {
      default: {
        request: (path: string, init: RequestInit, env: unknown, ctx: unknown) => Promise<Response>;
      };
    };
    const pending: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => pending.push(p),
      passThroughOnException() {},
      props: {},
    };
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await app.request(
      '/models',
      { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
      { INFERENCE_URL: mock.url },
      ctx,
    );
    expect(await response.json()).toEqual({ object: 'list', data: [{ id: 'mock-model', object: 'model' }] });
    await Promise.all(pending);
    const line = JSON.parse(String(log.mock.calls[0]?.[0])) as Record<string, string>;
    expect(line.trace_id).toBe(traceId);
    expect(line.msg).toBe('listing models');
    expect((await app.request('/healthz', {}, {}, ctx)).status).toBe(200);
  });

  it('@edgetrace/handler traces a request, the queue message it sends, its consumer and a cron tick', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { default: worker } = (await runSnippet('handler')) as {
      default: Record<
        'fetch' | 'queue' | 'scheduled',
        (event: unknown, env: unknown, ctx: unknown) => Promise<unknown>
      >;
    };
    const sent: unknown[] = [];
    const env = { INFERENCE_URL: mock.url, OTEL_TRACES_EXPORTER: 'console', JOBS: fakeQueue(sent) };
    const { ctx, pending } = executionContext();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const request = new Request('https://edge.example/?model=m1', {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const response = (await worker.fetch(request, env, ctx)) as Response;
    expect(await response.json()).toEqual({ object: 'list', data: [{ id: 'mock-model', object: 'model' }] });
    const acked: string[] = [];
    const message = { id: 'msg-1', body: sent[0], ack: () => acked.push('msg-1'), retry: () => {} };
    await worker.queue({ queue: 'jobs', messages: [message] }, env, ctx);
    await worker.scheduled({ cron: '*/5 * * * *', scheduledTime: Date.UTC(2026, 10, 29) }, env, ctx);
    await Promise.all(pending);
    const lines = log.mock.calls.map((call) => call.map(String).join(' '));
    // The consumer got the body as the producer's caller wrote it.
    expect(lines).toContain('warming [object Object]');
    expect(log.mock.calls.find((call) => call[0] === 'warming')?.[1]).toEqual({ model: 'm1' });
    expect(lines).toContain('tick');
    const spans = printedSpans(log);
    const find = (kind: string, name: string) => spans.find((s) => s.kind === kind && s.name === name);
    const server = find('SERVER', 'GET');
    const producer = find('PRODUCER', 'send jobs');
    const consumer = find('CONSUMER', 'process jobs');
    const cron = find('SERVER', 'scheduled */5 * * * *');
    expect(server?.trace).toBe(traceId);
    expect(producer).toMatchObject({ trace: traceId, parent: server?.id });
    expect(consumer).toMatchObject({ trace: traceId, parent: producer?.id });
    const calls = spans.filter((s) => s.kind === 'CLIENT');
    expect(calls.map((c) => c.parent).sort()).toEqual([server?.id, consumer?.id].sort());
    expect(cron?.parent).toBe('root');
    expect(cron?.trace).not.toBe(traceId);
  });

  it('@edgetrace/inference streams from the mock server through the openai SDK and prints the usage', async () => {
    vi.stubEnv('INFERENCE_URL', mock.url);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await runSnippet('inference');
    expect(write.mock.calls.map((c) => c[0]).join('').length).toBeGreaterThan(0);
    expect(log).toHaveBeenCalledWith(4);
  });
});

/** The console exporter's lines a spy saw, as spans: trace, id, parent, kind, name and the rest. */
function printedSpans(log: { mock: { calls: unknown[][] } }) {
  return log.mock.calls.flatMap((call) => {
    const match = /^([0-9a-f]{32})\/([0-9a-f]{16}) ← (\S+) (\w+) "([^"]*)"(.*)$/.exec(String(call[0]));
    return match
      ? [{ trace: match[1], id: match[2], parent: match[3], kind: match[4], name: match[5], rest: match[6] }]
      : [];
  });
}

/** A queue producer binding that keeps what is sent to it in `sent`. */
const fakeQueue = (sent: unknown[]) => ({
  send: async (body: unknown) => void sent.push(body),
  sendBatch: async () => {},
});

describe('README sections of each new entry point, their first snippet run as printed', () => {
  it('@edgetrace/handler instrumentHandler: a SERVER span named by the route', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { default: worker } = (await runSnippet('handler', '## `instrumentHandler(handler, options)`')) as {
      default: { fetch: (request: Request, env: unknown, ctx: unknown) => Promise<Response> };
    };
    const { ctx, pending } = executionContext();
    const response = await worker.fetch(
      new Request('https://edge.example/users/42'),
      { OTEL_TRACES_EXPORTER: 'console' },
      ctx,
    );
    expect(await response.json()).toEqual({ id: '42' });
    await Promise.all(pending);
    const [span] = printedSpans(log);
    expect(span).toMatchObject({ kind: 'SERVER', name: 'GET /users/:id', parent: 'root' });
    expect(span?.rest).toContain('http.route="/users/:id"');
  });

  it('@edgetrace/handler instrumentWorker: a SERVER span per cron invocation', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { default: worker } = (await runSnippet('handler', '## `instrumentWorker(worker, options)`')) as {
      default: { scheduled: (event: unknown, env: unknown, ctx: unknown) => Promise<void> };
    };
    const { ctx, pending } = executionContext();
    await worker.scheduled(
      { cron: '0 3 * * *', scheduledTime: Date.UTC(2026, 10, 29, 3) },
      { OTEL_TRACES_EXPORTER: 'console' },
      ctx,
    );
    await Promise.all(pending);
    expect(log.mock.calls.map(String)).toContain('nightly job for,0 3 * * *');
    const [span] = printedSpans(log);
    expect(span).toMatchObject({ kind: 'SERVER', name: 'scheduled 0 3 * * *' });
    expect(span?.rest).toContain('faas.trigger="timer"');
    expect(span?.rest).toContain('faas.time="2026-11-29T03:00:00.000Z"');
  });

  it('@edgetrace/handler instrumentQueue: the message carries the trace it was sent in', async () => {
    const { enqueue } = (await runSnippet('handler', '## `instrumentQueue(queue, options)`')) as {
      enqueue: (queue: unknown, prompt: string) => Promise<void>;
    };
    const provider = createTracerProvider({ exporter: createMemoryExporter() });
    provider.register();
    const sent: unknown[] = [];
    const queue = fakeQueue(sent);
    const parent = provider.getTracer('test').startSpan('request');
    await context.with(trace.setSpan(context.active(), parent), () => enqueue(queue, 'later'));
    const [body] = sent as { prompt: string; __traceContext: { traceparent: string } }[];
    expect(body?.prompt).toBe('later');
    expect(body?.__traceContext.traceparent).toMatch(new RegExp(`^00-${parent.spanContext().traceId}-`));
  });

  it('@edgetrace/fetch instrumentGlobalFetch: runs as printed and its restore leaves the global as it found it', async () => {
    const original = globalThis.fetch;
    await runSnippet('fetch', '## `instrumentGlobalFetch(options)`');
    expect(globalThis.fetch).toBe(original);
  });
});

describe('the mock server README', () => {
  it('builds with the command it gives, and starts with the one after it', async () => {
    const [build, start] = firstBlock(read('apps/mock-inference/README.md'), 'sh').trim().split('\n');
    const [tool, ...args] = (build ?? '').split(' ');
    execFileSync(tool ?? '', args, { cwd: root, stdio: 'pipe' });
    // The start command as printed, on a free port instead of 8000.
    const [node, ...rest] = (start ?? '').replace('--port 8000', '--port 0').split(' ');
    expect(node).toBe('node');
    const child = spawn(process.execPath, rest, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => resolve(data.toString()));
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(line).toMatch(
        /^mock GPU server on http:\/\/127\.0\.0\.1:\d+ \(spans to http:\/\/127\.0\.0\.1:4318\/v1\/traces\)/,
      );
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
