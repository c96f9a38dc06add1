// instrumentInference: a traced `fetch` for inference endpoints. Each call gets a GenAI CLIENT
// span named `{gen_ai.operation.name} {gen_ai.request.model}` with the request's parameters,
// and — as a streamed answer passes through untouched — time to first chunk, chunk timing,
// usage and finish reasons; it ends once, when the stream ends, fails or is cancelled.
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
import { ConfigError } from '@edgetrace/core';
import {
  checkOptionNames,
  endSpanWithBody,
  normalizeMethod,
  optionNames,
  pickOptions,
  recordStatus,
  TIME_TO_FIRST_BYTE,
} from '@edgetrace/core/internal';
import { type ClientOptions, type Fetcher, instrumentFetch } from '@edgetrace/fetch';
import {
  type CallTarget,
  CLIENT_OPTION_NAMES,
  CLIENT_OPTIONS,
  callTarget,
  clientAttributes,
  createClient,
  withSpan,
} from '@edgetrace/fetch/internal';
import { type Attributes, type Context, type Span, SpanKind, trace } from '@opentelemetry/api';
import {
  type ContentCaptureOptions,
  instructionsAttribute,
  messagesAttribute,
  resolveCapture,
} from './content.js';
import { createGenerationSpan, type GenerationSpan, type InferenceEvent } from './generation-span.js';
import { createLineParser } from './ndjson.js';
import { ADAPTERS, detectProtocol } from './protocols/detect.js';
import {
  isObject,
  type JsonObject,
  type ProtocolAdapter,
  type ProtocolName,
  parseJson,
} from './protocols/types.js';
import { readRequestBody } from './request-body.js';
import { createEventParser, type EventParser, type EventParserOptions, type ServerSentEvent } from './sse.js';

export interface InstrumentInferenceOptions extends ClientOptions {
  /** The wire protocol. @default detected from the path, then from the request body */
  protocol?: ProtocolName;
  /** `gen_ai.provider.name`. @default from the host (api.openai.com → `openai`, ...), else from the protocol */
  provider?: string;
  /** `gen_ai.request.model` when the request does not name one (TGI's native API). @default none */
  model?: string;
  /** Record prompts and completions (`gen_ai.input.messages` / `gen_ai.output.messages`). @default false */
  captureContent?: boolean | ContentCaptureOptions;
  /** End the span as an error when a stream sends nothing for this long; the stream itself is left alone. @default none */
  idleTimeoutMs?: number;
  /** The longest SSE line read; a longer one is skipped and counted. @default 1048576 */
  maxEventBytes?: number;
  /** The largest request body read for attributes. @default 8388608 */
  maxRequestBodyBytes?: number;
  /** Called with each parsed event, to add attributes (model version, confidence...). */
  onEvent?: (event: InferenceEvent, span: Span) => void;
  /** Called with a whole (non-streamed) JSON answer, to add attributes. */
  onResponse?: (body: unknown, span: Span) => void;
  /**
   * When the call runs inside another instrumentation's GenAI span — an SDK that traces itself
   * (`@anthropic-ai/sdk` 1.x, the AI SDK with telemetry on) — leave `gen_ai.*` to that span, so
   * tokens are counted once, and record here what only the wire shows (HTTP, time to first
   * chunk, chunk timing, outcome) under edgetrace's names. `false` records both in full.
   * @default true
   */
  yieldToSdkSpans?: boolean;
}

const OPTION_NAMES = optionNames<InstrumentInferenceOptions>({
  ...CLIENT_OPTIONS,
  protocol: true,
  provider: true,
  model: true,
  captureContent: true,
  idleTimeoutMs: true,
  maxEventBytes: true,
  maxRequestBodyBytes: true,
  onEvent: true,
  onResponse: true,
  yieldToSdkSpans: true,
});

const PROVIDERS_BY_HOST: [RegExp, string][] = [
  [/(^|\.)api\.openai\.com$/, 'openai'],
  [/\.openai\.azure\.com$/, 'azure.ai.openai'],
  [/(^|\.)api\.anthropic\.com$/, 'anthropic'],
  [/(^|\.)api\.groq\.com$/, 'groq'],
  [/(^|\.)api\.mistral\.ai$/, 'mistral_ai'],
  [/(^|\.)api\.deepseek\.com$/, 'deepseek'],
  [/(^|\.)api\.x\.ai$/, 'x_ai'],
  [/(^|\.)api\.perplexity\.ai$/, 'perplexity'],
  [/(^|\.)(api|gateway\.ai)\.cloudflare\.com$/, 'cloudflare.workers_ai'],
];

