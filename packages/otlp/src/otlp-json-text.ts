// The same OTLP/JSON as `encodeTraces`, built directly as text: no intermediate objects, one
// string append per field. This is what the exporter sends; `encodeTraces` stays as the readable
// reference, and a test holds the two equal.

import type { InstrumentationScope, Resource, SpanData } from '@edgetrace/core';
import type { Attributes, SpanContext } from '@opentelemetry/api';
import { groupSpans } from './group-spans.js';
import { toNanoString } from './otlp-json.js';

const quote = JSON.stringify;

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

/** `encodeTraces(spans)` as JSON text, built directly. */
export function encodeTracesText(spans: readonly SpanData[]): string {
  let out = '{"resourceSpans":[';
  let firstResource = true;
  for (const [resource, scopes] of groupSpans(spans)) {
    out += `${firstResource ? '' : ','}{"resource":${resourceText(resource)},"scopeSpans":[`;
    firstResource = false;
    let firstScope = true;
    for (const { scope, spans: group } of scopes) {
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
