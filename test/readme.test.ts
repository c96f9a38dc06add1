// README snippets are real files under packages/*/examples: this checks each README shows its
// example verbatim, and runs the example.
import { readFileSync } from 'node:fs';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startUpstream } from './support/upstream.js';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  vi.restoreAllMocks();
});

describe('README examples', () => {
  it('@edgetrace/core quick start is in the README and prints the span it made', async () => {
    const example = read('packages/core/examples/quick-start.ts');
    expect(read('packages/core/README.md')).toContain(example.trim());
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('../packages/core/examples/quick-start.js');
    expect(log).toHaveBeenCalledWith(['charge']);
  });

  it('@edgetrace/fetch example is in the README and traces a call to a local server', async () => {
    const example = read('packages/fetch/examples/traced-fetch.ts');
    expect(read('packages/fetch/README.md')).toContain(example.trim());
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    });
    vi.stubEnv('INFERENCE_URL', upstream.url);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import('../packages/fetch/examples/traced-fetch.js');
    } finally {
      vi.unstubAllEnvs();
      await upstream.close();
    }
    expect(log).toHaveBeenCalledWith([200]);
    // 127.0.0.1 is private: the example's call carried the trace.
    expect(upstream.received[0]?.headers.traceparent).toMatch(/^00-/);
  });

  it('@edgetrace/hono example is in the README and traces a request through to the upstream', async () => {
    const example = read('packages/hono/examples/worker.ts');
    expect(read('packages/hono/README.md')).toContain(example.trim());
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":["llama"]}');
    });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { default: app } = await import('../packages/hono/examples/worker.js');
    const pending: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => pending.push(p),
      passThroughOnException() {},
      props: {},
    };
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const response = await app.request(
        '/models',
        { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
        { INFERENCE_URL: upstream.url },
        ctx as never,
      );
      expect(await response.json()).toEqual({ data: ['llama'] });
      await Promise.all(pending);
      expect(upstream.received[0]?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-`));
      const line = JSON.parse(String(log.mock.calls[0]?.[0])) as Record<string, string>;
      expect(line.trace_id).toBe(traceId);
      expect(line.msg).toBe('listing models');
      expect((await app.request('/healthz')).status).toBe(200);
    } finally {
      await upstream.close();
    }
  });

  it('@edgetrace/inference example is in the README and traces an OpenAI SDK stream', async () => {
    const { OPENAI_CHAT_STREAM } = await import('../packages/inference/src/test-support/fixtures.js');
    const example = read('packages/inference/examples/openai-stream.ts');
    expect(read('packages/inference/README.md')).toContain(example.trim());
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' }).end(OPENAI_CHAT_STREAM.join(''));
    });
    vi.stubEnv('INFERENCE_URL', `${upstream.url}/v1`);
    vi.stubEnv('OPENAI_API_KEY', 'sk-local');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await import('../packages/inference/examples/openai-stream.js');
    } finally {
      vi.unstubAllEnvs();
      await upstream.close();
    }
    expect(write.mock.calls.map((c) => c[0]).join('')).toBe('Héllo wörld 😀');
    expect(log).toHaveBeenCalledWith(4);
  });
});
