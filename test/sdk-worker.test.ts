// The real SDK clients inside a real workerd: `openai`, `@anthropic-ai/sdk` and the AI SDK, each
// with instrumentInference as its fetch, against recorded transcripts replayed on 127.0.0.1.
// The spans arrive over OTLP at a real receiver, below the Worker's server span.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CASES,
  loadRecording,
  type Recording,
  TRUTH_KEYS,
  type Truth,
  truthOf,
} from '../packages/inference/src/test-support/recordings.js';
import { type ReplayServer, startReplay } from '../packages/inference/src/test-support/replay-server.js';
import { type ExportedSpan, receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';
import { useWorker, WORKERD_RUNTIMES } from './support/workerd.js';

const entry = new URL('./fixtures/sdk-worker.ts', import.meta.url).pathname;

let replay: ReplayServer;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  replay = await startReplay();
});
afterAll(async () => {
  await replay?.close();
  await receiver?.close();
});

function recorded(name: string): { recording: Recording; truth: Truth } {
  const found = CASES.find((c) => c.name.endsWith(`/${name}`));
  if (found === undefined) throw new Error(name);
  const recording = loadRecording(found);
  return { recording, truth: truthOf(found, recording) };
}

/** An OTLP attribute value as the plain value the span was given. */
function plain(value: Record<string, unknown> | undefined): unknown {
  if (value === undefined) return undefined;
  if ('intValue' in value) return Number(value.intValue);
  if ('arrayValue' in value) {
    const { values = [] } = value.arrayValue as { values?: Record<string, unknown>[] };
    return values.map(plain);
  }
  return Object.values(value)[0];
}

const read = (span: ExportedSpan | undefined, key: string): unknown =>
  plain(span?.attributes?.find((a) => a.key === key)?.value);

function expectTruth(span: ExportedSpan | undefined, truth: Truth): void {
  expect(Object.fromEntries(TRUTH_KEYS.map((key) => [key, read(span, key)]))).toEqual(truth);
}

/** Waits for `count` spans and returns the server span and the inference scope's span. */
async function spans(
  count: number,
): Promise<{ all: ExportedSpan[]; server: ExportedSpan | undefined; wire: ExportedSpan | undefined }> {
  await expect.poll(async () => (await receivedSpans(receiver.url)).length, { timeout: 10_000 }).toBe(count);
  const all = await receivedSpans(receiver.url);
  return {
    all,
    server: all.find((s) => s.kind === 2),
    wire: all.find((s) => s.kind === 3 && s.name !== 'anthropic.messages.create'),
  };
}

// The SDKs' bundles need Node's modules: the runtime with Node compatibility.
const asyncContext = WORKERD_RUNTIMES.filter((runtime) =>
  runtime.compatibilityFlags.includes('nodejs_compat'),
);

describe.each(asyncContext)('SDK clients in workerd with $name', (runtime) => {
  const worker = useWorker(() => ({
    entry,
    ...runtime,
    bindings: {
      INFERENCE_URL: replay.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'edge-api',
    },
  }));

  it('openai, read to the end: the transcript’s truth, complete, below the server span', async () => {
    await receiver.reset();
    const { recording, truth } = recorded('openai-chat-stream-usage');
    replay.serve(recording);
    const response = await worker.fetch('/openai/read', { method: 'POST' });
    expect(((await response.json()) as { text: string }).text.length).toBeGreaterThan(0);
    const { server, wire } = await spans(2);
    expect(wire?.parentSpanId).toBe(server?.spanId);
    expectTruth(wire, truth);
    expect(wire?.status?.code ?? 0).toBe(0);
    expect(read(wire, 'edgetrace.response.cancelled')).toBeUndefined();
  });

  it('openai, break mid-generation and abort while a read is pending: cancelled, never an error', async () => {
    for (const mode of ['break', 'abort']) {
      await receiver.reset();
      replay.serve(recorded('openai-chat-stream-usage').recording, { kind: 'hang' });
      const response = await worker.fetch(`/openai/${mode}`, { method: 'POST' });
      expect(response.status).toBe(200);
      const { wire } = await spans(2);
      expect(wire?.status?.code ?? 0).toBe(0);
      expect(read(wire, 'edgetrace.response.cancelled')).toBe(true);
      expect(read(wire, 'error.type')).toBeUndefined();
      expect(read(wire, 'gen_ai.response.finish_reasons')).toEqual(['error']);
    }
  });

  it('@anthropic-ai/sdk with its own tracing off, then on: usage is counted once', async () => {
    const { recording, truth } = recorded('anthropic-messages-stream-text');
    await receiver.reset();
    replay.serve(recording);
    expect(
      ((await (await worker.fetch('/anthropic/off', { method: 'POST' })).json()) as { text: string }).text,
    ).toBe('Hello there!');
    const off = await spans(2);
    expectTruth(off.wire, truth);
    await receiver.reset();
    await worker.fetch('/anthropic/on', { method: 'POST' });
    const on = await spans(3);
    const sdk = on.all.find((s) => s.name === 'anthropic.messages.create');
    const withUsage = on.all.filter((s) => s.attributes?.some((a) => a.key.startsWith('gen_ai.usage.')));
    expect(withUsage.map((s) => s.name)).toEqual(['anthropic.messages.create']);
    expect(on.wire?.parentSpanId).toBe(sdk?.spanId);
    expect(read(on.wire, 'edgetrace.inference.chunks')).toBeGreaterThan(0);
  });

  it('the AI SDK streams TGI’s recorded answer: the transcript’s truth', async () => {
    await receiver.reset();
    const { recording, truth } = recorded('tgi-chat-stream');
    replay.serve(recording, { kind: 'pieces', size: 5 });
    const response = await worker.fetch('/ai', { method: 'POST' });
    expect(((await response.json()) as { text: string }).text.length).toBeGreaterThan(0);
    const { wire } = await spans(2);
    expectTruth(wire, truth);
    expect(wire?.status?.code ?? 0).toBe(0);
  });
});
