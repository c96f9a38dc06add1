// What a generation's span says at its end, from what its adapter read: the GenAI answer
// attributes (id, model, finish reasons, usage, output messages) and the wire's own facts
// (model version, server timings, malformed and oversized events). Pure functions of the state.
// https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-inference.md
import type { Attributes } from '@opentelemetry/api';
import {
  MALFORMED_EVENTS,
  MODEL_VERSION,
  OVERSIZED_EVENTS,
  SERVER_DECODE_DURATION,
  SERVER_LOAD_DURATION,
  SERVER_PREFILL_DURATION,
  SERVER_TOTAL_DURATION,
} from './attribute-names.js';
import { type ContentCapture, messagesAttribute } from './content.js';
import type { Generation, Operation } from './protocols/types.js';

/**
 * One finish reason per choice, in choice order. Where a choice's reason never came because the
 * call ended early, the conventions ask for `error` in its place.
 */
export function finishReasons(generation: Generation, early: boolean): string[] {
  const count = Math.max(generation.finishReasons.length, early ? generation.choices : 0);
  const reasons: string[] = [];
  for (let i = 0; i < count; i++) {
    const reason = generation.finishReasons[i] ?? (early ? 'error' : undefined);
    if (reason !== undefined) reasons.push(reason);
  }
  return reasons;
}

/** The GenAI answer attributes; `early` when the call ended before its end marker. */
export function answerAttributes(
  g: Generation,
  operation: Operation,
  capture: ContentCapture | undefined,
  early: boolean,
): Attributes {
  const a: Attributes = {};
  if (g.responseId !== undefined) a['gen_ai.response.id'] = g.responseId;
  if (g.responseModel !== undefined) a['gen_ai.response.model'] = g.responseModel;
  if (operation !== 'embeddings') {
    const reasons = finishReasons(g, early);
    if (reasons.length > 0) a['gen_ai.response.finish_reasons'] = reasons;
  }
  if (g.inputTokens !== undefined) a['gen_ai.usage.input_tokens'] = g.inputTokens;
  if (g.outputTokens !== undefined) a['gen_ai.usage.output_tokens'] = g.outputTokens;
  if (g.cacheReadTokens !== undefined) a['gen_ai.usage.cache_read.input_tokens'] = g.cacheReadTokens;
  if (g.cacheWriteTokens !== undefined) a['gen_ai.usage.cache_write.input_tokens'] = g.cacheWriteTokens;
  if (g.reasoningTokens !== undefined) a['gen_ai.usage.reasoning.output_tokens'] = g.reasoningTokens;
  if (g.dimensions !== undefined) a['gen_ai.embeddings.dimension.count'] = g.dimensions;
  if (capture !== undefined && g.output.length > 0) {
    const parts = [{ type: 'text' as const, content: g.output.join('') }];
    a['gen_ai.output.messages'] = messagesAttribute([{ role: 'assistant', parts }], capture);
  }
  return a;
}

/** What only the wire shows, under our names: kept whether or not the span carries `gen_ai.*`. */
export function wireAttributes(g: Generation, malformed: number, oversized: number): Attributes {
  const a: Attributes = {};
  if (g.modelVersion !== undefined) a[MODEL_VERSION] = g.modelVersion;
  const server = g.server;
  if (server !== undefined) {
    if (server.total !== undefined) a[SERVER_TOTAL_DURATION] = server.total;
    if (server.load !== undefined) a[SERVER_LOAD_DURATION] = server.load;
    if (server.prefill !== undefined) a[SERVER_PREFILL_DURATION] = server.prefill;
    if (server.decode !== undefined) a[SERVER_DECODE_DURATION] = server.decode;
  }
  if (malformed > 0) a[MALFORMED_EVENTS] = malformed;
  if (oversized > 0) a[OVERSIZED_EVENTS] = oversized;
  return a;
}
