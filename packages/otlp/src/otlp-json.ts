// The OTLP/JSON request as an object: its types, and `encodeTraces` for tests and custom
// transports. The encoding itself is built as text, once, in otlp-json-text.ts.
// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
import type { SpanData } from '@edgetrace/core';
import { encodeTracesText } from './otlp-json-text.js';

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' }
  | { arrayValue: { values?: OtlpAnyValue[] } }
  | Record<string, never>;

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  traceState?: string;
  parentSpanId?: string;
  flags?: number;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events?: OtlpEvent[];
  droppedEventsCount?: number;
  links?: OtlpLink[];
  droppedLinksCount?: number;
  status?: { code?: number; message?: string };
}

export interface OtlpScope {
  name?: string;
  version?: string;
  attributes?: OtlpKeyValue[];
}

export interface OtlpResource {
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpScopeSpans {
  scope?: OtlpScope;
  spans: OtlpSpan[];
  schemaUrl?: string;
}

export interface OtlpResourceSpans {
  resource?: OtlpResource;
  scopeSpans: OtlpScopeSpans[];
  schemaUrl?: string;
}

/** The body of an OTLP/HTTP `ExportTraceServiceRequest`, in its JSON form. */
export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/**
 * Encodes spans as an OTLP `ExportTraceServiceRequest` object: the parsed form of
 * `encodeTracesText(spans)`, so the two can never disagree.
 */
export function encodeTraces(spans: readonly SpanData[]): OtlpTraceRequest {
  return JSON.parse(encodeTracesText(spans)) as OtlpTraceRequest;
}
