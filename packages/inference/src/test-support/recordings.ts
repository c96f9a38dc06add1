// The recorded corpus (../../recordings, sources in each folder's SOURCES.md) as test cases, and
// the truth each one holds: what a GenAI span over it must say, read from the transcript itself
// with the plainest code that can read it — independent of the adapters under test.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../recordings/', import.meta.url));

export type Family =
  | 'openai.chat'
  | 'openai.responses'
  | 'embeddings'
  | 'anthropic'
  | 'tgi'
  | 'ollama'
  | 'triton'
  | 'workers-ai';

export interface RecordedCase {
  /** `folder/name` of the recording, without its extension. */
  readonly name: string;
  readonly family: Family;
  /** The path the request is sent to. */
  readonly path: string;
  /** The request body: the recording's `.request.json` unless given here. */
  readonly request?: Record<string, unknown>;
  /** `instrumentInference`'s `model` option, for protocols whose request names none. */
  readonly model?: string;
}

export const CASES: readonly RecordedCase[] = [
  { name: 'openai-family/openai-chat-stream-usage', family: 'openai.chat', path: '/v1/chat/completions' },
  {
    name: 'openai-family/openai-chat-stream-tool-calls',
    family: 'openai.chat',
    path: '/v1/chat/completions',
  },
  {
    name: 'openai-family/openai-chat-stream-n3',
    family: 'openai.chat',
    path: '/v1/chat/completions',
    // The test's parameters, as SOURCES.md gives them.
    request: {
      model: 'gpt-4o-2024-08-06',
      n: 3,
      stream: true,
      messages: [{ role: 'user', content: "What's the weather like in SF?" }],
    },
  },
  {
    name: 'openai-family/openai-chat-refusal',
    family: 'openai.chat',
    path: '/v1/chat/completions',
    request: {
      model: 'gpt-4o-2024-08-06',
      stream: true,
      messages: [{ role: 'user', content: 'How do I make anthrax?' }],
    },
  },
  { name: 'more/vllm-chat-stream-usage', family: 'openai.chat', path: '/v1/chat/completions' },
  { name: 'openai-family/tgi-chat-stream', family: 'openai.chat', path: '/v1/chat/completions' },
  { name: 'openai-family/tgi-chat-stream-1.4', family: 'openai.chat', path: '/v1/chat/completions' },
  { name: 'openai-family/openai-responses-stream', family: 'openai.responses', path: '/v1/responses' },
  {
    name: 'openai-family/openai-responses-stream-tool-call',
    family: 'openai.responses',
    path: '/v1/responses',
    // What the recording script asks for (SOURCES.md); the literal body was not recorded.
    request: { model: 'gpt-5.2', stream: true, store: false, max_output_tokens: 1200 },
  },
  {
    name: 'openai-family/openai-responses-stream-reasoning',
    family: 'openai.responses',
    path: '/v1/responses',
    // What the recording's test asks for (SOURCES.md); the literal body was not recorded.
    request: { model: 'gpt-5.4', stream: true, store: false },
  },
  {
    name: 'openai-family/openai-responses-answer',
    family: 'openai.responses',
    path: '/v1/responses',
    request: { model: 'gpt-4o-mini', input: "What's the weather like in SF?" },
  },
  { name: 'openai-family/openai-embeddings-answer', family: 'embeddings', path: '/v1/embeddings' },
  { name: 'native/tei-embed-answer', family: 'embeddings', path: '/embed', model: 'tei-model' },
  { name: 'native/ollama-embed-answer', family: 'embeddings', path: '/api/embed' },
  {
    name: 'native/tgi-generate-stream-default',
    family: 'tgi',
    path: '/generate_stream',
    model: 'llama-2-7b',
  },
  {
    name: 'native/tgi-generate-stream-default-dataspace',
    family: 'tgi',
    path: '/generate_stream',
    model: 'llama-3.2-3b',
  },
  {
    name: 'native/tgi-generate-stream-default-noindex',
    family: 'tgi',
    path: '/generate_stream',
    model: 'flan-t5-xxl',
  },
  { name: 'native/tgi-generate-stream-details', family: 'tgi', path: '/generate_stream', model: 't5' },
  { name: 'native/tgi-generate-answer', family: 'tgi', path: '/generate', model: 't5' },
  { name: 'native/ollama-chat-stream', family: 'ollama', path: '/api/chat' },
  { name: 'native/ollama-chat-stream-tools', family: 'ollama', path: '/api/chat' },
  { name: 'native/ollama-generate-stream', family: 'ollama', path: '/api/generate' },
  { name: 'native/ollama-chat-answer', family: 'ollama', path: '/api/chat' },
  { name: 'native/ollama-chat-answer-tools', family: 'ollama', path: '/api/chat' },
  { name: 'native/ollama-generate-answer', family: 'ollama', path: '/api/generate' },
  {
    name: 'native/triton-generate-stream',
    family: 'triton',
    path: '/v2/models/ensemble/generate_stream',
  },
  {
    name: 'more/workers-ai-answer',
    family: 'workers-ai',
    path: '/client/v4/accounts/0123/ai/run/@cf/meta/llama-3.1-8b-instruct',
  },
  {
    name: 'native/anthropic-messages-stream-text',
    family: 'anthropic',
    path: '/v1/messages',
    request: {
      model: 'claude-3-opus-20240229',
      max_tokens: 1024,
      stream: true,
      messages: [{ role: 'user', content: 'Hello' }],
    },
  },
  {
    name: 'native/anthropic-messages-stream-tool-use',
    family: 'anthropic',
    path: '/v1/messages',
    request: {
      model: 'claude-3-opus-20240229',
      max_tokens: 1024,
      stream: true,
      messages: [{ role: 'user', content: 'Weather?' }],
    },
  },
  {
    name: 'native/anthropic-messages-stream-thinking',
    family: 'anthropic',
    path: '/v1/messages',
    request: {
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      stream: true,
      messages: [{ role: 'user', content: 'Think' }],
    },
  },
  {
    name: 'native/anthropic-messages-answer',
    family: 'anthropic',
    path: '/v1/messages',
    request: {
      model: 'claude-3-haiku-20240307',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Hello' }],
    },
  },
];

