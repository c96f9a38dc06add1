// What a protocol adapter reads: the request body, each streamed event, a whole JSON response.
// Adapters only read plain JSON and fill a Generation; they never see spans or streams.
import type { Attributes } from '@opentelemetry/api';

export type ProtocolName =
  | 'openai.chat'
  | 'openai.completions'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'tgi'
  | 'tei'
  | 'triton'
  | 'anthropic'
  | 'workers-ai'
  | 'ollama.chat'
  | 'ollama.generate'
  | 'ollama.embed';

/** `gen_ai.operation.name` values we write. */
export type Operation = 'chat' | 'text_completion' | 'embeddings';

/** A chat or prompt message in the GenAI conventions' shape (text parts only). */
export interface Message {
  role: string;
  parts: { type: 'text'; content: string }[];
}

/** What the request says. */
export interface RequestSummary {
  model?: string | undefined;
  stream: boolean;
  /** `gen_ai.request.*` parameters found in the body. */
  attributes: Attributes;
  /** The prompt, for content capture (read only when capture is on). */
  input?: Message[];
  /** System instructions the API takes apart from the messages (Anthropic's `system`), for capture. */
  system?: Message['parts'];
}

/** What the response said so far; adapters fill it from events or from the JSON body. */
export interface Generation {
  responseId?: string | undefined;
  responseModel?: string | undefined;
  modelVersion?: string | undefined;
  /** One finish reason per choice, at the choice's index (holes where none came yet). */
  finishReasons: (string | undefined)[];
  /** Choices the request asked for (`n`, else 1). */
  readonly choices: number;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  cacheReadTokens?: number | undefined;
  cacheWriteTokens?: number | undefined;
  reasoningTokens?: number | undefined;
  /** Vectors in an embeddings answer, and their length. */
  dimensions?: number | undefined;
  /** What the server says its own time went to, in seconds (Ollama's durations, llama.cpp's timings). */
  server?: ServerTimings;
  /** Output text parts seen, for content capture (appended only when capture is on). */
  output: string[];
  /** The characters in `output`, kept by `addOutput`, so capture stops at its limit without a recount. */
  outputChars: number;
  /** An error the server reported inside a 2xx answer or a stream. */
  error?: { type: string; message?: string };
  /** Whether the stream said it was complete (`[DONE]`, `message_stop`, a final event). */
  complete: boolean;
}

/** Server-side timings some servers report, in seconds. */
export interface ServerTimings {
  total?: number | undefined;
  load?: number | undefined;
  prefill?: number | undefined;
  decode?: number | undefined;
}

/**
 * One wire protocol, with all of its facts: how it is recognised, what its request says, how its
 * events and answers read, and how its streams end. Adding a protocol is one file like this.
 */
export interface ProtocolAdapter {
  readonly name: ProtocolName;
  readonly operation: Operation;
  /** `gen_ai.provider.name` when the host names none. */
  readonly provider: string;
  /** Whether a request to `path` (the URL's path without a trailing slash) speaks this protocol. */
  matchPath(path: string, url: URL): boolean;
  /** Whether a request body of this shape does, when no path matched. @default never */
  matchBody?(body: JsonObject): boolean;
  /** Whether a stream ends with a marker, so that one ending without it is incomplete. */
  readonly endMarked: boolean;
  /** Reads the request's JSON body (`url` for models named in the path). */
  request(body: JsonObject, url: URL, capture: boolean): RequestSummary;
  /** Reads one streamed event (`data` already parsed when it is JSON). */
  event(data: unknown, name: string, generation: Generation, capture: boolean): void;
  /** Reads a whole (non-streamed) JSON response. */
  response(body: unknown, generation: Generation, capture: boolean): void;
  /**
   * Whether an event's raw data carries generated text and nothing else — no usage, finish
   * reason or error — so it need not be parsed when content is not captured. A cheap string
   * test: JSON escapes every quote inside text, so these markers cannot come from the text.
   */
  contentOnly?(data: string): boolean;
  /**
   * The number of events in `text` — complete SSE events, each ending in a blank line, LF line
   * ends only — when every one would be dispatched with data that is {@link contentOnly}, told
   * from the run's text in a few native passes rather than event by event (see runs.ts); 0 unless
   * the answer is certain, which sends the run through {@link contentOnly}.
   */
  contentOnlyRun?(text: string): number;
}

export type JsonObject = Record<string, unknown>;

/** JSON text as a value, or `undefined` when it is not JSON (a stream's junk is not our exception). */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** The body fields that carry each `gen_ai.request.*` attribute in most protocols. */
const PARAMETER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'gen_ai.request.max_tokens': ['max_tokens'],
  'gen_ai.request.temperature': ['temperature'],
  'gen_ai.request.top_p': ['top_p'],
  'gen_ai.request.top_k': ['top_k'],
  'gen_ai.request.seed': ['seed'],
  'gen_ai.request.stop_sequences': ['stop'],
  'gen_ai.request.frequency_penalty': ['frequency_penalty'],
  'gen_ai.request.presence_penalty': ['presence_penalty'],
  'gen_ai.request.choice.count': ['n'],
};

