// OTLP/JSON encoding of spans, as the OTLP specification defines it, written directly as UTF-8
// bytes (no intermediate objects or strings): lowercase-hex ids, integer enums, unix-nanosecond
// times and 64-bit integers as strings, spans grouped by resource and then instrumentation scope.
// Default-valued fields (0, "", empty lists, an UNSET status) are left out; protobuf JSON decoding
// reads them as the same message. https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding

import type { InstrumentationScope, Resource, SpanData } from '@edgetrace/core';
import type { Attributes, SpanContext } from '@opentelemetry/api';

/**
 * Unix epoch milliseconds (with a fraction) as a unix-nanosecond decimal string. A double holds
 * an epoch time in milliseconds to about a quarter of a microsecond, so the result is rounded to
 * whole microseconds rather than inventing nanoseconds.
 */
export function toNanoString(ms: number): string {
  const micros = epochMicros(ms);
  return micros === 0 ? '0' : `${micros}000`;
}

/**
 * Whole microseconds since the epoch, or 0 for a time that is not positive and finite. The
 * fraction is rounded on its own, where a double is exact, and the sum stays below 2^53 until
 * the year 287,000.
 */
function epochMicros(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 0;
  const whole = Math.floor(ms);
  return whole * 1e3 + Math.round((ms - whole) * 1e3);
}

interface ScopeGroup {
  readonly scope: InstrumentationScope;
  readonly spans: SpanData[];
}

/** Spans by resource, then by scope (name, version, schema URL), in their order. */
function groupSpans(spans: readonly SpanData[]): Map<Resource, Map<string, ScopeGroup>> {
  const byResource = new Map<Resource, Map<string, ScopeGroup>>();
  // Spans of one tracer share their resource and scope objects, and mostly come in runs.
  let lastResource: Resource | undefined;
  let lastScope: InstrumentationScope | undefined;
  let lastGroup: ScopeGroup | undefined;
  for (const span of spans) {
    const { resource, scope } = span;
    if (lastGroup !== undefined && resource === lastResource && scope === lastScope) {
      lastGroup.spans.push(span);
      continue;
    }
    let scopes = byResource.get(resource);
    if (scopes === undefined) {
      scopes = new Map();
      byResource.set(resource, scopes);
    }
    const key = `${scope.name}\u0000${scope.version ?? ''}\u0000${scope.schemaUrl ?? ''}`;
    let group = scopes.get(key);
    if (group === undefined) {
      group = { scope, spans: [span] };
      scopes.set(key, group);
    } else group.spans.push(span);
    lastResource = resource;
    lastScope = scope;
    lastGroup = group;
  }
  return byResource;
}

// The output buffer, reused from one encoding to the next (encoding is synchronous, so two can
// never interleave); each result is a copy of the bytes written. A buffer grown past
// KEEP_BYTES for one large batch is let go afterwards.
const INITIAL_BYTES = 1 << 16;
const KEEP_BYTES = 1 << 23;
let buf = new Uint8Array(INITIAL_BYTES);
let pos = 0;
const encoder = new TextEncoder();

function reserve(n: number): void {
  if (pos + n <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, pos));
  buf = next;
}

/** Text that is ASCII and needs no escaping: structure, ids, numbers. */
function ascii(text: string): void {
  const n = text.length;
  reserve(n);
  const b = buf;
  let p = pos;
  for (let i = 0; i < n; i++) b[p++] = text.charCodeAt(i);
  pos = p;
}

/** A non-negative integer below 2^31 in decimal, with integer arithmetic only. */
function smallDigits(n: number): void {
  let width = 1;
  for (let m = n; m >= 10; m = (m / 10) | 0) width++;
  const b = buf;
  let p = pos + width;
  pos = p;
  for (let m = n; width > 0; width--, m = (m / 10) | 0) b[--p] = 0x30 + (m % 10);
}

