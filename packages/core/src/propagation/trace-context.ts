// W3C Trace Context Level 2 `traceparent`/`tracestate` propagator.
// https://www.w3.org/TR/trace-context-2/
import {
  type Context,
  INVALID_SPANID,
  INVALID_TRACEID,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { parseTraceState, trimOws } from './trace-state.js';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

/** Trace flags this version knows: sampled (0x01) and, since Level 2, random (0x02). */
export const KNOWN_TRACE_FLAGS = 0x03;
/** Level 2 `random` flag: the trace id's right-most 7 bytes are random. */
export const RANDOM_TRACE_FLAG = 0x02;

// version-traceid-parentid-flags, then for future versions anything that starts with `-`.
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The parts of a valid `traceparent` header. */
export interface TraceParent {
  traceId: string;
  spanId: string;
  /** Only the flags this version defines (sampled, random); unknown bits are dropped. */
  traceFlags: number;
}

/**
 * Parses a `traceparent` value. Version `00` must match exactly; a higher version is read by
 * the version-00 prefix rules (anything after the flags must start with `-`); `ff`, upper-case
 * hex and all-zero ids are invalid. Returns `null` for anything invalid.
 */
export function parseTraceParent(header: string): TraceParent | null {
  const match = TRACEPARENT_FORMAT.exec(trimOws(header));
  if (match === null) return null;
  const [, version, traceId = '', spanId = '', flags = '', rest] = match;
  // Version 00 has nothing after the flags; ff is never valid; all-zero ids are invalid.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (traceId === INVALID_TRACEID || spanId === INVALID_SPANID) return null;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & KNOWN_TRACE_FLAGS };
}

/** The known flags as a `traceparent` writes them, by value. */
const FLAG_TEXT = ['00', '01', '02', '03'] as const;

/** Formats a version-00 `traceparent`; only the known flags are written. */
export function formatTraceParent(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${FLAG_TEXT[spanContext.traceFlags & KNOWN_TRACE_FLAGS]}`;
}

/**
 * The W3C Trace Context response metric for `Server-Timing`: `trace;desc=00-{trace-id}-{span-id}-{flags}`,
 * with only the sampled and random flags (w3c/trace-context spec/21-http_response_header_format.md,
 * which replaced the `traceresponse` header).
 */
export function serverTimingMetric(spanContext: SpanContext): string {
  return `trace;desc=${formatTraceParent(spanContext)}`;
}

function headerValue(carrier: unknown, getter: TextMapGetter, key: string): string | undefined {
  const value = getter.get(carrier, key);
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(',');
  return typeof value === 'string' ? value : undefined;
}

/** The W3C Trace Context propagator (`traceparent` and `tracestate`). */
export function createTraceContextPropagator(): TextMapPropagator {
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
      const spanContext = trace.getSpanContext(context);
      if (spanContext === undefined || !isSpanContextValid(spanContext)) return;
      setter.set(carrier, TRACEPARENT, formatTraceParent(spanContext));
      const state = spanContext.traceState?.serialize();
      if (state) setter.set(carrier, TRACESTATE, state);
    },

    extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
      let parent: TraceParent | null;
      let stateHeader: string | undefined;
      try {
        const header = headerValue(carrier, getter, TRACEPARENT);
        // Several traceparent headers cannot be told apart: the trace is restarted.
        if (header === undefined || header.includes(',')) return context;
        parent = parseTraceParent(header);
        stateHeader = headerValue(carrier, getter, TRACESTATE);
      } catch {
        return context; // a throwing getter is bad input, not our exception to raise
      }
      if (parent === null) return context;
      const traceState = stateHeader === undefined ? null : parseTraceState(stateHeader);
      const spanContext: SpanContext = { ...parent, isRemote: true };
      if (traceState !== null) spanContext.traceState = traceState;
      return trace.setSpanContext(context, spanContext);
    },

    fields(): string[] {
      return [TRACEPARENT, TRACESTATE];
    },
  };
}
