// instrumentInference: a traced `fetch` for inference endpoints. Each call gets a GenAI CLIENT
// span named `{gen_ai.operation.name} {gen_ai.request.model}` with the request's parameters,
// and — as a streamed answer passes through untouched — time to first chunk, chunk timing,
// usage and finish reasons; it ends once, when the stream ends, fails or is cancelled.
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
import { ConfigError } from '@edgetrace/core';
import {
  checkOptionNames,
  normalizeMethod,
  optionNames,
  pickOptions,
  recordStatus,
  TIME_TO_FIRST_BYTE,
} from '@edgetrace/core/internal';
import { type ClientOptions, type Fetcher, instrumentFetch } from '@edgetrace/fetch';
import {
  CLIENT_OPTION_NAMES,
  CLIENT_OPTIONS,
  callTarget,
  createClient,
  withSpan,
} from '@edgetrace/fetch/internal';
import { type Span, SpanKind } from '@opentelemetry/api';
import { type Describing, describeCall, insideGenAiSpan } from './call-attributes.js';
import { type ContentCaptureOptions, resolveCapture } from './content.js';
import { followAnswer } from './follow-answer.js';
import { createGenerationSpan, type InferenceEvent } from './generation-span.js';
import { ADAPTERS, detectProtocol } from './protocols/detect.js';
import { isObject, type JsonObject, type ProtocolName, parseJson } from './protocols/types.js';
import { readRequestBody } from './request-body.js';
import type { EventParserOptions } from './sse.js';

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
  const describing: Describing = { capture, model: options.model, provider: options.provider };

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
    // Its capture is none on a span that yields its GenAI attributes to an SDK's.
    const described = describeCall(adapter, target, body ?? {}, genAi, describing);
    const { name, attributes, summary } = described;
    const startTime = now();
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime }, parent);
    const choices = summary.attributes['gen_ai.request.choice.count'];
    const generation = createGenerationSpan({
      span,
      adapter,
      now,
      startTime,
      capture: described.capture,
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
      return await followAnswer(response, generation, { span, startTime, now, parserOptions });
    } catch (error) {
      generation.end({ kind: 'error', error });
      return response;
    }
  };
}