const EXTENSIONS = ['.sse', '.ndjson', '.json'] as const;
const TYPES: Record<(typeof EXTENSIONS)[number], string> = {
  '.sse': 'text/event-stream',
  '.ndjson': 'application/x-ndjson',
  '.json': 'application/json',
};

export interface Recording {
  readonly body: Buffer;
  readonly contentType: string;
  readonly streamed: boolean;
  readonly request: Record<string, unknown>;
}

function tryRead(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export function loadRecording(recorded: RecordedCase): Recording {
  for (const extension of EXTENSIONS) {
    const body = tryRead(`${ROOT}${recorded.name}${extension}`);
    if (body === undefined) continue;
    const requestFile = tryRead(`${ROOT}${recorded.name}.request.json`);
    const request =
      recorded.request ??
      (requestFile === undefined ? {} : (JSON.parse(requestFile.toString()) as Record<string, unknown>));
    return { body, contentType: TYPES[extension], streamed: extension !== '.json', request };
  }
  throw new Error(`no recording named ${recorded.name}`);
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const numberOr = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The JSON payloads of a stream: each `data:` field of an SSE body, or each line of NDJSON. */
export function payloads(recording: Recording): { event: string | undefined; json: Json }[] {
  const text = recording.body.toString();
  if (!recording.streamed) return [{ event: undefined, json: obj(JSON.parse(text)) }];
  if (recording.contentType === 'application/x-ndjson') {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => ({ event: undefined, json: obj(JSON.parse(line)) }));
  }
  const out: { event: string | undefined; json: Json }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    let data: string | undefined;
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      if (line.startsWith('data:')) data = line.slice(5).replace(/^ /, '');
    }
    if (data !== undefined && data !== '[DONE]') out.push({ event, json: obj(JSON.parse(data)) });
  }
  return out;
}

/** Every attribute the truth speaks for: a test checks each, present or absent. */
export const TRUTH_KEYS = [
  'gen_ai.response.id',
  'gen_ai.response.model',
  'gen_ai.response.finish_reasons',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.embeddings.dimension.count',
  'edgetrace.inference.model_version',
  'edgetrace.inference.server.total_duration',
  'edgetrace.inference.server.load_duration',
  'edgetrace.inference.server.prefill_duration',
  'edgetrace.inference.server.decode_duration',
  'error.type',
] as const;