function providerFor(url: URL, adapter: ProtocolAdapter): string {
  const host = url.hostname.toLowerCase();
  for (const [pattern, provider] of PROVIDERS_BY_HOST) if (pattern.test(host)) return provider;
  return adapter.provider;
}

/** Whether `parent`'s span is a GenAI span of another instrumentation (an SDK that traces itself). */
function insideGenAiSpan(parent: Context): boolean {
  const attributes = (trace.getSpan(parent) as { attributes?: unknown } | undefined)?.attributes;
  if (!isObject(attributes)) return false;
  for (const key in attributes) if (key.startsWith('gen_ai.')) return true;
  return false;
}

function positive(value: number | undefined, name: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new ConfigError(`instrumentInference: ${name} must be a number > 0, got ${String(value)}`);
  }
}

function validate(options: InstrumentInferenceOptions): void {
  checkOptionNames(options, OPTION_NAMES, 'instrumentInference');
  if (options.protocol !== undefined && !(options.protocol in ADAPTERS)) {
    throw new ConfigError(
      `instrumentInference: unknown protocol "${String(options.protocol)}"; use one of ${Object.keys(ADAPTERS).join(', ')}`,
    );
  }
  positive(options.idleTimeoutMs, 'idleTimeoutMs');
  positive(options.maxEventBytes, 'maxEventBytes');
  positive(options.maxRequestBodyBytes, 'maxRequestBodyBytes');
  for (const hook of ['onEvent', 'onResponse'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') {
      throw new ConfigError(`instrumentInference: ${hook} must be a function`);
    }
  }
}

/** The request body as a JSON object, or `undefined`. */
function bodyObject(text: string | undefined): JsonObject | undefined {
  const parsed = text === undefined ? undefined : parseJson(text);
  return isObject(parsed?.value) ? parsed.value : undefined;
}

const LINE_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json-seq'];

/** The parser for a streamed answer, or `undefined` when the answer is a whole JSON document. */
function streamParser(
  response: Response,
  onEvent: (event: ServerSentEvent) => void,
  options: EventParserOptions,
): EventParser | undefined {
  const type = response.headers.get('content-type')?.toLowerCase() ?? '';
  if (type.startsWith('text/event-stream')) return createEventParser(onEvent, options);
  if (LINE_TYPES.some((lines) => type.startsWith(lines))) return createLineParser(onEvent, options);
  return undefined;
}

/**
 * Returns a traced `fetch` for inference endpoints — call it directly, or pass it as the `fetch`
 * of an SDK client (`new OpenAI({ fetch: instrumentInference(fetch) })`). Calls it does not
 * recognise as inference get a plain HTTP client span, as with `instrumentFetch`.
 */
