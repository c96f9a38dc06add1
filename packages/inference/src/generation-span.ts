// Turns what a generation said — events as they stream, or a whole answer — into attributes of
// its span, and decides what its ending means: a stream that gave its end marker is complete
// whatever its consumer does next; one that stopped without it is incomplete; an error the
// server reported inside a 2xx answer is a failure. The span itself ends through core's
// `createSpanEnd`, once, from whichever signal comes first (stream end, cancel, abort, idle).
// https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-inference.md
import {
  type Clock,
  createSpanEnd,
  guarded,
  type SpanEnd,
  type SpanEndOptions,
  type SpanOutcome,
  TIME_TO_FIRST_CHUNK,
} from '@edgetrace/core/internal';
import type { Attributes, Span } from '@opentelemetry/api';
import { type ContentCapture, messagesAttribute } from './content.js';
import type { Generation, ProtocolAdapter } from './protocols/types.js';
import type { ServerSentEvent } from './sse.js';

/** Our names, where the GenAI conventions have none. */
export const CHUNKS = 'edgetrace.inference.chunks';
export const MAX_CHUNK_GAP = 'edgetrace.inference.max_chunk_gap';
export const MEAN_CHUNK_GAP = 'edgetrace.inference.mean_chunk_gap';
export const TOKENS_PER_SECOND = 'edgetrace.inference.output_tokens_per_second';
export const MODEL_VERSION = 'edgetrace.inference.model_version';
export const MALFORMED_EVENTS = 'edgetrace.inference.malformed_events';
export const OVERSIZED_EVENTS = 'edgetrace.inference.oversized_events';
export const INCOMPLETE = 'edgetrace.inference.incomplete';
/** What the server reports its own time went to, in seconds (Ollama, llama.cpp). */
export const SERVER_TOTAL_DURATION = 'edgetrace.inference.server.total_duration';
export const SERVER_LOAD_DURATION = 'edgetrace.inference.server.load_duration';
export const SERVER_PREFILL_DURATION = 'edgetrace.inference.server.prefill_duration';
export const SERVER_DECODE_DURATION = 'edgetrace.inference.server.decode_duration';

/** A parsed event as hooks see it: the SSE fields, and `json` when the data is JSON. */
export interface InferenceEvent extends ServerSentEvent {
  readonly json?: unknown;
}

export interface GenerationSpanOptions {
  readonly span: Span;
  readonly adapter: ProtocolAdapter;
  readonly now: Clock;
  readonly startTime: number;
  readonly capture: ContentCapture | undefined;
  readonly onEvent: ((event: InferenceEvent, span: Span) => void) | undefined;
  readonly onResponse: ((body: unknown, span: Span) => void) | undefined;
  readonly idleTimeoutMs: number | undefined;
  /** The call's signal (read when needed): a read that fails after it aborted is a cancellation. */
  readonly signal: SpanEndOptions['signal'];
  /** Choices the request asked for (`n`), for one finish reason per choice. */
  readonly choices: number | undefined;
  /**
   * Whether this span carries the `gen_ai.*` answer attributes; `false` when another
   * instrumentation's GenAI span is its parent and does (the wire facts stay, under our names).
   */
  readonly genAi: boolean;
}

export interface GenerationSpan {
  /** Reads one streamed event. */
  event(event: ServerSentEvent): void;
  /** Reads a whole JSON answer (or an error body). */
  answer(text: string): void;
  oversized(): void;
  /** Ends the span by outcome, once (core's rules: an abort is a cancellation, ...). */
  readonly end: SpanEnd;
  /** Ends the span for an HTTP error answer, with the provider's error type when it gave one. */
  failHttp(status: number): void;
  /** Starts the idle timer, when there is one, for a streamed response. */
  watchIdle(): void;
}

const hook = (name: string, call: () => void): void =>
  guarded(`the ${name} hook threw; ignored`, call, undefined);

const isPing = (event: ServerSentEvent, json: unknown): boolean =>
  event.event === 'ping' ||
  (typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'ping');

