import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { OpenTelemetry } from '@ai-sdk/otel';
import Anthropic from '@anthropic-ai/sdk';
import {
  createMemoryExporter,
  createSimpleProcessor,
  createTracerProvider,
  type SpanData,
} from '@edgetrace/core';
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import { streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type InstrumentInferenceOptions, instrumentInference } from './instrument-inference.js';
import {
  CASES,
  loadRecording,
  type Recording,
  recordedError,
  TRUTH_KEYS,
  type Truth,
  truthOf,
} from './test-support/recordings.js';
import { type ReplayServer, startReplay } from './test-support/replay-server.js';

// The real SDK clients users put instrumentInference under — `openai`, `@anthropic-ai/sdk` (with
// its own tracing on and off) and the Vercel AI SDK — against recorded transcripts replayed on
// 127.0.0.1. Each SDK's result must be the same as without tracing; the span must hold the
// transcript's truth, and end as complete, cancelled or error exactly when that happened.

const exporter = createMemoryExporter();
const provider = createTracerProvider({
  processors: [createSimpleProcessor(exporter)],
  serviceName: 'sdk-test',
});
let server: ReplayServer;

beforeAll(async () => {
  provider.register();
  server = await startReplay();
});
afterAll(async () => {
  trace.disable();
  propagation.disable();
  context.disable();
  await server.close();
});
afterEach(() => {
  exporter.reset();
  server.received.length = 0;
});

function recorded(name: string): { recording: Recording; truth: Truth } {
  const found = CASES.find((c) => c.name.endsWith(`/${name}`));
  if (found === undefined) throw new Error(name);
  const recording = loadRecording(found);
  return { recording, truth: truthOf(found, recording) };
}

const traced = (options: InstrumentInferenceOptions = {}): typeof fetch =>
  instrumentInference(fetch, { tracerProvider: provider, ...options });

/** The finished spans, once `count` have ended. */
async function spans(count: number): Promise<SpanData[]> {
  await expect.poll(() => exporter.getFinishedSpans().length).toBe(count);
  return exporter.getFinishedSpans();
}

/** The one span ours made (the inference scope). */
const ours = (all: SpanData[]): SpanData | undefined =>
  all.find((s) => s.scope.name === '@edgetrace/inference');

function expectTruth(span: SpanData | undefined, truth: Truth): void {
  expect(Object.fromEntries(TRUTH_KEYS.map((key) => [key, span?.attributes[key]]))).toEqual(truth);
}

function expectComplete(span: SpanData | undefined): void {
  expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  expect(span?.attributes['edgetrace.response.cancelled']).toBeUndefined();
  expect(span?.attributes['edgetrace.inference.incomplete']).toBeUndefined();
  expect(span?.events).toEqual([]);
}

function expectCancelled(span: SpanData | undefined): void {
  expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  expect(span?.attributes['edgetrace.response.cancelled']).toBe(true);
  expect(span?.attributes['error.type']).toBeUndefined();
  expect(span?.events).toEqual([]);
}

function expectError(span: SpanData | undefined): void {
  expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  expect(span?.attributes['error.type']).toBeTypeOf('string');
  expect(span?.attributes['edgetrace.response.cancelled']).toBeUndefined();
}

/** The spans that carry GenAI token usage: a dashboard sums these. */
const usageCarriers = (all: SpanData[]): SpanData[] =>
  all.filter((s) => Object.keys(s.attributes).some((key) => key.startsWith('gen_ai.usage.')));

const OPENAI_ERROR = recordedError('more/openai-error-answer');
const ANTHROPIC_ERROR = recordedError('more/anthropic-error-answer');

