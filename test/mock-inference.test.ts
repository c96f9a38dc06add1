// The mock GPU server: its wire formats (read back with our own SSE reader), its faults, and
// its own spans — a SERVER span continuing the caller's trace, with queue/prefill/decode children.
import { readEventStream } from '@edgetrace/inference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockInference } from '../apps/mock-inference/src/server.js';
import { startViewer, type Viewer } from '../apps/viewer/src/server.js';

let viewer: Viewer;
let mock: MockServer;
const FAST = { 'x-mock-queue-ms': '1', 'x-mock-prefill-ms': '2', 'x-mock-token-ms': '1' };

beforeAll(async () => {
  viewer = await startViewer({ port: 0, print: false, settleMs: 10 });
  mock = await startMockInference({ port: 0, otlpEndpoint: `${viewer.url}/v1/traces` });
});
afterAll(async () => {
  await mock?.close();
  await viewer?.close();
});

async function events(response: Response): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const event of readEventStream(response)) out.push(event.json ?? event.data);
  return out;
}

describe('the mock GPU server', () => {
  it('streams OpenAI chat chunks with usage and [DONE], and traces itself under the caller', async () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        ...FAST,
        traceparent: `00-${traceId}-eee19b7ec3c1b174-01`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'llama',
        stream: true,
        max_tokens: 3,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi there' }],
      }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const all = await events(response);
    const content = all
      .map((e) => (e as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '')
      .join('');
    expect(content).toBe('The quick brown');
    expect(all.at(-1)).toBe('[DONE]');
    expect((all.at(-2) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);
    await expect.poll(() => viewer.store.get(traceId)?.length ?? 0).toBe(4);
    const spans = viewer.store.get(traceId) ?? [];
    const server = spans.find((s) => s.kind === 2);
    expect(server?.name).toBe('POST /v1/chat/completions');
    expect(server?.parentSpanId).toBe('eee19b7ec3c1b174');
    expect(server?.service).toBe('mock-gpu');
    const children = spans.filter((s) => s.parentSpanId === server?.spanId).map((s) => s.name);
    expect(children.sort()).toEqual(['decode', 'prefill', 'queue']);
    expect(spans.find((s) => s.name === 'decode')?.attributes['gen_ai.usage.output_tokens']).toBe(3);
  });

  it('answers whole chat completions, completions and Triton generate', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${mock.url}${path}`, { method: 'POST', headers: FAST, body: JSON.stringify(body) }).then((r) =>
        r.json(),
      );
    const chat = (await post('/v1/chat/completions', { model: 'm', max_tokens: 2 })) as {
      choices: { message: { content: string } }[];
      usage: { completion_tokens: number };
    };
    expect(chat.choices[0]?.message.content).toBe('The quick');
    expect(chat.usage.completion_tokens).toBe(2);
    const completion = (await post('/v1/completions', { model: 'm', prompt: 'a b', max_tokens: 1 })) as {
      choices: { text: string }[];
    };
    expect(completion.choices[0]?.text).toBe('The');
    const triton = (await post('/v2/models/ensemble/generate', { text_input: 'x', max_tokens: 2 })) as Record<
      string,
      unknown
    >;
    expect(triton).toMatchObject({ model_name: 'ensemble', model_version: '1', text_output: 'The quick' });
  });

  it('streams Triton generate_stream events ending with sequence_end', async () => {
    const response = await fetch(`${mock.url}/v2/models/ensemble/generate_stream`, {
      method: 'POST',
      headers: FAST,
      body: JSON.stringify({ text_input: 'x', max_tokens: 2, stream: true }),
    });
    const all = (await events(response)) as { text_output: string; sequence_end: boolean }[];
    expect(all.map((e) => e.text_output).join('')).toBe('The quick');
    expect(all.at(-1)?.sequence_end).toBe(true);
  });

  it('injects faults chosen per request: a status, a malformed chunk, an abort mid-stream', async () => {
    const post = (fault: string) =>
      fetch(`${mock.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...FAST, 'x-mock-fault': fault },
        body: JSON.stringify({ model: 'm', stream: true, max_tokens: 4 }),
      });
    const failed = await post('status=503');
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { error: { type: string } }).error.type).toBe('overloaded_error');
    const malformed = await (await post('malformed=1')).text();
    expect(malformed).toContain('data: {"choices": [ this is not JSON');
    expect(malformed).toContain('data: [DONE]');
    await expect((await post('abort=2')).text()).rejects.toThrow();
  });
});
