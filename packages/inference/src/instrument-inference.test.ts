import {
  ConfigError,
  createMemoryExporter,
  createSimpleProcessor,
  createTracerProvider,
  type SpanData,
} from '@edgetrace/core';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../../../test/support/upstream.js';
import { type InstrumentInferenceOptions, instrumentInference } from './instrument-inference.js';
import { readEventStream } from './read-event-stream.js';
import {
  ANTHROPIC_STREAM,
  OPENAI_CHAT_ANSWER,
  OPENAI_CHAT_REQUEST,
  OPENAI_CHAT_STREAM,
  OPENAI_COMPLETIONS_STREAM,
  splitBytes,
  sse,
  TGI_STREAM,
  TRITON_STREAM,
  WORKERS_AI_STREAM,
} from './test-support/fixtures.js';

// The injected clock: the server moves it forward by 100 ms before writing each event, so every
// timing attribute is exact.
let clock = 1_800_000_000_000;
const now = () => clock;
const STEP = 100;

interface Script {
  status?: number;
  type?: string;
  events?: string[];
  body?: string;
  /** Split the stream's bytes into chunks this size (cuts lines and UTF-8 sequences). */
  split?: number;
  /** Stop writing after this many events and hold the connection open. */
  hangAfter?: number;
  /** Destroy the connection after this many events. */
  resetAfter?: number;
}

let script: Script = {};
const exporter = createMemoryExporter();
const provider = createTracerProvider({
  processors: [createSimpleProcessor(exporter)],
  serviceName: 'inference-test',
});
let upstream: Upstream;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  provider.register();
  upstream = await startUpstream(async (_request, response) => {
    const { status = 200, type = 'text/event-stream', events, body, split, hangAfter, resetAfter } = script;
    response.writeHead(status, { 'content-type': type });
    if (events === undefined) {
      response.end(body ?? '');
      return;
    }
    for (const [i, event] of events.entries()) {
      if (hangAfter !== undefined && i >= hangAfter) return; // silent, connection left open
      if (resetAfter !== undefined && i >= resetAfter) {
        response.socket?.destroy();
        return;
      }
      clock += STEP;
      for (const chunk of split === undefined ? [Buffer.from(event)] : splitBytes(event, split)) {
        if (response.destroyed) return;
        response.write(chunk);
        await pause(2);
      }
      await pause(10);
    }
    response.end();
  });
});
afterAll(async () => {
  trace.disable();
  context.disable();
  propagation.disable();
  await upstream.close();
});
afterEach(() => {
  exporter.reset();
  upstream.received.length = 0;
  script = {};
});

function traced(options: InstrumentInferenceOptions = {}) {
  return instrumentInference(fetch, { now, ...options });
}

async function post(
  path: string,
  body: unknown,
  options?: InstrumentInferenceOptions,
): Promise<{ text: string; span: SpanData | undefined; start: number; response: Response }> {
  const start = clock;
  const response = await traced(options)(`${upstream.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-secret' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  await expect.poll(() => exporter.getFinishedSpans().length).toBeGreaterThan(0);
  return { text, span: exporter.getFinishedSpans()[0], start, response };
}

describe('instrumentInference: OpenAI-compatible chat, streamed', () => {
  it('passes every byte through and records request, timing, usage and finish reasons', async () => {
    script = { events: OPENAI_CHAT_STREAM, split: 7 };
    const { text, span } = await post('/v1/chat/completions', OPENAI_CHAT_REQUEST);
    expect(text).toBe(OPENAI_CHAT_STREAM.join(''));
    expect(span?.name).toBe('chat meta-llama/Llama-3.1-8B-Instruct');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'meta-llama/Llama-3.1-8B-Instruct',
      'gen_ai.request.stream': true,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['\n\n'],
      'gen_ai.response.model': 'meta-llama/Llama-3.1-8B-Instruct',
      'gen_ai.response.id': 'chatcmpl-42',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 21,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cache_read.input_tokens': 16,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'edgetrace.inference.model_version': 'fp_vllm_0.11',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
      // First event written one step after the request started; 5 content events, 100 ms apart.
      'gen_ai.response.time_to_first_chunk': 0.1,
      'edgetrace.inference.chunks': 5,
      'edgetrace.inference.max_chunk_gap': 0.1,
      'edgetrace.inference.mean_chunk_gap': 0.1,
    });
    // 4 output tokens over the 0.5 s from the first chunk to the end.
    expect(span?.attributes['edgetrace.inference.output_tokens_per_second']).toBeCloseTo(8, 5);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(JSON.stringify(span?.attributes)).not.toMatch(/sk-test-secret|wörld|Héllo/);
  });

  it('sends the trace to the server and ends the span when the consumer cancels, with usage so far', async () => {
    script = { events: [...OPENAI_CHAT_STREAM.slice(0, 3), ...Array(50).fill(OPENAI_CHAT_STREAM[2])] };
    const response = await traced()(`${upstream.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(OPENAI_CHAT_REQUEST),
    });
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.read();
    await reader?.cancel('client went away');
    await upstream.closedEarly();
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes['edgetrace.response.cancelled']).toBe(true);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(Number(span?.attributes['edgetrace.inference.chunks'])).toBeGreaterThanOrEqual(1);
    expect(upstream.received[0]?.headers.traceparent).toBe(
      `00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-03`,
    );
  });
});

