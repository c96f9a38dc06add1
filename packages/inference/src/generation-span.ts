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
import type { Span } from '@opentelemetry/api';
import { INCOMPLETE } from './attribute-names.js';
import { ChunkTiming } from './chunk-timing.js';
import type { ContentCapture } from './content.js';
import { answerAttributes, wireAttributes } from './generation-attributes.js';
import { IdleWatch } from './idle-watch.js';
import { type Generation, type ProtocolAdapter, parseJson } from './protocols/types.js';
import type { ServerSentEvent } from './sse.js';
import type { EventCounter } from './sse-lf.js';

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

export interface GenerationSpan extends EventCounter {
  /** This span as the stream parser's counter, where it could ever count runs of events. */
  readonly counter: EventCounter | undefined;
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

/** One generation's span: reads what the adapter understands, times chunks, decides the ending. */
class GenerationTracker implements GenerationSpan {
  readonly #options: GenerationSpanOptions;
  readonly #generation: Generation;
  readonly #timing = new ChunkTiming();
  readonly #idle: IdleWatch;
  readonly #end: SpanEnd;
  #ended = false;
  #malformed = 0;
  #oversized = 0;

  constructor(options: GenerationSpanOptions) {
    this.#options = options;
    this.#generation = {
      finishReasons: [],
      choices: options.choices ?? 1,
      output: [],
      outputChars: 0,
      complete: false,
    };
    this.#idle = new IdleWatch(options.idleTimeoutMs, (timeout) =>
      this.end({ kind: 'failed', type: 'idle_timeout', message: `no data from upstream for ${timeout} ms` }),
    );
    const generation = this.#generation;
    this.#end = createSpanEnd(options.span, {
      now: options.now,
      signal: options.signal,
      // An end marker makes the generation complete, unless the server reported an error in it.
      isComplete: () => generation.complete && generation.error === undefined,
      beforeEnd: (raw) => this.#finish(raw),
    });
  }

  readonly end: SpanEnd = (outcome) => {
    this.#ended = true;
    return this.#end(outcome);
  };

  /**
   * This span as the stream parser's counter, where it could ever count: the protocol tells
   * text-only runs apart and nobody asks for each event (`onEvent`). Elsewhere the parser is
   * spared the per-chunk check of whether a run could be offered.
   */
  get counter(): EventCounter | undefined {
    const { adapter, onEvent } = this.#options;
    return adapter.contentOnlyRun !== undefined && onEvent === undefined ? this : undefined;
  }

  /**
   * How many events of a run may be counted instead of read (0: none): text only, nobody wants
   * the text, and not the stream's first (which sets the time to first chunk and carries the head).
   */
  countable(text: string): number {
    if (this.#ended || !this.#skippable()) return 0;
    return this.#options.adapter.contentOnlyRun?.(text) ?? 0;
  }

  /** `count` text-only events came together: timed as they would have been one by one. */
  counted(count: number): void {
    this.#idle.activity();
    this.#tick(count);
  }

  event(event: ServerSentEvent): void {
    if (this.#ended) return;
    this.#idle.activity();
    const { data } = event;
    const { adapter, onEvent, span } = this.#options;
    if (this.#skippable() && adapter.contentOnly?.(data) === true) {
      // Text only, and no one wants the text: time the chunk, skip the JSON parse.
      this.#tick();
      return;
    }
    const parsed = data === '[DONE]' ? undefined : parseJson(data);
    if (data !== '[DONE]' && parsed === undefined) this.#malformed++;
    const json = parsed?.value;
    if (data !== '[DONE]' && !isPing(event, json)) this.#tick();
    this.#read('an inference event could not be read', (capture) =>
      adapter.event(parsed === undefined ? data : json, event.event, this.#generation, capture),
    );
    if (onEvent !== undefined)
      hook('onEvent', () => onEvent(json === undefined ? event : { ...event, json }, span));
  }

  answer(text: string): void {
    if (this.#ended) return;
    const parsed = parseJson(text);
    if (parsed === undefined) {
      if (text.trim() !== '') this.#malformed++;
      return;
    }
    const { adapter, onResponse, span } = this.#options;
    this.#read('an inference answer could not be read', (capture) =>
      adapter.response(parsed.value, this.#generation, capture),
    );
    if (onResponse !== undefined) hook('onResponse', () => onResponse(parsed.value, span));
  }

  oversized(): void {
    this.#oversized++;
  }

  failHttp(status: number): void {
    // The provider's own error type (overloaded_error, ...) says more than the status code.
    const error = this.#generation.error;
    this.end({
      kind: 'failed',
      type: error?.type ?? String(status),
      message: error?.message ?? `HTTP ${status}`,
    });
  }

  watchIdle(): void {
    this.#idle.activity();
  }

  /** Whether a text-only event may go unread: not the stream's first, and nobody wants its text. */
  #skippable(): boolean {
    return this.#timing.count > 0 && this.#options.onEvent === undefined && !this.#capturing();
  }

  #capturing(): boolean {
    const { capture } = this.#options;
    return capture !== undefined && this.#generation.outputChars < capture.maxLength;
  }

  /** Runs the adapter on what came; a throw (an adapter meeting a shape it did not expect) is reported. */
  #read(what: string, read: (capture: boolean) => void): void {
    const capture = this.#capturing();
    guarded(what, () => read(capture), undefined, 'debug');
  }

  /** Times content chunks that came together (one by default); the stream's first sets the time to first chunk. */
  #tick(count = 1): void {
    const { now, span, startTime, genAi } = this.#options;
    const at = now();
    if (!this.#timing.tick(at, count)) return;
    span.setAttribute(
      genAi ? 'gen_ai.response.time_to_first_chunk' : TIME_TO_FIRST_CHUNK,
      (at - startTime) / 1000,
    );
  }

  /** What the body said decides what a plain ending means: a reported error, or a stream cut short. */
  #judge(outcome: SpanOutcome): SpanOutcome {
    if (outcome.kind !== 'complete') return outcome;
    const generation = this.#generation;
    const error = generation.error;
    if (error !== undefined) return { kind: 'failed', type: error.type, message: error.message };
    if (this.#timing.count > 0 && !generation.complete && this.#options.adapter.endMarked) {
      this.#options.span.setAttribute(INCOMPLETE, true);
      return {
        kind: 'failed',
        type: 'incomplete_stream',
        message: 'the stream ended without its end marker',
      };
    }
    return outcome;
  }

  /** Writes the end attributes and returns the outcome as recorded (core's beforeEnd). */
  #finish(raw: SpanOutcome): SpanOutcome {
    this.#idle.stop();
    const { span, genAi, adapter, capture, now } = this.#options;
    const outcome = this.#judge(raw);
    const early = outcome.kind !== 'complete' && outcome.kind !== 'unobserved';
    const g = this.#generation;
    const wire = {
      ...this.#timing.attributes(now(), g.outputTokens),
      ...wireAttributes(g, this.#malformed, this.#oversized),
    };
    span.setAttributes(genAi ? { ...answerAttributes(g, adapter.operation, capture, early), ...wire } : wire);
    return outcome;
  }
}

export function createGenerationSpan(options: GenerationSpanOptions): GenerationSpan {
  return new GenerationTracker(options);
}