/**
 * `gen_ai.request.*` attributes from the body, each read from the first of its fields present;
 * `fields` names a protocol's own fields where they differ from the common ones.
 */
export function requestParameters(
  body: JsonObject,
  fields: Record<string, readonly string[]> = {},
): Attributes {
  const attributes: Attributes = {};
  for (const [attribute, common] of Object.entries(PARAMETER_FIELDS)) {
    for (const field of fields[attribute] ?? common) {
      const value = body[field];
      if (typeof value === 'number' && Number.isFinite(value)) attributes[attribute] = value;
      else if (typeof value === 'string' && attribute === 'gen_ai.request.stop_sequences')
        attributes[attribute] = [value];
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        attributes[attribute] = value;
      else continue;
      break;
    }
  }
  return attributes;
}

/** Text of a message content that is a string or a list of typed parts. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

export function textMessage(role: string, content: string): Message {
  return { role, parts: [{ type: 'text', content }] };
}

/** A chat request's `messages` (`{role, content}` objects) as captured input messages. */
export function chatMessages(messages: unknown): Message[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter(isObject).map((m) => textMessage(str(m.role) ?? 'user', textOf(m.content)));
}

/** Where a `usage` object keeps its counts. */
export interface UsageNames {
  readonly input: string;
  readonly output: string;
  readonly inputDetails: string;
  readonly outputDetails: string;
}

/** Chat and completions (also Workers AI's): `prompt_tokens`, `completion_tokens`. */
const CHAT_USAGE: UsageNames = {
  input: 'prompt_tokens',
  output: 'completion_tokens',
  inputDetails: 'prompt_tokens_details',
  outputDetails: 'completion_tokens_details',
};

/** The Responses API: `input_tokens`, `output_tokens`. */
export const RESPONSES_USAGE: UsageNames = {
  input: 'input_tokens',
  output: 'output_tokens',
  inputDetails: 'input_tokens_details',
  outputDetails: 'output_tokens_details',
};

/** OpenAI-style `usage` and its details (cached and reasoning tokens), under `names`. */
export function readOpenAiUsage(
  usage: unknown,
  generation: Generation,
  names: UsageNames = CHAT_USAGE,
): void {
  if (!isObject(usage)) return;
  const input = num(usage[names.input]);
  const output = num(usage[names.output]);
  if (input !== undefined) generation.inputTokens = input;
  if (output !== undefined) generation.outputTokens = output;
  const inputDetails = usage[names.inputDetails];
  const outputDetails = usage[names.outputDetails];
  const cached = isObject(inputDetails) ? num(inputDetails.cached_tokens) : undefined;
  if (cached !== undefined) generation.cacheReadTokens = cached;
  const reasoning = isObject(outputDetails) ? num(outputDetails.reasoning_tokens) : undefined;
  if (reasoning !== undefined) generation.reasoningTokens = reasoning;
}

/** Appends generated text for content capture, when there is some. */
export function addOutput(generation: Generation, text: unknown): void {
  if (typeof text !== 'string' || text === '') return;
  generation.output.push(text);
  generation.outputChars += text.length;
}

/** Sets the finish reason of the choice at `index` (the first choice when none is given). */
export function setFinishReason(generation: Generation, reason: unknown, index: unknown = 0): void {
  const at = typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < 1024 ? index : 0;
  if (typeof reason === 'string' && reason !== '') generation.finishReasons[at] = reason;
}

/** Whether every choice the request asked for has its finish reason. */
export function allChoicesFinished(generation: Generation): boolean {
  const { finishReasons, choices } = generation;
  if (finishReasons.length < choices) return false;
  for (const reason of finishReasons) if (reason === undefined) return false;
  return true;
}

/** A string that says something: empty strings are not facts (TGI's OpenAI API sends `"id": ""`). */
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Reads an error object or message a server sent in a body or an event. */
export function readError(value: unknown): { type: string; message?: string } | undefined {
  if (typeof value === 'string') return { type: 'server_error', message: value };
  if (!isObject(value)) return undefined;
  const type =
    str(value.type) ?? str(value.code) ?? (typeof value.code === 'number' ? String(value.code) : undefined);
  const message = str(value.message);
  return { type: type ?? 'server_error', ...(message === undefined ? {} : { message }) };
}

/**
 * Reads an error body (`{"error": ...}`: Ollama's, and Hugging Face servers' with their
 * `"error_type": "validation"`, TGI and TEI) into `generation`; returns whether the body was one.
 * An `error` we cannot read is still an error: `server_error`.
 */
export function readErrorBody(body: JsonObject, generation: Generation): boolean {
  if (body.error === undefined) return false;
  const error = readError(body.error) ?? { type: 'server_error' };
  const type = str(body.error_type);
  generation.error = type === undefined ? error : { ...error, type };
  return true;
}

/** A text input: one string, or the strings of a list joined by line breaks; '' for anything else. */
export function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  return Array.isArray(input) ? input.filter((item) => typeof item === 'string').join('\n') : '';
}
