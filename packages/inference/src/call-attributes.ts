// What a traced inference call's span starts with: its name and attributes from the request —
// the GenAI ones (operation, provider, model, parameters, captured messages), or the HTTP ones
// alone when another instrumentation's GenAI span is its parent and carries them.
// https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-inference.md
import type { CallTarget } from '@edgetrace/fetch/internal';
import { clientAttributes } from '@edgetrace/fetch/internal';
import { type Attributes, type Context, trace } from '@opentelemetry/api';
import { type ContentCapture, instructionsAttribute, messagesAttribute } from './content.js';
import { isObject, type JsonObject, type ProtocolAdapter, type RequestSummary } from './protocols/types.js';

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

/** `gen_ai.provider.name`: the host's when it is a known API, else the protocol's. */
function providerFor(url: URL, adapter: ProtocolAdapter): string {
  const host = url.hostname.toLowerCase();
  for (const [pattern, provider] of PROVIDERS_BY_HOST) if (pattern.test(host)) return provider;
  return adapter.provider;
}

/** The operations of a model call: an SDK's span for one of these is the call itself. */
const CALL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

/**
 * Whether `parent`'s span is another instrumentation's span for this very model call (an SDK that
 * traces itself: its `gen_ai.operation.name` is a call's, not an agent's or a tool's, which sum or
 * wrap calls and do not stand for one).
 */
export function insideGenAiSpan(parent: Context): boolean {
  const attributes = (trace.getSpan(parent) as { attributes?: unknown } | undefined)?.attributes;
  if (!isObject(attributes)) return false;
  const operation = attributes['gen_ai.operation.name'];
  return typeof operation === 'string' && CALL_OPERATIONS.has(operation);
}

/** What the options add to every call's description. */
export interface Describing {
  readonly capture: ContentCapture | undefined;
  /** `gen_ai.request.model` when the request names none (TGI). */
  readonly model: string | undefined;
  /** `gen_ai.provider.name` set in the options. */
  readonly provider: string | undefined;
}

/** The span's name and starting attributes: the GenAI ones, or the HTTP ones alone when `genAi` is false. */
export function describeCall(
  adapter: ProtocolAdapter,
  target: CallTarget,
  body: JsonObject,
  genAi: boolean,
  describing: Describing,
): { name: string; attributes: Attributes; summary: RequestSummary; capture: ContentCapture | undefined } {
  // Content is captured only onto GenAI attributes: a span that yields has none to hold it.
  const capture = genAi ? describing.capture : undefined;
  const summary = adapter.request(body, target.url, capture !== undefined);
  const model = summary.model ?? describing.model;
  const http = clientAttributes(target.url, target.method);
  if (!genAi) return { name: http.name, attributes: http.attributes, summary, capture };
  const attributes: Attributes = {
    ...http.attributes,
    'gen_ai.operation.name': adapter.operation,
    'gen_ai.provider.name': describing.provider ?? providerFor(target.url, adapter),
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
  return { name, attributes, summary, capture };
}