describe('the openai SDK with instrumentInference as its fetch', () => {
  const client = (fetcher: typeof fetch): OpenAI =>
    new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-test', fetch: fetcher, maxRetries: 0 });
  const chat = (openai: OpenAI, options: { signal?: AbortSignal } = {}) =>
    openai.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      },
      options,
    );

  async function collect(fetcher: typeof fetch): Promise<unknown[]> {
    const chunks: unknown[] = [];
    for await (const chunk of await chat(client(fetcher))) chunks.push(chunk);
    return chunks;
  }

  it('streams to the end: the same chunks as untraced, the transcript’s truth, complete', async () => {
    const { recording, truth } = recorded('openai-chat-stream-usage');
    server.serve(recording);
    const untraced = await collect(fetch);
    const chunks = await collect(traced());
    expect(chunks).toEqual(untraced);
    const [span] = await spans(1);
    expectTruth(span, truth);
    expectComplete(span);
  });

  // Every recorded chat stream, through the SDK as a user would call it, in 7-byte pieces.
  const chatStreams = CASES.filter((c) => c.family === 'openai.chat');
  it.each(chatStreams.map((c) => c.name))(
    '%s: the same chunks as untraced, the truth, complete',
    async (name) => {
      const { recording, truth } = recorded(name.split('/')[1] ?? name);
      server.serve(recording, { kind: 'pieces', size: 7 });
      const body = { ...recording.request, stream: true } as unknown as Parameters<
        OpenAI['chat']['completions']['create']
      >[0];
      const run = async (fetcher: typeof fetch): Promise<unknown[]> => {
        const chunks: unknown[] = [];
        const stream = (await client(fetcher).chat.completions.create(body)) as AsyncIterable<unknown>;
        for await (const chunk of stream) chunks.push(chunk);
        return chunks;
      };
      expect(await run(traced())).toEqual(await run(fetch));
      const [span] = await spans(1);
      expectTruth(span, truth);
      expectComplete(span);
    },
  );

  it('n > 1: one finish reason per choice, in choice order', async () => {
    const { recording, truth } = recorded('openai-chat-stream-n3');
    server.serve(recording, { kind: 'pieces', size: 7 });
    await collect(traced());
    const [span] = await spans(1);
    expect(span?.attributes['gen_ai.response.finish_reasons']).toEqual(['stop', 'stop', 'stop']);
    expectTruth(span, truth);
  });

  it('break out of the loop mid-generation: cancelled, usage so far, reasons not received are error', async () => {
    const { recording } = recorded('openai-chat-stream-usage');
    server.serve(recording, { kind: 'hang' });
    for await (const _chunk of await chat(client(traced()))) break;
    await server.closedEarly();
    const [span] = await spans(1);
    expectCancelled(span);
    expect(span?.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expect(span?.attributes['gen_ai.response.id']).toBeTypeOf('string');
  });

  it('abort while a read is pending: a cancellation, not an error', async () => {
    const { recording } = recorded('openai-chat-stream-usage');
    server.serve(recording, { kind: 'hang' });
    const controller = new AbortController();
    const stream = await chat(client(traced()), { signal: controller.signal });
    // The SDK ends its loop quietly on an abort of its own signal.
    for await (const _chunk of stream) setTimeout(() => controller.abort(), 5);
    expect(controller.signal.aborted).toBe(true);
    const [span] = await spans(1);
    expectCancelled(span);
  });

  it('upstream cut off mid-stream: an error', async () => {
    const { recording } = recorded('openai-chat-stream-usage');
    server.serve(recording, { kind: 'cut' });
    await expect(collect(traced())).rejects.toThrow();
    const [span] = await spans(1);
    expectError(span);
  });

  it('an error answer (recorded 400, and the same body as a 5xx): the provider’s type, the SDK’s same error', async () => {
    const { recording } = recorded('openai-chat-stream-usage');
    const error = OPENAI_ERROR.json.error as { type: string; message: string };
    for (const [status, kind] of [
      [400, OpenAI.BadRequestError],
      [503, OpenAI.InternalServerError],
    ] as const) {
      exporter.reset();
      server.serve(recording, { kind: 'status', status, body: OPENAI_ERROR.body });
      const untraced = await collect(fetch).catch((thrown: unknown) => thrown);
      const seen = await collect(traced()).catch((thrown: unknown) => thrown);
      expect(seen).toBeInstanceOf(kind);
      expect(String(seen)).toBe(String(untraced));
      const [span] = await spans(1);
      expectError(span);
      expect(span?.attributes['error.type']).toBe(error.type);
      expect(span?.status.message).toBe(error.message);
      expect(span?.attributes['http.response.status_code']).toBe(status);
    }
  });

  it('the Responses API, streamed and not', async () => {
    const streamed = recorded('openai-responses-stream');
    server.serve(streamed.recording);
    const events: string[] = [];
    const stream = await client(traced()).responses.create({
      model: 'gpt-4o-mini',
      input: 'hi',
      stream: true,
    });
    for await (const event of stream) events.push(event.type);
    expect(events.at(-1)).toBe('response.completed');
    const whole = recorded('openai-responses-answer');
    server.serve(whole.recording);
    const answer = await client(traced()).responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(answer.output_text.length).toBeGreaterThan(0);
    const [first, second] = await spans(2);
    expectTruth(first, streamed.truth);
    expectComplete(first);
    expect(first?.name).toBe('chat gpt-4o-mini');
    expectTruth(second, whole.truth);
    expectComplete(second);
  });

  // Every recorded Responses stream (text, a function call, a reasoning model), through the SDK, in 7-byte pieces.
  const responsesStreams = CASES.filter((c) => c.family === 'openai.responses' && c.name.includes('-stream'));
  it.each(responsesStreams.map((c) => c.name))(
    '%s: the same events as untraced, the truth, complete',
    async (name) => {
      const { recording, truth } = recorded(name.split('/')[1] ?? name);
      server.serve(recording, { kind: 'pieces', size: 7 });
      const run = async (fetcher: typeof fetch): Promise<unknown[]> => {
        const events: unknown[] = [];
        const stream = await client(fetcher).responses.create({ model: 'gpt-5', input: 'hi', stream: true });
        for await (const event of stream) events.push(event);
        return events;
      };
      const events = await run(traced());
      expect(events).toEqual(await run(fetch));
      expect((events.at(-1) as { type?: string } | undefined)?.type).toBe('response.completed');
      const [span] = await spans(1);
      expectTruth(span, truth);
      expectComplete(span);
    },
  );

  it('embeddings: the vectors the SDK decodes, and their dimension count on the span', async () => {
    const { recording, truth } = recorded('openai-embeddings-answer');
    server.serve(recording);
    const request = { model: 'text-embedding-3-small', input: ['Hello, world!'], dimensions: 128 };
    const untraced = await client(fetch).embeddings.create(request);
    const result = await client(traced()).embeddings.create(request);
    expect(result).toEqual(untraced);
    const [span] = await spans(1);
    expect(span?.name).toBe('embeddings text-embedding-3-small');
    expect(span?.attributes['gen_ai.operation.name']).toBe('embeddings');
    expectTruth(span, truth);
    expectComplete(span);
  });
});