describe('instrumentInference: every protocol', () => {
  it('reads OpenAI-compatible completions', async () => {
    script = { events: OPENAI_COMPLETIONS_STREAM, split: 5 };
    const { span } = await post('/v1/completions', {
      model: 'qwen2.5-7b',
      prompt: 'Once',
      stream: true,
      max_tokens: 2,
    });
    expect(span?.name).toBe('text_completion qwen2.5-7b');
    expect(span?.attributes).toMatchObject({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.request.max_tokens': 2,
    });
  });

  it('reads a whole (non-streamed) JSON answer without consuming the caller’s body', async () => {
    script = { type: 'application/json', body: JSON.stringify(OPENAI_CHAT_ANSWER) };
    const { text, span } = await post('/v1/chat/completions', { ...OPENAI_CHAT_REQUEST, stream: false });
    expect(JSON.parse(text)).toEqual(OPENAI_CHAT_ANSWER);
    // The conventions set gen_ai.request.stream only on streaming requests.
    expect(span?.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(span?.attributes).toMatchObject({
      'gen_ai.response.id': 'chatcmpl-43',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 2,
    });
  });

  it('reads TGI /generate_stream, with the model from the options', async () => {
    script = { events: TGI_STREAM, split: 3 };
    const { span } = await post(
      '/generate_stream',
      { inputs: 'Bonjour', parameters: { max_new_tokens: 20, temperature: 0.5, top_k: 40, stop: ['\n'] } },
      { model: 'mistral-7b' },
    );
    expect(span?.name).toBe('text_completion mistral-7b');
    expect(span?.attributes).toMatchObject({
      'gen_ai.provider.name': 'tgi',
      'gen_ai.request.stream': true,
      'gen_ai.request.max_tokens': 20,
      'gen_ai.request.top_k': 40,
      'gen_ai.response.finish_reasons': ['eos_token'],
      'gen_ai.usage.output_tokens': 3,
      'edgetrace.inference.chunks': 3,
    });
  });

  it('reads Triton generate_stream, with the model from the path and its version', async () => {
    script = { events: TRITON_STREAM, split: 11 };
    const { span } = await post('/v2/models/ensemble/generate_stream', {
      text_input: 'Grüß',
      max_tokens: 16,
      stream: true,
    });
    expect(span?.name).toBe('text_completion ensemble');
    expect(span?.attributes).toMatchObject({
      'gen_ai.provider.name': 'triton',
      'gen_ai.request.model': 'ensemble',
      'gen_ai.request.max_tokens': 16,
      'gen_ai.response.model': 'ensemble',
      'edgetrace.inference.model_version': '3',
      'edgetrace.inference.chunks': 3,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('reads Triton generate (not streamed)', async () => {
    script = {
      type: 'application/json',
      body: JSON.stringify({ model_name: 'llama', model_version: '1', text_output: 'ok' }),
    };
    const { span } = await post('/v2/models/llama/versions/1/generate', { text_input: 'hi' });
    expect(span?.attributes['gen_ai.request.stream']).toBeUndefined();
    expect(span?.attributes).toMatchObject({
      'gen_ai.request.model': 'llama',
      'edgetrace.inference.model_version': '1',
    });
  });

  it('reads Anthropic Messages events; pings are not chunks; cached tokens count as input', async () => {
    script = { events: ANTHROPIC_STREAM, split: 13 };
    const { span } = await post('/v1/messages', {
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      stream: true,
      messages: [{ role: 'user', content: 'Ça va ?' }],
    });
    expect(span?.name).toBe('chat claude-sonnet-4-5');
    expect(span?.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.id': 'msg_01XYZ',
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 112,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'gen_ai.usage.output_tokens': 5,
      'edgetrace.inference.chunks': 7,
    });
  });

  it('reads Workers AI native streams, with the model from the path', async () => {
    script = { events: WORKERS_AI_STREAM, split: 4 };
    const { span } = await post('/client/v4/accounts/abc/ai/run/@cf/meta/llama-3.1-8b-instruct', {
      messages: [{ role: 'user', content: 'Hallo' }],
      stream: true,
    });
    expect(span?.name).toBe('chat @cf/meta/llama-3.1-8b-instruct');
    expect(span?.attributes).toMatchObject({
      'gen_ai.provider.name': 'cloudflare.workers_ai',
      'gen_ai.usage.input_tokens': 8,
      'gen_ai.usage.output_tokens': 2,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe('instrumentInference: bad input', () => {
  it('skips malformed lines and non-JSON data, and counts them', async () => {
    const events = [
      ':comment\n\n',
      'garbage line without colon\n\n',
      sse('not json {'),
      ...OPENAI_CHAT_STREAM,
    ];
    script = { events, split: 9 };
    const { text, span } = await post('/v1/chat/completions', OPENAI_CHAT_REQUEST);
    expect(text).toBe(events.join(''));
    expect(span?.attributes['edgetrace.inference.malformed_events']).toBe(1);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(4);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a stream that ends without [DONE] as incomplete', async () => {
    script = { events: OPENAI_CHAT_STREAM.slice(0, 3) };
    const { span } = await post('/v1/chat/completions', OPENAI_CHAT_REQUEST);
    expect(span?.attributes['edgetrace.inference.incomplete']).toBe(true);
    expect(span?.attributes['error.type']).toBe('incomplete_stream');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records an upstream 5xx with its JSON error body, and passes the body on', async () => {
    const body = JSON.stringify({
      error: { message: 'model overloaded', type: 'overloaded_error', code: 503 },
    });
    script = { status: 503, type: 'application/json', body };
    const { text, span, response } = await post('/v1/chat/completions', OPENAI_CHAT_REQUEST);
    expect(text).toBe(body);
    // The copy handed on is the fetched answer in all a caller reads of it.
    expect(response.status).toBe(503);
    expect(response.url).toBe(`${upstream.url}/v1/chat/completions`);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(span?.attributes['http.response.status_code']).toBe(503);
    expect(span?.attributes['error.type']).toBe('overloaded_error');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'model overloaded' });
  });

  it('records an error event inside a stream', async () => {
    script = {
      events: [
        ...ANTHROPIC_STREAM.slice(0, 2),
        sse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'),
      ],
    };
    const { span } = await post('/v1/messages', {
      model: 'claude',
      max_tokens: 5,
      stream: true,
      messages: [],
    });
    expect(span?.attributes['error.type']).toBe('overloaded_error');
    expect(span?.status.message).toBe('Overloaded');
  });

  it('records a connection reset mid-stream, and the consumer sees the error', async () => {
    script = { events: OPENAI_CHAT_STREAM, resetAfter: 2 };
    const response = await traced()(`${upstream.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(OPENAI_CHAT_REQUEST),
    });
    await expect(response.text()).rejects.toThrow();
    await expect.poll(() => exporter.getFinishedSpans().length).toBe(1);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['edgetrace.inference.chunks']).toBe(2);
  });

  it('ends the span after an idle timeout, leaving the stream to its consumer', async () => {
    script = { events: OPENAI_CHAT_STREAM, hangAfter: 2 };
    const response = await traced({ idleTimeoutMs: 50 })(`${upstream.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(OPENAI_CHAT_REQUEST),
    });
    const reader = response.body?.getReader();
    await reader?.read();
    await expect.poll(() => exporter.getFinishedSpans().length, { timeout: 2000 }).toBe(1);
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes['error.type']).toBe('idle_timeout');
    await reader?.cancel();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('does not time out a stream that keeps sending, however long it lasts', async () => {
    // About 12 ms between events for about 300 ms, against a 60 ms idle timeout.
    const events = [...Array(24).fill(OPENAI_CHAT_STREAM[1]), ...OPENAI_CHAT_STREAM.slice(2)] as string[];
    script = { events };
    const started = Date.now();
    const { text, span } = await post('/v1/chat/completions', OPENAI_CHAT_REQUEST, { idleTimeoutMs: 60 });
    expect(Date.now() - started).toBeGreaterThan(120);
    expect(text).toBe(events.join(''));
    expect(span?.attributes['error.type']).toBeUndefined();
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('skips an oversized event without buffering it, and keeps reading', async () => {
    const huge = sse({ choices: [{ delta: { content: 'x'.repeat(200_000) } }] });
    script = { events: [OPENAI_CHAT_STREAM[1] as string, huge, ...OPENAI_CHAT_STREAM.slice(2)], split: 4096 };
    const { text, span } = await post('/v1/chat/completions', OPENAI_CHAT_REQUEST, { maxEventBytes: 10_000 });
    expect(text.length).toBe([OPENAI_CHAT_STREAM[1], huge, ...OPENAI_CHAT_STREAM.slice(2)].join('').length);
    expect(span?.attributes['edgetrace.inference.oversized_events']).toBe(1);
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(4);
  });
});

describe('instrumentInference: content capture', () => {
  it('is off by default and, when on, records messages redacted and truncated', async () => {
    script = { events: OPENAI_CHAT_STREAM };
    const { span } = await post('/v1/chat/completions', OPENAI_CHAT_REQUEST, {
      captureContent: { maxLength: 40, redact: (text) => text.replace(/wörld/g, '[place]') },
    });
    // Structured, as the conventions ask (an AnyValue list of maps), not a JSON string.
    expect(span?.attributes['gen_ai.input.messages']).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Say hello to the [place]' }] },
    ]);
    // An output message's finish_reason is deprecated: gen_ai.response.finish_reasons has it.
    expect(span?.attributes['gen_ai.output.messages']).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Héllo [place] 😀' }] },
    ]);
  });

  it('records a system prompt given apart (Anthropic) as gen_ai.system_instructions, only when capturing', async () => {
    script = { events: ANTHROPIC_STREAM };
    const { span } = await post(
      '/v1/messages',
      {
        model: 'claude-sonnet-4-5',
        stream: true,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Bonjour' }],
      },
      { captureContent: true },
    );
    expect(span?.attributes['gen_ai.system_instructions']).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(span?.attributes['gen_ai.input.messages']).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Bonjour' }] },
    ]);
    exporter.reset();
    const plain = await post('/v1/messages', {
      model: 'claude-sonnet-4-5',
      stream: true,
      system: 'Be brief.',
      messages: [],
    });
    expect(plain.span?.attributes['gen_ai.system_instructions']).toBeUndefined();
  });

  it('cannot turn a 10 MB prompt into a 10 MB span', async () => {
    script = { events: OPENAI_CHAT_STREAM };
    const prompt = 'p'.repeat(10 * 1024 * 1024);
    const { span } = await post(
      '/v1/chat/completions',
      { ...OPENAI_CHAT_REQUEST, messages: [{ role: 'user', content: prompt }] },
      { captureContent: true },
    );
    expect(JSON.stringify(span?.attributes).length).toBeLessThan(10_000);
  });
});

describe('instrumentInference: hooks, SDKs and plain calls', () => {
  it('lets hooks add attributes from events and answers, and survives hooks that throw', async () => {
    script = { events: TRITON_STREAM };
    const { span } = await post(
      '/v2/models/ensemble/generate_stream',
      { text_input: 'x' },
      {
        onEvent: (event, s) => {
          const json = event.json as { sequence_end?: boolean };
          if (json.sequence_end === true) s.setAttribute('app.sequence_ended', true);
          throw new Error('hook bug');
        },
      },
    );
    expect(span?.attributes['app.sequence_ended']).toBe(true);
    expect(span?.attributes['edgetrace.inference.chunks']).toBe(3);
  });

  it('works as the fetch of the openai SDK, streaming', async () => {
    script = { events: OPENAI_CHAT_STREAM, split: 16 };
    const openai = new OpenAI({
      baseURL: `${upstream.url}/v1`,
      apiKey: 'sk-test-secret',
      fetch: traced(),
      maxRetries: 0,
    });
    const stream = await openai.chat.completions.create({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Héllo wörld 😀');
    await expect.poll(() => exporter.getFinishedSpans().length).toBe(1);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('chat meta-llama/Llama-3.1-8B-Instruct');
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(4);
    expect(JSON.stringify(span?.attributes)).not.toContain('sk-test-secret');
  });

  it('gives calls that are not inference a plain HTTP span', async () => {
    script = { type: 'application/json', body: '{"data":[]}' };
    const response = await traced()(`${upstream.url}/v1/models`);
    expect(await response.json()).toEqual({ data: [] });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('GET');
    expect(span?.attributes['gen_ai.operation.name']).toBeUndefined();
  });

  it('reads a Request with a streamed body without taking it from fetch', async () => {
    script = { events: OPENAI_CHAT_STREAM };
    const request = new Request(`${upstream.url}/v1/chat/completions`, {
      method: 'POST',
      body: new Blob([JSON.stringify(OPENAI_CHAT_REQUEST)]).stream(),
      duplex: 'half',
    } as RequestInit);
    const response = await traced()(request);
    await response.text();
    expect(JSON.parse(upstream.received[0]?.body ?? '{}').model).toBe('meta-llama/Llama-3.1-8B-Instruct');
    await expect
      .poll(() => exporter.getFinishedSpans()[0]?.name)
      .toBe('chat meta-llama/Llama-3.1-8B-Instruct');
  });

  it('consumes a stream with readEventStream, and a loop left early cancels it', async () => {
    script = { events: [...OPENAI_CHAT_STREAM.slice(0, 2), ...Array(50).fill(OPENAI_CHAT_STREAM[2])] };
    const response = await traced()(`${upstream.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(OPENAI_CHAT_REQUEST),
    });
    const seen: string[] = [];
    for await (const event of readEventStream(response)) {
      const json = event.json as { choices: { delta: { content?: string } }[] };
      seen.push(json.choices[0]?.delta.content ?? '');
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['', 'Héllo', ' wörld']);
    await expect.poll(() => exporter.getFinishedSpans().length).toBe(1);
    expect(exporter.getFinishedSpans()[0]?.attributes['edgetrace.response.cancelled']).toBe(true);
  });

  it('rejects invalid options at setup', () => {
    expect(() => instrumentInference(fetch, { protocol: 'grpc' as never })).toThrow(ConfigError);
    expect(() => instrumentInference(fetch, { idleTimeoutMs: -1 })).toThrow(/idleTimeoutMs/);
    expect(() => instrumentInference(fetch, { captureContent: { maxLength: 0 } })).toThrow(/maxLength/);
    expect(() => instrumentInference(fetch, { onEvent: 'x' as never })).toThrow(/onEvent/);
    expect(() => instrumentInference(fetch, { stream: true } as never)).toThrow(/unknown option "stream"/);
  });
});

describe('a stream nobody reads', () => {
  /** A streamed chat under an edge SERVER span, on a provider with the per-trace buffer. */
  async function streamedChat() {
    const memory = createMemoryExporter();
    const edge = createTracerProvider({ exporter: memory, serviceName: 'edge', asyncLocalStorage: false });
    script = { events: OPENAI_CHAT_STREAM };
    const server = edge.getTracer('t').startSpan('POST /chat', { kind: SpanKind.SERVER });
    const infer = instrumentInference(fetch, {
      tracerProvider: edge,
      context: trace.setSpan(context.active(), server),
      propagateTo: true,
    });
    const response = await infer(`${upstream.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(OPENAI_CHAT_REQUEST),
    });
    /** Ends the server span and waits for the trace's export, as `tracing()` does. */
    const finish = async (): Promise<SpanData[]> => {
      server.end();
      await edge.forceFlush(server.spanContext().traceId);
      return memory.getFinishedSpans();
    };
    return { response, finish };
  }

  it('ends its generation span with the rest of the trace once a flush waits, marked unobserved', async () => {
    const { response, finish } = await streamedChat();
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const spans = await finish();
    const generation = spans.find((s) => s.kind === SpanKind.CLIENT);
    expect(spans.map((s) => s.name).sort()).toEqual(['POST /chat', generation?.name].sort());
    expect(generation?.attributes['edgetrace.response.body_unobserved']).toBe(true);
    expect(generation?.status.code).toBe(SpanStatusCode.UNSET);
    await response.body?.cancel();
  });

  it('is waited for once someone reads it', async () => {
    const { response, finish } = await streamedChat();
    const text = response.text();
    const spans = await finish();
    expect(await text).toContain('[DONE]');
    const generation = spans.find((s) => s.kind === SpanKind.CLIENT);
    expect(generation?.attributes['edgetrace.response.body_unobserved']).toBeUndefined();
    expect(generation?.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
  });
});