/** A non-negative safe integer in decimal: the high part, then the low eight digits. */
function digits(n: number): void {
  reserve(16);
  if (n < 1e8) {
    smallDigits(n);
    return;
  }
  const high = Math.floor(n / 1e8);
  smallDigits(high);
  const b = buf;
  let m = n - high * 1e8;
  for (let p = pos + 7; p >= pos; p--, m = (m / 10) | 0) b[p] = 0x30 + (m % 10);
  pos += 8;
}

/** A time as a quoted unix-nanosecond decimal, as `toNanoString` writes it. */
function nanos(ms: number): void {
  const micros = epochMicros(ms);
  ascii('"');
  digits(micros);
  ascii(micros === 0 ? '"' : '000"');
}

function raw(bytes: Uint8Array): void {
  reserve(bytes.length);
  buf.set(bytes, pos);
  pos += bytes.length;
}

/**
 * A JSON string literal. Printable ASCII is copied byte for byte; a string with anything else
 * (quotes, backslashes, control characters, non-ASCII, lone surrogates) is escaped by
 * `JSON.stringify` and encoded as UTF-8.
 */
function string(text: string): void {
  const n = text.length;
  reserve(n + 2);
  const b = buf;
  let p = pos;
  b[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) {
      escaped(text);
      return;
    }
    b[p++] = c;
  }
  b[p++] = 0x22;
  pos = p;
}

/**
 * `text` with each lone surrogate replaced by U+FFFD: `JSON.stringify` writes one as `\ud800`,
 * which strict proto3 JSON parsers (protobufjs, Go's protojson) reject, failing the whole request.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

function escaped(text: string): void {
  const json = JSON.stringify(wellFormed(text));
  reserve(json.length * 3);
  pos += encoder.encodeInto(json, buf.subarray(pos)).written;
}

// Attribute keys repeat across spans, and so, often, do their values (a method, a host, a model):
// each key's encoded `{"key":...,"value":` prefix is made once, and a key-value pair whose value
// came the same twice in a row is kept whole and copied from then on while the value stays. The
// cache is bounded in keys and in the size of a kept pair, so unbounded key sets (ids in keys)
// and long values cannot grow it.
const KEY_CACHE_LIMIT = 2048;
const PAIR_CACHE_BYTES = 160;

interface KeyEntry {
  readonly prefix: Uint8Array;
  /** The key's last primitive value, and its whole encoded pair once it came twice in a row. */
  last: unknown;
  pair: Uint8Array | undefined;
}

const keys = new Map<string, KeyEntry>();

function keyEntry(key: string): KeyEntry {
  let entry = keys.get(key);
  if (entry === undefined) {
    entry = {
      prefix: encoder.encode(`{"key":${JSON.stringify(wellFormed(key))},"value":`),
      last: undefined,
      pair: undefined,
    };
    if (keys.size < KEY_CACHE_LIMIT) keys.set(key, entry);
  }
  return entry;
}

function pair(key: string, v: unknown): void {
  const entry = keyEntry(key);
  if (entry.last === v && entry.pair !== undefined) {
    raw(entry.pair);
    return;
  }
  const start = pos;
  raw(entry.prefix);
  value(v);
  ascii('}');
  if (typeof v === 'object') return;
  if (entry.last === v && pos - start <= PAIR_CACHE_BYTES) entry.pair = buf.slice(start, pos);
  else if (entry.last !== v) {
    entry.last = v;
    entry.pair = undefined;
  }
}