export function createGenerationSpan(options: GenerationSpanOptions): GenerationSpan {
  const { span, adapter, now, startTime, capture, genAi } = options;
  const generation: Generation = {
    finishReasons: [],
    choices: options.choices ?? 1,
    output: [],
    complete: false,
  };
  let streamed = false;
  let chunks = 0;
  let firstChunkAt: number | undefined;
  let lastChunkAt = 0;
  let maxGap = 0;
  let malformed = 0;
  let oversized = 0;
  let outputChars = 0;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const capturing = (): boolean => capture !== undefined && outputChars < capture.maxLength;
  const countOutput = (before: number): void => {
    for (const part of generation.output.slice(before)) outputChars += part.length;
  };

  /** Times one content chunk. */
  const tick = (): void => {
    const at = now();
    if (firstChunkAt === undefined) {
      firstChunkAt = at;
      const name = genAi ? 'gen_ai.response.time_to_first_chunk' : TIME_TO_FIRST_CHUNK;
      span.setAttribute(name, (at - startTime) / 1000);
    } else {
      maxGap = Math.max(maxGap, at - lastChunkAt);
    }
    lastChunkAt = at;
    chunks++;
  };

  /**
   * One finish reason per choice, in choice order. Where a choice's reason never came because
   * the call ended early, the conventions ask for `error` in its place.
   */
  function finishReasons(early: boolean): string[] {
    const count = Math.max(generation.finishReasons.length, early ? generation.choices : 0);
    const reasons: string[] = [];
    for (let i = 0; i < count; i++) {
      const reason = generation.finishReasons[i] ?? (early ? 'error' : undefined);
      if (reason !== undefined) reasons.push(reason);
    }
    return reasons;
  }

  function answerAttributes(early: boolean): Attributes {
    const a: Attributes = {};
    const g = generation;
    if (g.responseId !== undefined) a['gen_ai.response.id'] = g.responseId;
    if (g.responseModel !== undefined) a['gen_ai.response.model'] = g.responseModel;
    if (adapter.operation !== 'embeddings') {
      const reasons = finishReasons(early);
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

  function wireAttributes(): Attributes {
    const a: Attributes = {};
    if (generation.modelVersion !== undefined) a[MODEL_VERSION] = generation.modelVersion;
    if (chunks > 0) {
      a[CHUNKS] = chunks;
      a[MAX_CHUNK_GAP] = maxGap / 1000;
      if (chunks > 1 && firstChunkAt !== undefined)
        a[MEAN_CHUNK_GAP] = (lastChunkAt - firstChunkAt) / (chunks - 1) / 1000;
    }
    if (generation.outputTokens !== undefined && firstChunkAt !== undefined) {
      const seconds = (now() - firstChunkAt) / 1000;
      if (seconds > 0) a[TOKENS_PER_SECOND] = generation.outputTokens / seconds;
    }
    const server = generation.server;
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

  /** What the body said decides what a plain ending means: a reported error, or a stream cut short. */
  function judge(outcome: SpanOutcome): SpanOutcome {
    if (outcome.kind !== 'complete') return outcome;
    const error = generation.error;
    if (error !== undefined) return { kind: 'failed', type: error.type, message: error.message };
    if (streamed && chunks > 0 && !generation.complete && adapter.endMarked) {
      span.setAttribute(INCOMPLETE, true);
      return {
        kind: 'failed',
        type: 'incomplete_stream',
        message: 'the stream ended without its end marker',
      };
    }
    return outcome;
  }

  const end = createSpanEnd(span, {
    now,
    signal: options.signal,
    // An end marker makes the generation complete, unless the server reported an error in it.
    isComplete: () => generation.complete && generation.error === undefined,
    beforeEnd(raw) {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      const outcome = judge(raw);
      const early = outcome.kind !== 'complete' && outcome.kind !== 'unobserved';
      span.setAttributes(genAi ? { ...answerAttributes(early), ...wireAttributes() } : wireAttributes());
      return outcome;
    },
  });

  // One timer per quiet spell, not one per event: an event only notes the time, and the timer,
  // when it fires early, waits out the rest of the timeout from the last event.
  let lastActivity = 0;
  let ended = false;
  const armIdle = (): void => {
    const timeout = options.idleTimeoutMs;
    if (timeout === undefined || ended) return;
    lastActivity = Date.now();
    if (idleTimer !== undefined) return;
    const check = (): void => {
      const quiet = Date.now() - lastActivity;
      if (quiet < timeout) {
        idleTimer = setTimeout(check, timeout - quiet);
        return;
      }
      endOnce({ kind: 'failed', type: 'idle_timeout', message: `no data from upstream for ${timeout} ms` });
    };
    idleTimer = setTimeout(check, timeout);
  };
  const endOnce: SpanEnd = (outcome) => {
    ended = true;
    return end(outcome);
  };

  return {
    event(event) {
      if (ended) return;
      streamed = true;
      armIdle();
      const { data } = event;
      const { onEvent } = options;
      if (chunks > 0 && onEvent === undefined && !capturing() && adapter.contentOnly?.(data) === true) {
        // Text only, and no one wants the text: time the chunk, skip the JSON parse.
        tick();
        return;
      }
      let json: unknown;
      let parsed: unknown = data;
      if (data !== '[DONE]') {
        try {
          json = JSON.parse(data);
          parsed = json;
        } catch {
          malformed++;
        }
      }
      if (data !== '[DONE]' && !isPing(event, json)) tick();
      const before = generation.output.length;
      const capture = capturing();
      guarded(
        'an inference event could not be read',
        () => adapter.event(parsed, event.event, generation, capture),
        undefined,
        'debug',
      );
      countOutput(before);
      if (onEvent !== undefined)
        hook('onEvent', () => onEvent(json === undefined ? event : { ...event, json }, span));
    },
    answer(text) {
      if (ended) return;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        if (text.trim() !== '') malformed++;
        return;
      }
      const capture = capturing();
      guarded(
        'an inference answer could not be read',
        () => adapter.response(body, generation, capture),
        undefined,
        'debug',
      );
      const { onResponse } = options;
      if (onResponse !== undefined) hook('onResponse', () => onResponse(body, span));
    },
    oversized() {
      oversized++;
    },
    end: endOnce,
    failHttp(status) {
      // The provider's own error type (overloaded_error, ...) says more than the status code.
      const error = generation.error;
      endOnce({
        kind: 'failed',
        type: error?.type ?? String(status),
        message: error?.message ?? `HTTP ${status}`,
      });
    },
    watchIdle: armIdle,
  };
}