describe('@anthropic-ai/sdk, which traces itself, with instrumentInference as its fetch', () => {
  const request = {
    model: 'claude-3-opus-20240229',
    max_tokens: 1024,
    messages: [{ role: 'user' as const, content: 'Hello' }],
  };
  const client = (fetcher: typeof fetch, own: boolean): Anthropic =>
    new Anthropic({
      baseURL: server.url,
      apiKey: 'sk-ant-test',
      fetch: fetcher,
      maxRetries: 0,
      ...(own ? {} : { openTelemetry: false }),
    });
  async function collect(anthropic: Anthropic): Promise<unknown[]> {
    const events: unknown[] = [];
    for await (const event of await anthropic.messages.create({ ...request, stream: true }))
      events.push(event);
    return events;
  }

  it('its own tracing off: our span carries the transcript’s truth, and the events are untouched', async () => {
    const { recording, truth } = recorded('anthropic-messages-stream-text');
    server.serve(recording);
    const untraced = await collect(client(fetch, false));
    const events = await collect(client(traced(), false));
    expect(events).toEqual(untraced);
    const [span] = await spans(1);
    expectTruth(span, truth);
    expectComplete(span);
  });

  const messages = CASES.filter((c) => c.family === 'anthropic');
  it.each(messages.map((c) => c.name))(
    '%s, its tracing off: the same result as untraced, the truth',
    async (name) => {
      const { recording, truth } = recorded(name.split('/')[1] ?? name);
      server.serve(recording, { kind: 'pieces', size: 7 });
      const run = async (fetcher: typeof fetch): Promise<unknown> => {
        const anthropic = client(fetcher, false);
        if (!recording.streamed) return anthropic.messages.create(request);
        const events: unknown[] = [];
        for await (const event of await anthropic.messages.create({ ...request, stream: true }))
          events.push(event);
        return events;
      };
      expect(await run(traced())).toEqual(await run(fetch));
      const [span] = await spans(1);
      expectTruth(span, truth);
      expectComplete(span);
    },
  );

  it('its own tracing on: usage is counted once (on its span); ours records the wire below it', async () => {
    const { recording } = recorded('anthropic-messages-stream-tool-use');
    server.serve(recording);
    await collect(client(traced(), true));
    const all = await spans(2);
    const sdk = all.find((s) => s.name === 'anthropic.messages.create');
    const wire = ours(all);
    expect(usageCarriers(all)).toEqual([sdk]);
    expect(sdk?.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(wire?.parentSpanContext?.spanId).toBe(sdk?.spanContext().spanId);
    expect(wire?.name).toBe('POST');
    expect(Object.keys(wire?.attributes ?? {}).filter((key) => key.startsWith('gen_ai.'))).toEqual([]);
    expect(wire?.attributes['edgetrace.response.time_to_first_chunk']).toBeTypeOf('number');
    expect(wire?.attributes['edgetrace.inference.chunks']).toBeGreaterThan(0);
    expectComplete(wire);
  });

  it('does not yield to a span that is not a model call (an agent span around the calls)', async () => {
    server.serve(recorded('anthropic-messages-stream-text').recording);
    const agent = provider.getTracer('agent').startSpan('invoke_agent planner', {
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    });
    await context.with(trace.setSpan(context.active(), agent), () => collect(client(traced(), false)));
    agent.end();
    const call = ours(await spans(2));
    expect(call?.name).toBe('chat claude-3-opus-20240229');
    expect(call?.attributes['gen_ai.usage.input_tokens']).toBe(11);
    expect(call?.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
  });

  it('yieldToSdkSpans: false records both in full', async () => {
    server.serve(recorded('anthropic-messages-stream-text').recording);
    await collect(client(traced({ yieldToSdkSpans: false }), true));
    expect(usageCarriers(await spans(2))).toHaveLength(2);
  });

  it('the trace headers it injects never reach an origin the allow-list refuses', async () => {
    server.serve(recorded('anthropic-messages-stream-text').recording);
    const withBaggage = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ user: { value: 'alice' } }),
    );
    await context.with(withBaggage, () => collect(client(traced({ propagateTo: () => false }), true)));
    const [sent] = server.received;
    expect(sent?.headers.authorization).toBe('Bearer sk-ant-test');
    expect(sent?.headers.traceparent).toBeUndefined();
    expect(sent?.headers.tracestate).toBeUndefined();
    expect(sent?.headers.baggage).toBeUndefined();
    // The SDK did inject them: kept on request, they arrive.
    server.received.length = 0;
    await context.with(withBaggage, () =>
      collect(client(traced({ propagateTo: () => false, keepCallerTraceHeaders: true }), true)),
    );
    expect(server.received[0]?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    expect(server.received[0]?.headers.baggage).toBe('user=alice');
    // Where the allow-list admits the origin, the context goes out: ours, below the SDK's span.
    server.received.length = 0;
    await collect(client(traced(), true));
    const all = await spans(6);
    const wire = ours(all.slice(4));
    expect(server.received[0]?.headers.traceparent).toContain(wire?.spanContext().spanId);
  });

  it('stream.abort() while a read is pending: a cancellation', async () => {
    server.serve(recorded('anthropic-messages-stream-text').recording, { kind: 'hang' });
    const stream = client(traced(), false).messages.stream(request);
    stream.on('text', () => setTimeout(() => stream.abort(), 5));
    await expect(stream.done()).rejects.toThrow();
    const [span] = await spans(1);
    expectCancelled(span);
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBe(11);
  });

  it('break mid-stream is a cancellation; a stream cut off is an error', async () => {
    server.serve(recorded('anthropic-messages-stream-text').recording, { kind: 'hang' });
    for await (const _event of await client(traced(), false).messages.create({ ...request, stream: true }))
      break;
    await server.closedEarly();
    server.serve(recorded('anthropic-messages-stream-text').recording, { kind: 'cut' });
    await expect(collect(client(traced(), false))).rejects.toThrow();
    const [broken, cut] = await spans(2);
    expectCancelled(broken);
    expect(broken?.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    expectError(cut);
  });

  it('a whole answer, and a recorded error answer', async () => {
    const { recording, truth } = recorded('anthropic-messages-answer');
    server.serve(recording);
    const untraced = await client(fetch, false).messages.create(request);
    expect(await client(traced(), false).messages.create(request)).toEqual(untraced);
    server.serve(recording, { kind: 'status', status: 400, body: ANTHROPIC_ERROR.body });
    await expect(client(traced(), false).messages.create(request)).rejects.toThrow(Anthropic.BadRequestError);
    const [answer, failed] = await spans(2);
    expectTruth(answer, truth);
    expectComplete(answer);
    expectError(failed);
    expect(failed?.attributes['error.type']).toBe((ANTHROPIC_ERROR.json.error as { type: string }).type);
  });
});

describe('the Vercel AI SDK (openai-compatible provider) with instrumentInference as its fetch', () => {
  const model = (fetcher: typeof fetch) =>
    createOpenAICompatible({
      name: 'vllm',
      baseURL: `${server.url}/v1`,
      fetch: fetcher,
      includeUsage: true,
    }).chatModel('meta-llama/Llama-3.1-8B-Instruct');

  async function run(fetcher: typeof fetch, telemetry: boolean): Promise<string> {
    const result = streamText({
      model: model(fetcher),
      prompt: 'What is deep learning?',
      maxRetries: 0,
      experimental_telemetry: telemetry
        ? { isEnabled: true, integrations: [new OpenTelemetry()] }
        : { isEnabled: false },
    });
    let text = '';
    for await (const part of result.textStream) text += part;
    return text;
  }

  const chatStreams = CASES.filter((c) => c.family === 'openai.chat');
  it.each(chatStreams.map((c) => c.name))('%s: the same text as untraced, the truth', async (name) => {
    const { recording, truth } = recorded(name.split('/')[1] ?? name);
    server.serve(recording, { kind: 'pieces', size: 7 });
    const untraced = await run(fetch, false);
    expect(await run(traced(), false)).toBe(untraced);
    const [span] = await spans(1);
    expectTruth(span, truth);
    expectComplete(span);
  });

  it('streams TGI’s recorded answer: the same text as untraced, the transcript’s truth', async () => {
    const { recording, truth } = recorded('tgi-chat-stream');
    server.serve(recording, { kind: 'pieces', size: 5 });
    const untraced = await run(fetch, false);
    expect(await run(traced(), false)).toBe(untraced);
    const [span] = await spans(1);
    expectTruth(span, truth);
    expect(span?.attributes['gen_ai.response.id']).toBeUndefined(); // TGI sends "id": ""
    expectComplete(span);
  });

  it('an abort while a read is pending is a cancellation', async () => {
    server.serve(recorded('openai-chat-stream-usage').recording, { kind: 'hang' });
    const controller = new AbortController();
    const result = streamText({
      model: model(traced()),
      prompt: 'hi',
      maxRetries: 0,
      abortSignal: controller.signal,
      experimental_telemetry: { isEnabled: false },
    });
    const reading = (async () => {
      for await (const _part of result.textStream) setTimeout(() => controller.abort(), 5);
    })();
    await reading.catch(() => undefined);
    const [span] = await spans(1);
    expectCancelled(span);
  });

  it('with its own telemetry on, usage is counted once', async () => {
    server.serve(recorded('openai-chat-stream-usage').recording);
    await run(traced(), true);
    await expect.poll(() => exporter.getFinishedSpans().length).toBeGreaterThanOrEqual(3);
    const all = exporter.getFinishedSpans();
    const wire = ours(all);
    const parent = all.find((s) => s.spanContext().spanId === wire?.parentSpanContext?.spanId);
    expect(parent).toBeDefined();
    expect(Object.keys(parent?.attributes ?? {})).toContain('gen_ai.operation.name');
    // Its own call span carries the usage (its agent span above sums its steps, as the
    // conventions' invoke_agent does); ours, below the call span, adds none.
    const calls = usageCarriers(all).filter((s) => s.attributes['gen_ai.operation.name'] !== 'invoke_agent');
    expect(calls).toEqual([parent]);
    expectComplete(wire);
  });
});