function value(v: unknown): void {
  switch (typeof v) {
    case 'string':
      ascii('{"stringValue":');
      string(v);
      ascii('}');
      return;
    case 'boolean':
      ascii(v ? '{"boolValue":true}' : '{"boolValue":false}');
      return;
    case 'number':
      if (Number.isSafeInteger(v)) {
        ascii('{"intValue":"');
        if (v < 0) ascii('-');
        digits(Math.abs(v));
        ascii('"}');
      } else ascii(Number.isFinite(v) ? `{"doubleValue":${v}}` : `{"doubleValue":"${v}"}`);
      return;
    case 'object':
      if (v === null) break; // an empty value
      if (Array.isArray(v)) {
        arrayValue(v);
        return;
      }
      if (v instanceof Uint8Array) {
        ascii('{"bytesValue":"');
        ascii(base64(v));
        ascii('"}');
        return;
      }
      kvlistValue(v as Record<string, unknown>);
      return;
  }
  ascii('{}');
}

function arrayValue(list: readonly unknown[]): void {
  if (list.length === 0) {
    ascii('{"arrayValue":{}}');
    return;
  }
  ascii('{"arrayValue":{"values":[');
  for (let i = 0; i < list.length; i++) {
    if (i > 0) ascii(',');
    value(list[i]);
  }
  ascii(']}}');
}

/** A map (a plain object, as core keeps it) as OTLP's `kvlistValue`. */
function kvlistValue(map: Record<string, unknown>): void {
  ascii('{"kvlistValue":{');
  let first = true;
  for (const key in map) {
    ascii(first ? '"values":[{"key":' : ',{"key":');
    string(key);
    ascii(',"value":');
    value(map[key]);
    ascii('}');
    first = false;
  }
  ascii(first ? '}}' : ']}}');
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding, as proto3 JSON writes `bytes`. */
function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += BASE64[n >> 18] + (BASE64[(n >> 12) & 63] as string) + BASE64[(n >> 6) & 63] + BASE64[n & 63];
  }
  const left = bytes.length - i;
  if (left > 0) {
    const n = ((bytes[i] as number) << 16) | (left === 2 ? (bytes[i + 1] as number) << 8 : 0);
    out += `${(BASE64[n >> 18] as string) + BASE64[(n >> 12) & 63] + (left === 2 ? BASE64[(n >> 6) & 63] : '=')}=`;
  }
  return out;
}

/**
 * Writes the attributes as a list of key-values after `lead` (`,"attributes":[` or
 * `"attributes":[`), or nothing when there are none. Returns whether anything was written.
 */
function attributes(list: Attributes | undefined, lead: string): boolean {
  if (list === undefined) return false;
  let first = true;
  for (const key in list) {
    const v = list[key];
    if (v === undefined) continue;
    ascii(first ? lead : ',');
    pair(key, v);
    first = false;
  }
  if (!first) ascii(']');
  return !first;
}

function count(field: string, n: number): void {
  if (n !== 0) ascii(`,"${field}":${n}`);
}

// OTLP flags: the W3C trace flags in bits 0-7, then "has is_remote" (0x100) and "is_remote"
// (0x200) for the parent of a span or the target of a link.
function flagsOf(context: SpanContext, remote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | 0x100 | (remote === true ? 0x200 : 0);
}

function traceState(context: SpanContext): void {
  const state = context.traceState?.serialize();
  if (state) {
    ascii(',"traceState":');
    string(state);
  }
}

