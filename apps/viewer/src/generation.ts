// The inference figures of one span, in milliseconds and tokens, from the attributes
// @edgetrace/inference writes (GenAI semantic conventions plus edgetrace.inference.*) and, for
// any streamed response, core's edgetrace.response.time_to_first_{byte,chunk}. Nothing is
// invented: a figure the span does not carry stays undefined, and a derived one says so.
import type { ViewerSpan } from './decode.js';

export interface GenerationView {
  /** `gen_ai.response.model`, else `gen_ai.request.model`. */
  model?: string;
  operation?: string;
  provider?: string;
  /** Time to first chunk: GenAI's for a generation, core's for any streamed response. */
  firstChunkMs?: number;
  firstByteMs?: number;
  chunks?: number;
  meanChunkGapMs?: number;
  maxChunkGapMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  tokensPerSecond?: number;
  /** `true` when tokens per second is output tokens over the time after the first chunk, not the span's own figure. */
  tokensPerSecondDerived?: boolean;
  finishReasons?: string[];
}

const number = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const ms = (seconds: unknown): number | undefined => {
  const value = number(seconds);
  return value === undefined ? undefined : value * 1000;
};

/** Whether the span is a GenAI span (it names an operation or a model). */
export function isGeneration(span: ViewerSpan): boolean {
  const a = span.attributes;
  return a['gen_ai.operation.name'] !== undefined || a['gen_ai.request.model'] !== undefined;
}

/** The model a span is about, if any. */
export function modelOf(span: ViewerSpan): string | undefined {
  return text(span.attributes['gen_ai.response.model']) ?? text(span.attributes['gen_ai.request.model']);
}

function tokensPerSecond(g: GenerationView, durationMs: number, a: Record<string, unknown>): void {
  const reported = number(a['edgetrace.inference.output_tokens_per_second']);
  if (reported !== undefined) {
    g.tokensPerSecond = reported;
    return;
  }
  if (g.outputTokens === undefined || g.firstChunkMs === undefined) return;
  const decodeMs = durationMs - g.firstChunkMs;
  if (decodeMs <= 0) return;
  g.tokensPerSecond = g.outputTokens / (decodeMs / 1000);
  g.tokensPerSecondDerived = true;
}

/** The figures of `span`, or `undefined` when it carries none (a plain span). */
export function generationOf(span: ViewerSpan): GenerationView | undefined {
  const a = span.attributes;
  const g: GenerationView = {};
  const set = <K extends keyof GenerationView>(key: K, value: GenerationView[K] | undefined): void => {
    if (value !== undefined) g[key] = value;
  };
  set('model', modelOf(span));
  set('operation', text(a['gen_ai.operation.name']));
  set('provider', text(a['gen_ai.provider.name']));
  set(
    'firstChunkMs',
    ms(a['gen_ai.response.time_to_first_chunk']) ?? ms(a['edgetrace.response.time_to_first_chunk']),
  );
  set('firstByteMs', ms(a['edgetrace.response.time_to_first_byte']));
  set('chunks', number(a['edgetrace.inference.chunks']));
  set('meanChunkGapMs', ms(a['edgetrace.inference.mean_chunk_gap']));
  set('maxChunkGapMs', ms(a['edgetrace.inference.max_chunk_gap']));
  set('inputTokens', number(a['gen_ai.usage.input_tokens']));
  set('outputTokens', number(a['gen_ai.usage.output_tokens']));
  const reasons = a['gen_ai.response.finish_reasons'];
  if (Array.isArray(reasons)) set('finishReasons', reasons.map(String));
  tokensPerSecond(g, span.endMs - span.startMs, a);
  return Object.keys(g).length === 0 ? undefined : g;
}
