// Log correlation: the ids of the current span as fields for a structured log line, named as
// the OpenTelemetry log data model names them (trace_id, span_id, trace_flags).
import { type Span, trace } from '@opentelemetry/api';
import type { Context } from 'hono';

/** Fields to merge into a structured log line. Empty when there is no valid span. */
export interface LogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * The trace and span ids of a Hono request's span (`c`), of a span, or of the active span.
 *
 * ```ts
 * console.log(JSON.stringify({ msg: 'generated', ...logFields(c) }));
 * ```
 */
export function logFields(source?: Context | Span): LogFields {
  let span: Span | undefined;
  if (source === undefined) span = trace.getActiveSpan();
  else if ('spanContext' in source) span = source;
  else span = source.get('span');
  const spanContext = span?.spanContext();
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: spanContext.traceFlags.toString(16).padStart(2, '0'),
  };
}
