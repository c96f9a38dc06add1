// The tail-sampling decision: keep or drop one whole local trace once it has ended.
import { SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { guarded } from '../config/report.js';
import type { SpanData } from '../trace/types.js';

/** Rules for keeping a finished local trace. A trace is kept when any rule keeps it. */
export interface TailPolicy {
  /** Keep traces that were head-sampled. @default true */
  readonly keepSampled?: boolean;
  /** Keep traces with a span whose status is ERROR. @default true */
  readonly keepErrors?: boolean;
  /** Keep traces whose local root span lasted at least this many milliseconds. @default off */
  readonly slowerThanMs?: number;
  /**
   * Keep traces with a span whose `gen_ai.response.time_to_first_chunk` (seconds) is at least
   * this many milliseconds. @default off
   */
  readonly slowFirstChunkMs?: number;
  /**
   * Has the first say: `true` keeps, `false` drops, `undefined` leaves it to the rules above.
   * A function that throws is reported through `diag` and treated as `undefined`.
   * @default none
   */
  readonly decide?: (spans: readonly SpanData[]) => boolean | undefined;
}

export function isSampled(span: SpanData): boolean {
  return (span.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
}

function isLocalRoot(span: SpanData): boolean {
  return span.parentSpanContext === undefined || span.parentSpanContext.isRemote === true;
}

/** Applies `policy` to the spans of one local trace. */
export function keepTrace(spans: readonly SpanData[], policy: TailPolicy): boolean {
  if (policy.decide !== undefined) {
    const decide = policy.decide;
    const verdict = guarded(
      'the tail policy decide() function threw; using the rules instead',
      () => decide(spans),
      undefined,
    );
    if (verdict === true || verdict === false) return verdict;
  }
  const { keepSampled = true, keepErrors = true, slowerThanMs, slowFirstChunkMs } = policy;
  for (const span of spans) {
    if (keepSampled && isSampled(span)) return true;
    if (keepErrors && span.status.code === SpanStatusCode.ERROR) return true;
    if (slowerThanMs !== undefined && isLocalRoot(span) && span.endTime - span.startTime >= slowerThanMs) {
      return true;
    }
    const ttfc = span.attributes['gen_ai.response.time_to_first_chunk'];
    if (slowFirstChunkMs !== undefined && typeof ttfc === 'number' && ttfc * 1000 >= slowFirstChunkMs) {
      return true;
    }
  }
  return false;
}