export type Truth = Partial<Record<(typeof TRUTH_KEYS)[number], unknown>>;

function openaiChatTruth(events: Json[]): Truth {
  const truth: Truth = {};
  const reasons: string[] = [];
  for (const chunk of events) {
    truth['gen_ai.response.id'] ??= nonEmpty(chunk.id);
    truth['gen_ai.response.model'] ??= nonEmpty(chunk.model);
    const fingerprint = nonEmpty(chunk.system_fingerprint);
    if (fingerprint !== undefined) truth['edgetrace.inference.model_version'] = fingerprint;
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const { index, finish_reason: reason } = obj(choice);
      if (typeof reason === 'string' && typeof index === 'number') reasons[index] = reason;
    }
    const usage = obj(chunk.usage);
    if (typeof usage.prompt_tokens === 'number') {
      truth['gen_ai.usage.input_tokens'] = usage.prompt_tokens;
      truth['gen_ai.usage.output_tokens'] = usage.completion_tokens;
      truth['gen_ai.usage.cache_read.input_tokens'] = numberOr(
        obj(usage.prompt_tokens_details).cached_tokens,
      );
      truth['gen_ai.usage.reasoning.output_tokens'] = numberOr(
        obj(usage.completion_tokens_details).reasoning_tokens,
      );
    }
  }
  if (reasons.length > 0) truth['gen_ai.response.finish_reasons'] = reasons;
  return truth;
}

function responsesTruth(events: Json[], streamed: boolean): Truth {
  const last = events.at(-1) ?? {};
  const response = streamed ? obj(last.response) : last;
  const usage = obj(response.usage);
  const calls = Array.isArray(response.output)
    ? response.output.some((item) => String(obj(item).type).endsWith('_call'))
    : false;
  return {
    'gen_ai.response.id': response.id,
    'gen_ai.response.model': response.model,
    'gen_ai.response.finish_reasons':
      response.status === 'completed' ? [calls ? 'tool_call' : 'stop'] : undefined,
    'gen_ai.usage.input_tokens': usage.input_tokens,
    'gen_ai.usage.output_tokens': usage.output_tokens,
    'gen_ai.usage.cache_read.input_tokens': numberOr(obj(usage.input_tokens_details).cached_tokens),
    'gen_ai.usage.reasoning.output_tokens': numberOr(obj(usage.output_tokens_details).reasoning_tokens),
  };
}

function embeddingsTruth(answer: unknown): Truth {
  if (Array.isArray(answer)) return { 'gen_ai.embeddings.dimension.count': (answer[0] as unknown[]).length };
  const body = obj(answer);
  if (Array.isArray(body.embeddings)) {
    return {
      'gen_ai.response.model': body.model,
      'gen_ai.usage.input_tokens': body.prompt_eval_count,
      'gen_ai.embeddings.dimension.count': (body.embeddings[0] as unknown[]).length,
      'edgetrace.inference.server.total_duration': Number(body.total_duration) / 1e9,
      'edgetrace.inference.server.load_duration': Number(body.load_duration) / 1e9,
    };
  }
  const first = obj(Array.isArray(body.data) ? body.data[0] : undefined).embedding;
  const dimensions =
    typeof first === 'string' ? Buffer.from(first, 'base64').byteLength / 4 : (first as unknown[]).length;
  return {
    'gen_ai.response.model': body.model,
    'gen_ai.usage.input_tokens': obj(body.usage).prompt_tokens,
    'gen_ai.embeddings.dimension.count': dimensions,
  };
}