function span(data: SpanData): void {
  const context = data.spanContext();
  ascii('{"traceId":"');
  ascii(context.traceId);
  ascii('","spanId":"');
  ascii(context.spanId);
  ascii('"');
  traceState(context);
  const parent = data.parentSpanContext;
  if (parent !== undefined) {
    ascii(',"parentSpanId":"');
    ascii(parent.spanId);
    ascii('"');
  }
  ascii(',"name":');
  string(data.name);
  ascii(',"startTimeUnixNano":');
  nanos(data.startTime);
  ascii(',"endTimeUnixNano":');
  nanos(data.endTime);
  ascii(',"flags":');
  digits(flagsOf(context, parent?.isRemote));
  ascii(',"kind":');
  // OTLP's enum is the API's plus one; a kind outside the five (a hand-made SpanData) is INTERNAL.
  const kind = data.kind;
  digits(Number.isInteger(kind) && kind >= 0 && kind <= 4 ? kind + 1 : 1);
  attributes(data.attributes, ',"attributes":[');
  count('droppedAttributesCount', data.droppedAttributesCount);
  const { events, links, status } = data;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as (typeof events)[number];
    ascii(i === 0 ? ',"events":[{"timeUnixNano":' : ',{"timeUnixNano":');
    nanos(event.time);
    ascii(',"name":');
    string(event.name);
    attributes(event.attributes, ',"attributes":[');
    count('droppedAttributesCount', event.droppedAttributesCount);
    ascii(i === events.length - 1 ? '}]' : '}');
  }
  count('droppedEventsCount', data.droppedEventsCount);
  for (let i = 0; i < links.length; i++) {
    const link = links[i] as (typeof links)[number];
    ascii(i === 0 ? ',"links":[{"traceId":"' : ',{"traceId":"');
    ascii(link.context.traceId);
    ascii('","spanId":"');
    ascii(link.context.spanId);
    ascii('"');
    traceState(link.context);
    attributes(link.attributes, ',"attributes":[');
    count('droppedAttributesCount', link.droppedAttributesCount);
    ascii(`,"flags":${flagsOf(link.context, link.context.isRemote)}`);
    ascii(i === links.length - 1 ? '}]' : '}');
  }
  count('droppedLinksCount', data.droppedLinksCount);
  if (status.code !== 0) {
    ascii(`,"status":{"code":${status.code}`);
    if (status.message) {
      ascii(',"message":');
      string(status.message);
    }
    ascii('}');
  }
  ascii('}');
}

function scope(data: InstrumentationScope): void {
  ascii('{"scope":{');
  let sep = '';
  if (data.name) {
    ascii('"name":');
    string(data.name);
    sep = ',';
  }
  if (data.version) {
    ascii(`${sep}"version":`);
    string(data.version);
    sep = ',';
  }
  attributes(data.attributes, `${sep}"attributes":[`);
  ascii('},"spans":[');
}

function resource(data: Resource): void {
  ascii('{"resource":{');
  const wrote = attributes(data.attributes, '"attributes":[');
  if (data.droppedAttributesCount !== 0) {
    ascii(`${wrote ? ',' : ''}"droppedAttributesCount":${data.droppedAttributesCount}`);
  }
  ascii('},"scopeSpans":[');
}

function schemaUrl(url: string | undefined): void {
  if (url) {
    ascii(',"schemaUrl":');
    string(url);
  }
}

/** Encodes spans as the UTF-8 JSON of an OTLP `ExportTraceServiceRequest`: the request body. */
export function encodeTracesBytes(spans: readonly SpanData[]): Uint8Array<ArrayBuffer> {
  pos = 0;
  try {
    ascii('{"resourceSpans":[');
    let firstResource = true;
    for (const [res, scopes] of groupSpans(spans)) {
      if (!firstResource) ascii(',');
      firstResource = false;
      resource(res);
      let firstScope = true;
      for (const group of scopes.values()) {
        if (!firstScope) ascii(',');
        firstScope = false;
        scope(group.scope);
        for (let i = 0; i < group.spans.length; i++) {
          if (i > 0) ascii(',');
          span(group.spans[i] as SpanData);
        }
        ascii(']');
        schemaUrl(group.scope.schemaUrl);
        ascii('}');
      }
      ascii(']');
      schemaUrl(res.schemaUrl);
      ascii('}');
    }
    ascii(']}');
    return buf.slice(0, pos);
  } finally {
    if (buf.length > KEEP_BYTES) buf = new Uint8Array(INITIAL_BYTES);
  }
}

/** Encodes spans as the JSON text of an OTLP `ExportTraceServiceRequest`. */
export function encodeTracesText(spans: readonly SpanData[]): string {
  return new TextDecoder().decode(encodeTracesBytes(spans));
}