export function instrumentInference(
  fetcher: typeof fetch | Fetcher,
  options: InstrumentInferenceOptions = {},
): typeof fetch {
  validate(options);
  const client = createClient(fetcher, options, 'instrumentInference', '@edgetrace/inference');
  const plain = instrumentFetch(fetcher, pickOptions(options, CLIENT_OPTION_NAMES));
  const capture = resolveCapture(options.captureContent);
  const { tracer, now } = client;
  const explicit = options.protocol === undefined ? undefined : ADAPTERS[options.protocol];
  const { maxRequestBodyBytes = 8 * 1024 * 1024, idleTimeoutMs, onEvent, onResponse } = options;
  const parserOptions: EventParserOptions =
    options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes };
  const yieldToSdkSpans = options.yieldToSdkSpans ?? true;

  /** The span's name and starting attributes: the GenAI ones, or the HTTP ones alone when it yields. */
  function describe(adapter: ProtocolAdapter, target: CallTarget, body: JsonObject, genAi: boolean) {
    const summary = adapter.request(body, target.url, capture !== undefined);
    const model = summary.model ?? options.model;
    const http = clientAttributes(target.url, target.method);
    if (!genAi) return { name: http.name, attributes: http.attributes, summary };
    const attributes: Attributes = {
      ...http.attributes,
      'gen_ai.operation.name': adapter.operation,
      'gen_ai.provider.name': options.provider ?? providerFor(target.url, adapter),
      ...summary.attributes,
    };
    // The conventions: set only for a streaming request; unset means not streaming.
    if (summary.stream) attributes['gen_ai.request.stream'] = true;
    if (model !== undefined) attributes['gen_ai.request.model'] = model;
    if (capture !== undefined && summary.input !== undefined) {
      attributes['gen_ai.input.messages'] = messagesAttribute(summary.input, capture);
    }
    if (capture !== undefined && summary.system !== undefined) {
      attributes['gen_ai.system_instructions'] = instructionsAttribute(summary.system, capture);
    }
    const name = model === undefined ? adapter.operation : `${adapter.operation} ${model}`;
    return { name, attributes, summary };
  }

  return async function inferenceFetch(input: RequestInfo | URL, givenInit?: RequestInit): Promise<Response> {
    // The parent is read before any await: without AsyncLocalStorage it is gone after one.
    const parent = client.parent();
    const target = callTarget(input, givenInit, normalizeMethod);
    if (target === undefined || target.method !== 'POST') return plain(input, givenInit);
    const { text, init } = await readRequestBody(target, givenInit, maxRequestBodyBytes);
    const body = bodyObject(text);
    const adapter = explicit ?? detectProtocol(target.url, body);
    if (adapter === undefined) return plain(input, init);

    const genAi = !(yieldToSdkSpans && insideGenAiSpan(parent));
    const { name, attributes, summary } = describe(adapter, target, body ?? {}, genAi);
    const startTime = now();
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime }, parent);
    const choices = summary.attributes['gen_ai.request.choice.count'];
    const generation = createGenerationSpan({
      span,
      adapter,
      now,
      startTime,
      capture,
      onEvent,
      onResponse,
      idleTimeoutMs,
      signal: () => init?.signal ?? target.request?.signal,
      choices: typeof choices === 'number' ? choices : undefined,
      genAi,
    });

    let response: Response;
    try {
      response = await client.send(target, input, init, withSpan(parent, span));
    } catch (error) {
      generation.end({ kind: 'error', error });
      throw error;
    }
    try {
      span.setAttribute(TIME_TO_FIRST_BYTE, (now() - startTime) / 1000);
      recordStatus(span, response.status, 'client');
      return await traceAnswer(response, generation, span, startTime);
    } catch (error) {
      generation.end({ kind: 'error', error });
      return response;
    }
  };

  /** Follows the answer: an error body read whole, a stream watched as it passes, a JSON answer read from a copy. */
  async function traceAnswer(
    response: Response,
    generation: GenerationSpan,
    span: Span,
    startTime: number,
  ): Promise<Response> {
    if (!response.ok) {
      // An error answer is small and says why: read it, end the span, hand the same bytes on.
      // (Reading a clone instead would stall in workerd when the caller never reads the body.)
      let errorText: string;
      try {
        errorText = await response.text();
      } catch (error) {
        generation.end({ kind: 'error', error });
        return copyOf(response, null);
      }
      generation.answer(errorText);
      generation.failHttp(response.status);
      return copyOf(response, errorText);
    }
    if (response.body === null) {
      generation.end({ kind: 'complete' });
      return response;
    }
    const parse = streamParser(response, (event) => generation.event(event), {
      ...parserOptions,
      onOversized: () => generation.oversized(),
    });
    if (parse === undefined) {
      response
        .clone()
        .text()
        .then(
          (answer) => {
            generation.answer(answer);
            generation.end({ kind: 'complete' });
          },
          (error: unknown) => generation.end({ kind: 'error', error }),
        );
      return response;
    }
    generation.watchIdle();
    return endSpanWithBody(span, response, {
      now,
      startTime,
      streaming: true,
      end: generation.end,
      onChunk: parse,
      timeFirstChunk: false,
    });
  }
}

/** The same answer with `body` in place of its own. */
function copyOf(response: Response, body: string | null): Response {
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
