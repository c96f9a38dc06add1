// The Tracer: starts spans under the sampler's decision, as recording or non-recording spans.
import {
  type Context,
  context as contextApi,
  isSpanContextValid,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { RANDOM_TRACE_FLAG } from '../propagation/trace-context.js';
import type { IdGenerator } from './ids.js';
import { RecordingSpan, type SpanOwner } from './span.js';
import { toEpochMillis } from './time.js';
import { type Sampler, SamplingDecision } from './types.js';

export interface TracerConfig extends SpanOwner {
  readonly sampler: Sampler;
  readonly ids: IdGenerator;
  /** Record spans the sampler drops (unsampled), so a tail policy can still keep their trace. */
  readonly recordUnsampled: boolean;
}

type ActiveFn = (span: Span) => unknown;

/** One of the five span kinds; anything else (a typo, a string) starts an INTERNAL span. */
function isSpanKind(kind: unknown): kind is SpanKind {
  return kind === 0 || kind === 1 || kind === 2 || kind === 3 || kind === 4;
}

export class EdgeTracer implements Tracer {
  readonly #config: TracerConfig;

  constructor(config: TracerConfig) {
    this.#config = config;
  }

  startSpan(name: string, options: SpanOptions = {}, context: Context = contextApi.active()): Span {
    const config = this.#config;
    const parentContext = options.root === true ? trace.deleteSpan(context) : context;
    const candidate = trace.getSpanContext(parentContext);
    const parent = candidate !== undefined && isSpanContextValid(candidate) ? candidate : undefined;
    const traceId = parent?.traceId ?? config.ids.traceId();
    const kind = isSpanKind(options.kind) ? options.kind : SpanKind.INTERNAL;
    const links = options.links ?? [];
    const attributes = options.attributes ?? {};
    const result = config.sampler.shouldSample(parentContext, traceId, name, kind, attributes, links);
    const sampled = result.decision === SamplingDecision.RECORD_AND_SAMPLED;
    // The Level 2 random flag describes the trace id, so children inherit it from the parent.
    const random = parent === undefined ? RANDOM_TRACE_FLAG : parent.traceFlags & RANDOM_TRACE_FLAG;
    const spanContext: SpanContext = {
      traceId,
      spanId: config.ids.spanId(),
      traceFlags: (sampled ? TraceFlags.SAMPLED : TraceFlags.NONE) | random,
    };
    const traceState = result.traceState ?? parent?.traceState;
    if (traceState !== undefined) spanContext.traceState = traceState;
    if (result.decision === SamplingDecision.NOT_RECORD && !config.recordUnsampled) {
      return trace.wrapSpanContext(spanContext);
    }
    const start = options.startTime === undefined ? undefined : toEpochMillis(options.startTime);
    const span = new RecordingSpan(config, {
      name: typeof name === 'string' ? name : String(name),
      kind,
      spanContext,
      parentSpanContext: parent,
      startTime: start ?? config.now(),
      attributes: result.attributes === undefined ? attributes : { ...attributes, ...result.attributes },
      links,
    });
    return span.start(parentContext);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan(name: string, a?: SpanOptions | ActiveFn, b?: Context | ActiveFn, c?: ActiveFn): unknown {
    let options: SpanOptions = {};
    let parent: Context = contextApi.active();
    let fn: ActiveFn;
    if (typeof a === 'function') fn = a;
    else if (typeof b === 'function') {
      options = a ?? {};
      fn = b;
    } else if (typeof c === 'function') {
      options = a ?? {};
      parent = b ?? parent;
      fn = c;
    } else {
      // No callback: nothing to run. The API's contract has no way to report it but this.
      return undefined;
    }
    const span = this.startSpan(name, options, parent);
    return contextApi.with(trace.setSpan(parent, span), fn, undefined, span);
  }
}
