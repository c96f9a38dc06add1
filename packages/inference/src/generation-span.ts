// Turns what a generation said — events as they stream, or a whole answer — into attributes of
// its span, and ends the span once: at the stream's end, on an error, on a cancel, or when the
// upstream goes silent for too long.
import {
  BODY_UNOBSERVED,
  type Clock,
  clearBodyPending,
  RESPONSE_CANCELLED,
  recordError,
} from '@edgetrace/core';
import { type Attributes, diag, type Span, SpanStatusCode } from '@opentelemetry/api';
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
}

/** How a generation's response ended. */
export type GenerationEnd =
  | { kind: 'complete' }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: unknown }
  | { kind: 'http'; status: number }
  | { kind: 'idle' }
  /** Nobody had started reading the stream when the rest of its trace was done. */
  | { kind: 'unobserved' };

// Adapters whose streams always end with a marker ([DONE], message_stop, the final details).
const END_MARKED = new Set(['openai.chat', 'openai.completions', 'anthropic', 'tgi', 'workers-ai']);

function hook(name: string, call: () => void): void {
  try {
    call();
  } catch (error) {
    diag.error(`edgetrace: the ${name} hook threw; ignored`, error);
  }
}

export interface GenerationSpan {
  /** Reads one streamed event. */
  event(event: ServerSentEvent): void;
  /** Reads a whole JSON answer (or an error body). */
  answer(text: string): void;
  oversized(): void;
  /** Ends the span (once). */
  end(how: GenerationEnd): void;
  /** Starts the idle timer, when there is one, for a streamed response. */
  watchIdle(): void;
}

export function createGenerationSpan(options: GenerationSpanOptions): GenerationSpan {
  const { span, adapter, now, startTime, capture } = options;
  const generation: Generation = { finishReasons: [], output: [], complete: false };
  let ended = false;
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
    for (let i = before; i < generation.output.length; i++)
      outputChars += (generation.output[i] as string).length;
  };

  /** Times one content chunk. */
  const tick = (): void => {
    const at = now();
    if (firstChunkAt === undefined) {
      firstChunkAt = at;
      span.setAttribute('gen_ai.response.time_to_first_chunk', (at - startTime) / 1000);
    } else {
      maxGap = Math.max(maxGap, at - lastChunkAt);
    }
    lastChunkAt = at;
    chunks++;
  };

  // One timer per quiet spell, not one per event: an event only notes the time, and the timer,
  // when it fires early, waits out the rest of the timeout from the last event.
  let lastActivity = 0;
  const armIdle = (): void => {
    const timeout = options.idleTimeoutMs;
    if (timeout === undefined || ended) return;
    lastActivity = Date.now();
    if (idleTimer !== undefined) return;
    const check = (): void => {
      const quiet = Date.now() - lastActivity;
      if (quiet >= timeout) end({ kind: 'idle' });
      else idleTimer = setTimeout(check, timeout - quiet);
    };
    idleTimer = setTimeout(check, timeout);
  };

  function finishAttributes(): Attributes {
    const a: Attributes = {};
    if (generation.responseId !== undefined) a['gen_ai.response.id'] = generation.responseId;
    if (generation.responseModel !== undefined) a['gen_ai.response.model'] = generation.responseModel;
    if (generation.finishReasons.length > 0) a['gen_ai.response.finish_reasons'] = generation.finishReasons;
    if (generation.inputTokens !== undefined) a['gen_ai.usage.input_tokens'] = generation.inputTokens;
    if (generation.outputTokens !== undefined) a['gen_ai.usage.output_tokens'] = generation.outputTokens;
    if (generation.cacheReadTokens !== undefined)
      a['gen_ai.usage.cache_read.input_tokens'] = generation.cacheReadTokens;
    if (generation.cacheCreationTokens !== undefined) {
      a['gen_ai.usage.cache_creation.input_tokens'] = generation.cacheCreationTokens;
    }
    if (generation.reasoningTokens !== undefined)
      a['gen_ai.usage.reasoning.output_tokens'] = generation.reasoningTokens;
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
    if (malformed > 0) a[MALFORMED_EVENTS] = malformed;
    if (oversized > 0) a[OVERSIZED_EVENTS] = oversized;
    if (capture !== undefined && generation.output.length > 0) {
      const reason = generation.finishReasons[0];
      a['gen_ai.output.messages'] = messagesAttribute(
        [
          {
            role: 'assistant',
            parts: [{ type: 'text', content: generation.output.join('') }],
            ...(reason === undefined ? {} : { finish_reason: reason }),
          },
        ],
        capture,
      );
    }
    return a;
  }

  function end(how: GenerationEnd): void {
    if (ended) return;
    ended = true;
    clearBodyPending(span);
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    try {
      span.setAttributes(finishAttributes());
      if (how.kind === 'cancelled') {
        span.setAttribute(RESPONSE_CANCELLED, true);
      } else if (how.kind === 'unobserved') {
        span.setAttribute(BODY_UNOBSERVED, true);
      } else if (how.kind === 'error') {
        recordError(span, how.error);
      } else if (how.kind === 'http') {
        // The provider's own error type (overloaded_error, ...) says more than the status code.
        span.setAttribute('error.type', generation.error?.type ?? String(how.status));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: generation.error?.message ?? `HTTP ${how.status}`,
        });
      } else if (how.kind === 'idle') {
        span.setAttribute('error.type', 'idle_timeout');
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `no data from upstream for ${options.idleTimeoutMs} ms`,
        });
      } else if (generation.error !== undefined) {
        span.setAttribute('error.type', generation.error.type);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          ...(generation.error.message === undefined ? {} : { message: generation.error.message }),
        });
      } else if (chunks > 0 && !generation.complete && END_MARKED.has(adapter.name)) {
        span.setAttribute(INCOMPLETE, true);
        span.setAttribute('error.type', 'incomplete_stream');
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'the stream ended without its end marker' });
      }
    } finally {
      span.end(now());
    }
  }

  return {
    event(event) {
      if (ended) return;
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
      const isPing =
        event.event === 'ping' ||
        (typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'ping');
      if (data !== '[DONE]' && !isPing) tick();
      const before = generation.output.length;
      try {
        adapter.event(parsed, event.event, generation, capturing());
      } catch (error) {
        diag.debug('edgetrace: an inference event could not be read', error);
      }
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
      try {
        adapter.response(body, generation, capturing());
      } catch (error) {
        diag.debug('edgetrace: an inference answer could not be read', error);
      }
      const { onResponse } = options;
      if (onResponse !== undefined) hook('onResponse', () => onResponse(body, span));
    },
    oversized() {
      oversized++;
    },
    end,
    watchIdle: armIdle,
  };
}
