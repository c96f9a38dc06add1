// OTLP/JSON encoding of spans, as the OTLP specification defines it: lowercase-hex ids, integer
// enums, unix-nanosecond times and 64-bit integers as strings, spans grouped by resource and
// instrumentation scope. Default-valued fields (0, "", empty lists) are left out, which protobuf
// JSON decoding reads as the same message.
// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding

import type { InstrumentationScope, Resource, SpanData } from '@edgetrace/core';
import type { Attributes, AttributeValue, SpanContext } from '@opentelemetry/api';
import { groupSpans } from './group-spans.js';

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
 * Unix epoch milliseconds (with a fraction) as a unix-nanosecond decimal string. A double holds
 * an epoch time in milliseconds to about a quarter of a microsecond, so the result is rounded to
 * whole microseconds rather than inventing nanoseconds.
 */
export function toNanoString(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0';
  let whole = Math.floor(ms);
  let micros = Math.round((ms - whole) * 1e3);
  if (micros >= 1e3) {
    whole += 1;
    micros -= 1e3;
  }
  return `${whole}${String(micros).padStart(3, '0')}000`;
}

function anyValue(value: unknown): OtlpAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      // Integers beyond 2^53 are not exact anyway; they and non-finite values stay doubles,
      // the latter as the strings protobuf JSON uses.
      if (Number.isSafeInteger(value)) return { intValue: String(value) };
      return {
        doubleValue: Number.isFinite(value) ? value : (String(value) as 'NaN' | 'Infinity' | '-Infinity'),
      };
    case 'object':
      if (Array.isArray(value)) {
        const values = value.map(anyValue);
        return { arrayValue: values.length === 0 ? {} : { values } };
      }
      return {};
    default:
      return {};
  }
}

function keyValues(attributes: Attributes | undefined): OtlpKeyValue[] | undefined {
  if (attributes === undefined) return undefined;
  const out: OtlpKeyValue[] = [];
  for (const key of Object.keys(attributes)) {
    const value: AttributeValue | undefined = attributes[key];
    if (value !== undefined) out.push({ key, value: anyValue(value) });
  }
  return out.length === 0 ? undefined : out;
}

// OTLP span flags: the W3C trace flags in bits 0-7, then "has is_remote" (0x100) and
// "is_remote" (0x200) for the parent of a span or the target of a link.
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

function flagsOf(context: SpanContext, remote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | HAS_IS_REMOTE | (remote === true ? IS_REMOTE : 0);
}

/** Assigns `value` to `target[key]` unless it is the field's default. */
function set<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined || value === 0 || value === '') return;
  target[key] = value;
}

function encodeSpan(span: SpanData): OtlpSpan {
  const context = span.spanContext();
  const out: OtlpSpan = {
    traceId: context.traceId,
    spanId: context.spanId,
    name: span.name,
    startTimeUnixNano: toNanoString(span.startTime),
    endTimeUnixNano: toNanoString(span.endTime),
  };
  set(out, 'traceState', context.traceState?.serialize());
  set(out, 'parentSpanId', span.parentSpanContext?.spanId);
  out.flags = flagsOf(context, span.parentSpanContext?.isRemote);
  set(out, 'kind', span.kind + 1); // API SpanKind starts at INTERNAL = 0; OTLP at UNSPECIFIED = 0
  set(out, 'attributes', keyValues(span.attributes));
  set(out, 'droppedAttributesCount', span.droppedAttributesCount);
  if (span.events.length > 0) {
    out.events = span.events.map((event) => {
      const encoded: OtlpEvent = { timeUnixNano: toNanoString(event.time), name: event.name };
      set(encoded, 'attributes', keyValues(event.attributes));
      set(encoded, 'droppedAttributesCount', event.droppedAttributesCount);
      return encoded;
    });
  }
  set(out, 'droppedEventsCount', span.droppedEventsCount);
  if (span.links.length > 0) {
    out.links = span.links.map((link) => {
      const encoded: OtlpLink = { traceId: link.context.traceId, spanId: link.context.spanId };
      set(encoded, 'traceState', link.context.traceState?.serialize());
      set(encoded, 'attributes', keyValues(link.attributes));
      set(encoded, 'droppedAttributesCount', link.droppedAttributesCount);
      encoded.flags = flagsOf(link.context, link.context.isRemote);
      return encoded;
    });
  }
  set(out, 'droppedLinksCount', span.droppedLinksCount);
  if (span.status.code !== 0) {
    out.status = { code: span.status.code };
    set(out.status, 'message', span.status.message);
  }
  return out;
}

function encodeScope(scope: InstrumentationScope): OtlpScope {
  const out: OtlpScope = {};
  set(out, 'name', scope.name);
  set(out, 'version', scope.version);
  set(out, 'attributes', keyValues(scope.attributes));
  return out;
}

function encodeResource(resource: Resource): OtlpResource {
  const out: OtlpResource = {};
  set(out, 'attributes', keyValues(resource.attributes));
  set(out, 'droppedAttributesCount', resource.droppedAttributesCount);
  return out;
}

/**
 * Encodes spans as an OTLP `ExportTraceServiceRequest` object, grouped by resource and then by
 * instrumentation scope (name, version, schema URL), keeping span order within each group.
 */
export function encodeTraces(spans: readonly SpanData[]): OtlpTraceRequest {
  const resourceSpans: OtlpResourceSpans[] = [];
  for (const [resource, scopes] of groupSpans(spans)) {
    const entry: OtlpResourceSpans = {
      resource: encodeResource(resource),
      scopeSpans: scopes.map(({ scope, spans: group }) => {
        const scopeSpans: OtlpScopeSpans = { scope: encodeScope(scope), spans: group.map(encodeSpan) };
        set(scopeSpans, 'schemaUrl', scope.schemaUrl);
        return scopeSpans;
      }),
    };
    set(entry, 'schemaUrl', resource.schemaUrl);
    resourceSpans.push(entry);
  }
  return { resourceSpans };
}
