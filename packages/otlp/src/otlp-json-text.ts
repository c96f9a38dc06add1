// OTLP/JSON encoding of spans, as the OTLP specification defines it, built directly as text (no
// intermediate objects): lowercase-hex ids, integer enums, unix-nanosecond times and 64-bit
// integers as strings, spans grouped by resource and then instrumentation scope. Default-valued
// fields (0, "", empty lists, an UNSET status) are left out; protobuf JSON decoding reads them
// as the same message. https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding

import type { InstrumentationScope, Resource, SpanData } from '@edgetrace/core';
import type { Attributes, SpanContext } from '@opentelemetry/api';

const quote = JSON.stringify;

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

interface ScopeGroup {
  readonly scope: InstrumentationScope;
  readonly spans: SpanData[];
}

/** Spans by resource, then by scope (name, version, schema URL), in their order. */
function groupSpans(spans: readonly SpanData[]): Map<Resource, Map<string, ScopeGroup>> {
  const byResource = new Map<Resource, Map<string, ScopeGroup>>();
  for (const span of spans) {
    let scopes = byResource.get(span.resource);
    if (scopes === undefined) {
      scopes = new Map();
      byResource.set(span.resource, scopes);
    }
    const { scope } = span;
    const key = `${scope.name}\u0000${scope.version ?? ''}\u0000${scope.schemaUrl ?? ''}`;
    const group = scopes.get(key);
    if (group === undefined) scopes.set(key, { scope, spans: [span] });
    else group.spans.push(span);
  }
  return byResource;
}

// Attribute keys repeat across spans: their quoted, prefixed form is made once per key. The
// cache is bounded so that unbounded key sets (ids in keys) cannot grow it.
const KEY_CACHE_LIMIT = 2048;
const keyPrefixes = new Map<string, string>();

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `{"key":${quote(key)},"value":`;
    if (keyPrefixes.size < KEY_CACHE_LIMIT) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

function anyValueText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `{"stringValue":${quote(value)}}`;
    case 'boolean':
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'number':
      if (Number.isSafeInteger(value)) return `{"intValue":"${value}"}`;
      return Number.isFinite(value) ? `{"doubleValue":${value}}` : `{"doubleValue":"${value}"}`;
    case 'object': {
      if (!Array.isArray(value)) return '{}';
      if (value.length === 0) return '{"arrayValue":{}}';
      let out = '{"arrayValue":{"values":[';
      for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + anyValueText(value[i]);
      return `${out}]}}`;
    }
    default:
      return '{}';
  }
}

/** `,"attributes":[...]` or nothing when there are none. */
function attributesText(attributes: Attributes | undefined): string {
  if (attributes === undefined) return '';
  let out = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    out += `${out === '' ? '' : ','}${keyPrefix(key)}${anyValueText(value)}}`;
  }
  return out === '' ? '' : `,"attributes":[${out}]`;
}

const count = (name: string, n: number): string => (n === 0 ? '' : `,"${name}":${n}`);

// OTLP flags: the W3C trace flags in bits 0-7, then "has is_remote" (0x100) and "is_remote"
// (0x200) for the parent of a span or the target of a link.
function flagsOf(context: SpanContext, remote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | 0x100 | (remote === true ? 0x200 : 0);
}

function spanText(span: SpanData): string {
  const context = span.spanContext();
  let out = `{"traceId":"${context.traceId}","spanId":"${context.spanId}"`;
  const state = context.traceState?.serialize();
  if (state) out += `,"traceState":${quote(state)}`;
  if (span.parentSpanContext !== undefined) out += `,"parentSpanId":"${span.parentSpanContext.spanId}"`;
  out += `,"name":${quote(span.name)}`;
  out += `,"startTimeUnixNano":"${toNanoString(span.startTime)}","endTimeUnixNano":"${toNanoString(span.endTime)}"`;
  out += `,"flags":${flagsOf(context, span.parentSpanContext?.isRemote)}`;
  out += `,"kind":${span.kind + 1}`;
  out += attributesText(span.attributes) + count('droppedAttributesCount', span.droppedAttributesCount);
  if (span.events.length > 0) {
    let events = '';
    for (const event of span.events) {
      events += `${events === '' ? '' : ','}{"timeUnixNano":"${toNanoString(event.time)}","name":${quote(event.name)}${attributesText(
        event.attributes,
      )}${count('droppedAttributesCount', event.droppedAttributesCount)}}`;
    }
    out += `,"events":[${events}]`;
  }
  out += count('droppedEventsCount', span.droppedEventsCount);
  if (span.links.length > 0) {
    let links = '';
    for (const link of span.links) {
      const linkState = link.context.traceState?.serialize();
      links += `${links === '' ? '' : ','}{"traceId":"${link.context.traceId}","spanId":"${link.context.spanId}"${
        linkState ? `,"traceState":${quote(linkState)}` : ''
      }${attributesText(link.attributes)}${count('droppedAttributesCount', link.droppedAttributesCount)},"flags":${flagsOf(
        link.context,
        link.context.isRemote,
      )}}`;
    }
    out += `,"links":[${links}]`;
  }
  out += count('droppedLinksCount', span.droppedLinksCount);
  if (span.status.code !== 0) {
    out += `,"status":{"code":${span.status.code}${span.status.message ? `,"message":${quote(span.status.message)}` : ''}}`;
  }
  return `${out}}`;
}

function scopeText(scope: InstrumentationScope): string {
  let out = '';
  if (scope.name) out += `"name":${quote(scope.name)}`;
  if (scope.version) out += `${out === '' ? '' : ','}"version":${quote(scope.version)}`;
  const attributes = attributesText(scope.attributes);
  if (attributes !== '') out += out === '' ? attributes.slice(1) : attributes;
  return `{${out}}`;
}

function resourceText(resource: Resource): string {
  const attributes = attributesText(resource.attributes).slice(1);
  const dropped = count('droppedAttributesCount', resource.droppedAttributesCount);
  return `{${attributes}${attributes === '' ? dropped.slice(1) : dropped}}`;
}

/** Encodes spans as the JSON text of an OTLP `ExportTraceServiceRequest`. */
export function encodeTracesText(spans: readonly SpanData[]): string {
  let out = '{"resourceSpans":[';
  let firstResource = true;
  for (const [resource, scopes] of groupSpans(spans)) {
    out += `${firstResource ? '' : ','}{"resource":${resourceText(resource)},"scopeSpans":[`;
    firstResource = false;
    let firstScope = true;
    for (const { scope, spans: group } of scopes.values()) {
      out += `${firstScope ? '' : ','}{"scope":${scopeText(scope)},"spans":[`;
      let firstSpan = true;
      for (const span of group) {
        out += (firstSpan ? '' : ',') + spanText(span);
        firstSpan = false;
      }
      out += `]${scope.schemaUrl ? `,"schemaUrl":${quote(scope.schemaUrl)}` : ''}}`;
      firstScope = false;
    }
    out += `]${resource.schemaUrl ? `,"schemaUrl":${quote(resource.schemaUrl)}` : ''}}`;
  }
  return `${out}]}`;
}
