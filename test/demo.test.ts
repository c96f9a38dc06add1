// The demo end to end: a client → the demo Worker in workerd → the mock GPU server on Node, with
// both exporting to the viewer. One streaming request makes one trace across both services.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEventStream } from '@edgetrace/inference';
import { describe, expect, it } from 'vitest';
import type { ViewerSpan } from '../apps/viewer/src/decode.js';
import { DEMO_WORKER_ENTRY, useDemoStack } from './support/demo-stack.js';
import { responseTraceId } from './support/otlp-spans.js';
import { startWorker } from './support/workerd.js';

const FAST = { 'x-mock-queue-ms': '2', 'x-mock-prefill-ms': '5', 'x-mock-token-ms': '3' };
const CHAT = {
  model: 'llama-3.1-8b-instruct',
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: 6,
  messages: [{ role: 'user', content: 'Tell me about the fox' }],
};

const stack = useDemoStack({ OTEL_SERVICE_NAME: 'demo-worker' });
const { worker } = stack;

async function streamedText(response: Response): Promise<string> {
  let text = '';
  for await (const event of readEventStream(response)) {
    text +=
      (event.json as { choices?: { delta?: { content?: string } }[] } | undefined)?.choices?.[0]?.delta
        ?.content ?? '';
  }
  return text;
}

function traceOf(traceId: string): ViewerSpan[] {
  return stack.viewer.store.get(traceId) ?? [];
}

describe('the demo, end to end', () => {
  it('makes one trace: Worker SERVER → inference CLIENT → mock SERVER → queue, prefill, decode', async () => {
    const response = await worker.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { ...FAST, 'content-type': 'application/json' },
      body: JSON.stringify(CHAT),
    });
    const traceId = responseTraceId(response);
    expect(await streamedText(response)).toBe('The quick brown fox jumps over');
    await expect.poll(() => traceOf(traceId).length, { timeout: 10_000 }).toBe(6);
    const spans = traceOf(traceId);
    const edge = spans.find((s) => s.service === 'demo-worker' && s.kind === 2);
    const generation = spans.find((s) => s.service === 'demo-worker' && s.kind === 3);
    const gpu = spans.find((s) => s.service === 'mock-gpu' && s.kind === 2);
    expect(edge?.name).toBe('POST /v1/chat/completions');
    expect(edge?.parentSpanId).toBeUndefined();
    expect(generation?.name).toBe('chat llama-3.1-8b-instruct');
    expect(generation?.parentSpanId).toBe(edge?.spanId);
    expect(gpu?.parentSpanId).toBe(generation?.spanId);
    const phases = spans.filter((s) => s.parentSpanId === gpu?.spanId).map((s) => [s.name, s.service]);
    expect(phases.sort()).toEqual([
      ['decode', 'mock-gpu'],
      ['prefill', 'mock-gpu'],
      ['queue', 'mock-gpu'],
    ]);
    expect(generation?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'llama-3.1-8b-instruct',
      'gen_ai.response.model': 'llama-3.1-8b-instruct',
      'gen_ai.usage.output_tokens': 6,
      'gen_ai.response.finish_reasons': ['length'],
    });
    expect(generation?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
  });

  it('ends both edge spans as cancelled when the client disconnects mid-stream', async () => {
    const response = await worker.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { ...FAST, 'x-mock-token-ms': '20', 'content-type': 'application/json' },
      body: JSON.stringify({ ...CHAT, max_tokens: 200 }),
    });
    const traceId = responseTraceId(response);
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.read();
    await reader?.cancel();
    await expect
      .poll(() => traceOf(traceId).filter((s) => s.service === 'demo-worker').length, { timeout: 10_000 })
      .toBe(2);
    for (const span of traceOf(traceId).filter((s) => s.service === 'demo-worker')) {
      expect(span.attributes['edgetrace.response.cancelled']).toBe(true);
      expect(span.status.code).toBe(0);
    }
  });

  it('serves Triton generate, parallel calls and an injected upstream failure', async () => {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      worker.fetch(path, { method: 'POST', headers: { ...FAST, ...headers }, body: JSON.stringify(body) });
    const triton = await post('/generate', { prompt: 'Grüß Gott', model: 'ensemble', max_tokens: 3 });
    expect(await triton.json()).toMatchObject({ model_name: 'ensemble', text_output: 'The quick brown' });
    const compare = (await (await post('/compare', { prompt: 'hi' })).json()) as {
      answers: { status: number }[];
    };
    expect(compare.answers.map((a) => a.status)).toEqual([200, 200]);
    const failed = await post('/v1/chat/completions', CHAT, { 'x-mock-fault': 'status=503' });
    expect(failed.status).toBe(503);
    const traceId = responseTraceId(failed);
    await expect
      .poll(() => traceOf(traceId).find((s) => s.kind === 3)?.attributes['error.type'], { timeout: 10_000 })
      .toBe('overloaded_error');
  });

  it('carries a queued job’s generation in the trace of the request that queued it', async () => {
    const response = await worker.fetch('/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Later, please', model: 'qwen2.5-7b-instruct' }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      queued: { prompt: 'Later, please', model: 'qwen2.5-7b-instruct' },
    });
    const traceId = responseTraceId(response);
    await expect.poll(() => traceOf(traceId).length, { timeout: 15_000 }).toBe(8);
    const spans = traceOf(traceId);
    const edge = spans.find((s) => s.kind === 2 && s.service === 'demo-worker');
    const producer = spans.find((s) => s.kind === 4);
    const consumer = spans.find((s) => s.kind === 5);
    const generation = spans.find((s) => s.kind === 3 && s.service === 'demo-worker');
    const gpu = spans.find((s) => s.kind === 2 && s.service === 'mock-gpu');
    expect(edge?.name).toBe('POST /jobs');
    expect(producer?.name).toBe('send edgetrace-demo-jobs');
    expect(producer?.parentSpanId).toBe(edge?.spanId);
    expect(consumer?.name).toBe('process edgetrace-demo-jobs');
    expect(consumer?.parentSpanId).toBe(producer?.spanId);
    expect(generation?.name).toBe('chat qwen2.5-7b-instruct');
    expect(generation?.parentSpanId).toBe(consumer?.spanId);
    expect(gpu?.parentSpanId).toBe(generation?.spanId);
  });

  it('answers the client the same when the collector is dead', async () => {
    const dead = await startWorker({
      entry: DEMO_WORKER_ENTRY,
      compatibilityFlags: ['nodejs_compat'],
      bindings: {
        INFERENCE_URL: stack.mock.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        OTEL_SERVICE_NAME: 'demo-worker',
      },
    });
    try {
      const response = await dead.fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { ...FAST, 'content-type': 'application/json' },
        body: JSON.stringify(CHAT),
      });
      expect(response.status).toBe(200);
      expect(await streamedText(response)).toBe('The quick brown fox jumps over');
      expect(await (await dead.fetch('/healthz')).text()).toBe('ok');
    } finally {
      await dead.dispose();
    }
  });

  it('builds for deployment: wrangler deploy --dry-run', () => {
    const out = mkdtempSync(join(tmpdir(), 'demo-dry-run-'));
    try {
      const log = execFileSync('pnpm', ['exec', 'wrangler', 'deploy', '--dry-run', '--outdir', out], {
        cwd: new URL('../apps/demo-worker/', import.meta.url).pathname,
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
        encoding: 'utf8',
      });
      expect(log).toContain('--dry-run: exiting now.');
      expect(log).toContain('env.INFERENCE_URL');
      expect(log).toContain('env.JOBS');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
