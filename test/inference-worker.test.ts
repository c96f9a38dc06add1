// Streaming inference through a real workerd: the proxy pattern with a client that reads it all
// or cancels mid-generation, and a Worker that reads the stream itself. The spans arrive over
// OTLP at a real receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAI_CHAT_REQUEST, OPENAI_CHAT_STREAM } from '../packages/inference/src/test-support/fixtures.js';
import { attribute, receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { startUpstream, type Upstream, writeSlowly } from './support/upstream.js';
import { useWorker, WORKERD_RUNTIMES } from './support/workerd.js';

const entry = new URL('./fixtures/inference-worker.ts', import.meta.url).pathname;

let upstream: Upstream;
let receiver: Receiver;
// A long generation for the cancel test: the fixture's first chunks, then many more tokens.
const LONG = [...OPENAI_CHAT_STREAM.slice(0, 3), ...Array(300).fill(OPENAI_CHAT_STREAM[2] as string)];

beforeAll(async () => {
  receiver = await startReceiver();
  upstream = await startUpstream(async (request, response) => {
    const long = JSON.parse(request.body).max_tokens === 1000;
    await writeSlowly(response, long ? LONG : OPENAI_CHAT_STREAM, 5);
  });
});
afterAll(async () => {
  await upstream?.close();
  await receiver?.close();
});

const spans = () => receivedSpans(receiver.url);

describe.each(WORKERD_RUNTIMES)('streaming inference in workerd with $name', (runtime) => {
  const worker = useWorker(() => ({
    entry,
    ...runtime,
    bindings: {
      INFERENCE_URL: upstream.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'edge-api',
    },
  }));

  it('proxies the stream byte for byte and records the generation under the server span', async () => {
    await receiver.reset();
    const response = await worker.fetch('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify(OPENAI_CHAT_REQUEST),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe(OPENAI_CHAT_STREAM.join(''));
    await expect.poll(async () => (await spans()).length, { timeout: 10_000 }).toBe(2);
    const all = await spans();
    const server = all.find((s) => s.kind === 2);
    const generation = all.find((s) => s.kind === 3);
    expect(generation?.name).toBe('chat meta-llama/Llama-3.1-8B-Instruct');
    expect(generation?.parentSpanId).toBe(server?.spanId);
    expect(attribute(generation, 'gen_ai.usage.output_tokens')).toBe('4');
    expect(attribute(generation, 'gen_ai.response.finish_reasons')).toEqual({
      values: [{ stringValue: 'stop' }],
    });
    expect(Number(attribute(generation, 'gen_ai.response.time_to_first_chunk'))).toBeGreaterThanOrEqual(0);
    expect(Number(attribute(server, 'edgetrace.response.time_to_first_chunk'))).toBeGreaterThanOrEqual(0);
  });

  it('ends both spans once, as cancelled, when the client disconnects mid-generation', async () => {
    await receiver.reset();
    const response = await worker.fetch('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ ...OPENAI_CHAT_REQUEST, max_tokens: 1000 }),
    });
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.read();
    await reader?.cancel();
    await upstream.closedEarly();
    await expect.poll(async () => (await spans()).length, { timeout: 10_000 }).toBe(2);
    const all = await spans();
    const server = all.find((s) => s.kind === 2);
    const generation = all.find((s) => s.kind === 3);
    expect(attribute(server, 'edgetrace.response.cancelled')).toBe(true);
    expect(attribute(generation, 'edgetrace.response.cancelled')).toBe(true);
    expect(generation?.status?.code ?? 0).toBe(0);
    expect(Number(attribute(generation, 'edgetrace.inference.chunks'))).toBeGreaterThan(0);
    expect(Number(attribute(generation, 'edgetrace.inference.chunks'))).toBeLessThan(LONG.length);
  });

  it('traces a stream the Worker reads itself with readEventStream', async () => {
    await receiver.reset();
    const response = await worker.fetch('/summary', {
      method: 'POST',
      body: JSON.stringify(OPENAI_CHAT_REQUEST),
    });
    expect(await response.json()).toEqual({ text: 'Héllo wörld 😀' });
    await expect.poll(async () => (await spans()).length, { timeout: 10_000 }).toBe(2);
    const generation = (await spans()).find((s) => s.kind === 3);
    expect(attribute(generation, 'gen_ai.usage.input_tokens')).toBe('21');
    expect(generation?.status?.code ?? 0).toBe(0);
  });
});
