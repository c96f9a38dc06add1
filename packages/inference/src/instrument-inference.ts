// instrumentInference: a traced `fetch` for inference endpoints. Each call gets a GenAI CLIENT
// span named `{gen_ai.operation.name} {gen_ai.request.model}` with the request's parameters,
// and — as a streamed answer passes through untouched — time to first chunk, chunk timing,
// usage and finish reasons; it ends once, when the stream ends, fails or is cancelled.
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
import {
  ConfigError,
  checkOptionNames,
  clearBodyPending,
  markBodyPending,
  normalizeMethod,
  TIME_TO_FIRST_BYTE,
  watchBody,
  withBody,
} from '@edgetrace/core';
import {
  CLIENT_OPTION_NAMES,
  type ClientOptions,
  callTarget,
  clientAttributes,
  createClient,
  type Fetcher,
  instrumentFetch,
  withSpan,
} from '@edgetrace/fetch';
import { type Attributes, type Span, SpanKind } from '@opentelemetry/api';
import { type ContentCaptureOptions, messagesAttribute, resolveCapture } from './content.js';
import { createGenerationSpan, type InferenceEvent } from './generation-span.js';
import { ADAPTERS, detectProtocol } from './protocols/detect.js';
import { isObject, type JsonObject, type ProtocolAdapter, type ProtocolName } from './protocols/types.js';
import { readRequestBody } from './request-body.js';
import { createEventParser } from './sse.js';

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
}

const OPTION_NAMES = new Set([
  ...CLIENT_OPTION_NAMES,
  'protocol',
  'provider',
  'model',
  'captureContent',
  'idleTimeoutMs',
  'maxEventBytes',
  'maxRequestBodyBytes',
  'onEvent',
  'onResponse',
]);

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

const PROVIDERS_BY_PROTOCOL: Record<ProtocolName, string> = {
  'openai.chat': 'openai',
  'openai.completions': 'openai',
  tgi: 'tgi',
  triton: 'triton',
  anthropic: 'anthropic',
  'workers-ai': 'cloudflare.workers_ai',
};

function providerFor(url: URL, adapter: ProtocolAdapter): string {
  const host = url.hostname.toLowerCase();
  for (const [pattern, provider] of PROVIDERS_BY_HOST) if (pattern.test(host)) return provider;
  return PROVIDERS_BY_PROTOCOL[adapter.name];
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

function parseJson(text: string | undefined): JsonObject | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const isEventStream = (response: Response): boolean =>
  response.headers.get('content-type')?.toLowerCase().startsWith('text/event-stream') === true;

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
  const clientOptions: ClientOptions = {};
  for (const name of CLIENT_OPTION_NAMES) {
    const value = options[name as keyof ClientOptions];
    if (value !== undefined) Object.assign(clientOptions, { [name]: value });
  }
  const plain = instrumentFetch(fetcher, clientOptions);
  const capture = resolveCapture(options.captureContent);
  const { tracer, now } = client;
  const explicit = options.protocol === undefined ? undefined : ADAPTERS[options.protocol];
  const {
    maxEventBytes,
    maxRequestBodyBytes = 8 * 1024 * 1024,
    idleTimeoutMs,
    onEvent,
    onResponse,
  } = options;

  return async function inferenceFetch(input: RequestInfo | URL, givenInit?: RequestInit): Promise<Response> {
    // The parent is read before any await: without AsyncLocalStorage it is gone after one.
    const parent = client.parent();
    const target = callTarget(input, givenInit, normalizeMethod);
    if (target === undefined || target.method !== 'POST') return plain(input, givenInit);
    const { text, init } = await readRequestBody(target, givenInit, maxRequestBodyBytes);
    const body = parseJson(text);
    const adapter = explicit ?? detectProtocol(target.url, body);
    if (adapter === undefined) return plain(input, init);

    const summary = adapter.request(body ?? {}, target.url, capture !== undefined);
    const model = summary.model ?? options.model;
    const { attributes } = clientAttributes(target.url, target.method);
    const genAi: Attributes = {
      'gen_ai.operation.name': adapter.operation,
      'gen_ai.provider.name': options.provider ?? providerFor(target.url, adapter),
      'gen_ai.request.stream': summary.stream,
      ...summary.attributes,
    };
    if (model !== undefined) genAi['gen_ai.request.model'] = model;
    if (capture !== undefined && summary.input !== undefined) {
      genAi['gen_ai.input.messages'] = messagesAttribute(summary.input, capture);
    }
    const startTime = now();
    const span = tracer.startSpan(
      model === undefined ? adapter.operation : `${adapter.operation} ${model}`,
      { kind: SpanKind.CLIENT, attributes: { ...attributes, ...genAi }, startTime },
      parent,
    );
    const generation = createGenerationSpan({
      span,
      adapter,
      now,
      startTime,
      capture,
      onEvent,
      onResponse,
      idleTimeoutMs,
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
      span.setAttribute('http.response.status_code', response.status);
      if (!response.ok) {
        // An error answer is small and says why: read it, end the span, hand the same bytes on.
        // (Reading a clone instead would stall in workerd when the caller never reads the body.)
        let errorText = '';
        try {
          errorText = await response.text();
        } catch (error) {
          generation.end({ kind: 'error', error });
          return new Response(null, {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          });
        }
        generation.answer(errorText);
        generation.end({ kind: 'http', status: response.status });
        return new Response(errorText, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      }
      const upstream = response.body;
      if (upstream === null) {
        generation.end({ kind: 'complete' });
        return response;
      }
      if (!isEventStream(response)) {
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
      const parse = createEventParser((event) => generation.event(event), {
        ...(maxEventBytes === undefined ? {} : { maxEventBytes }),
        onOversized: () => generation.oversized(),
      });
      generation.watchIdle();
      // A stream nobody starts to read must not hold its trace back (see markBodyPending).
      markBodyPending(span, () => generation.end({ kind: 'unobserved' }));
      const watched = watchBody(upstream, {
        onPull: () => clearBodyPending(span),
        onChunk: (chunk) => parse(chunk),
        onEnd: (outcome) =>
          generation.end(
            outcome.kind === 'complete'
              ? { kind: 'complete' }
              : outcome.kind === 'cancelled'
                ? { kind: 'cancelled' }
                : { kind: 'error', error: outcome.error },
          ),
      });
      return withBody(response, watched);
    } catch (error) {
      generation.end({ kind: 'error', error });
      return response;
    }
  };
}