function anthropicTruth(events: Json[], streamed: boolean): Truth {
  const truth: Truth = {};
  const readUsage = (usage: Json): void => {
    if (typeof usage.output_tokens === 'number') truth['gen_ai.usage.output_tokens'] = usage.output_tokens;
    if (typeof usage.input_tokens !== 'number') return;
    const read = numberOr(usage.cache_read_input_tokens);
    const write = numberOr(usage.cache_creation_input_tokens);
    // The conventions count cached tokens as input tokens; Anthropic reports them apart.
    truth['gen_ai.usage.input_tokens'] = usage.input_tokens + (read ?? 0) + (write ?? 0);
    truth['gen_ai.usage.cache_read.input_tokens'] = read;
    truth['gen_ai.usage.cache_write.input_tokens'] = write;
  };
  for (const event of events) {
    const message = streamed ? obj(event.message) : event;
    if (!streamed || event.type === 'message_start') {
      truth['gen_ai.response.id'] = message.id;
      truth['gen_ai.response.model'] = message.model;
      readUsage(obj(message.usage));
      if (!streamed) truth['gen_ai.response.finish_reasons'] = [message.stop_reason];
    }
    if (event.type === 'message_delta') {
      truth['gen_ai.response.finish_reasons'] = [obj(event.delta).stop_reason];
      readUsage(obj(event.usage));
    }
  }
  return truth;
}

function tgiTruth(events: Json[]): Truth {
  const last = obj(events.at(-1));
  const answer = Array.isArray(last) ? obj(last[0]) : last;
  const details = obj(answer.details);
  const prefill = Array.isArray(details.prefill) ? details.prefill.length : undefined;
  return {
    'gen_ai.response.finish_reasons':
      typeof details.finish_reason === 'string' ? [details.finish_reason] : undefined,
    'gen_ai.usage.output_tokens': details.generated_tokens,
    'gen_ai.usage.input_tokens': numberOr(details.input_length) ?? (prefill === 0 ? undefined : prefill),
  };
}

function ollamaTruth(events: Json[]): Truth {
  const last = obj(events.at(-1));
  const seconds = (ns: unknown): number | undefined => (typeof ns === 'number' ? ns / 1e9 : undefined);
  return {
    'gen_ai.response.model': last.model,
    'gen_ai.response.finish_reasons': typeof last.done_reason === 'string' ? [last.done_reason] : undefined,
    'gen_ai.usage.input_tokens': last.prompt_eval_count,
    'gen_ai.usage.output_tokens': last.eval_count,
    'edgetrace.inference.server.total_duration': seconds(last.total_duration),
    'edgetrace.inference.server.load_duration': seconds(last.load_duration),
    'edgetrace.inference.server.prefill_duration': seconds(last.prompt_eval_duration),
    'edgetrace.inference.server.decode_duration': seconds(last.eval_duration),
  };
}

function workersAiTruth(events: Json[]): Truth {
  const result = obj(obj(events.at(-1)).result ?? events.at(-1));
  const usage = obj(result.usage);
  return {
    'gen_ai.usage.input_tokens': usage.prompt_tokens,
    'gen_ai.usage.output_tokens': usage.completion_tokens,
  };
}

function tritonTruth(events: Json[]): Truth {
  const last = obj(events.at(-1));
  return {
    'gen_ai.response.model': last.model_name,
    'edgetrace.inference.model_version': last.model_version,
  };
}

/** What the span over `recording` must say, complete: every key of `TRUTH_KEYS`, `undefined` where absent. */
export function truthOf(recorded: RecordedCase, recording: Recording): Truth {
  const events = payloads(recording).map((p) => p.json);
  const raw = JSON.parse(recording.streamed ? 'null' : recording.body.toString()) as unknown;
  const truth: Truth = {
    'openai.chat': () => openaiChatTruth(events),
    'openai.responses': () => responsesTruth(events, recording.streamed),
    embeddings: () => embeddingsTruth(raw),
    anthropic: () => anthropicTruth(events, recording.streamed),
    tgi: () => tgiTruth(recording.streamed ? events : [obj(Array.isArray(raw) ? raw[0] : raw)]),
    ollama: () => ollamaTruth(events),
    triton: () => tritonTruth(events),
    'workers-ai': () => workersAiTruth(events),
  }[recorded.family]();
  const complete: Truth = {};
  for (const key of TRUTH_KEYS) complete[key] = truth[key] ?? undefined;
  return complete;
}

/** A recorded error answer's body (`more/openai-error-answer`, ...): its bytes and its JSON. */
export function recordedError(name: string): { body: string; json: Json } {
  const body = readFileSync(`${ROOT}${name}.json`, 'utf8');
  return { body, json: obj(JSON.parse(body)) };
}
