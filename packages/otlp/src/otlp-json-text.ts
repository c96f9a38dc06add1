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

// An encoder's output buffer starts at INITIAL_BYTES; one grown past KEEP_BYTES for a large
// batch is let go afterwards.
const INITIAL_BYTES = 1 << 16;
const KEEP_BYTES = 1 << 23;
const encoder = new TextEncoder();

/**
 * `text` with each lone surrogate replaced by U+FFFD: `JSON.stringify` writes one as `\ud800`,
 * which strict proto3 JSON parsers (protobufjs, Go's protojson) reject, failing the whole request.
 * The platform's own check: a regex pass cost more than the `JSON.stringify` after it.
 */
function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
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

// OTLP flags: the W3C trace flags in bits 0-7, then "has is_remote" (0x100) and "is_remote"
// (0x200) for the parent of a span or the target of a link.
function flagsOf(context: SpanContext, remote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | 0x100 | (remote === true ? 0x200 : 0);
}

/**
 * Encodes spans as OTLP/JSON bytes and owns its state: the output buffer, reused from one encoding
 * to the next (encoding is synchronous, so two never interleave; each result is a copy of the
 * bytes written; a buffer grown past KEEP_BYTES for one large batch is let go afterwards), and
 * the attribute key and pair caches. Each exporter makes its own, as createIdGenerator owns its pool.
 */
export class OtlpJsonEncoder {
  private buf = new Uint8Array(INITIAL_BYTES);
  private pos = 0;
  private readonly keys = new Map<string, KeyEntry>();

  /** Encodes spans as the UTF-8 JSON of an OTLP `ExportTraceServiceRequest`: the request body. */
  encode(spans: readonly SpanData[]): Uint8Array<ArrayBuffer> {
    this.pos = 0;
    try {
      this.ascii('{"resourceSpans":[');
      let firstResource = true;
      for (const [res, scopes] of groupSpans(spans)) {
        if (!firstResource) this.ascii(',');
        firstResource = false;
        this.resource(res);
        let firstScope = true;
        for (const group of scopes.values()) {
          if (!firstScope) this.ascii(',');
          firstScope = false;
          this.scope(group.scope);
          let firstSpan = true;
          for (const span of group.spans) {
            if (!firstSpan) this.ascii(',');
            firstSpan = false;
            this.span(span);
          }
          this.ascii(']');
          this.schemaUrl(group.scope.schemaUrl);
          this.ascii('}');
        }
        this.ascii(']');
        this.schemaUrl(res.schemaUrl);
        this.ascii('}');
      }
      this.ascii(']}');
      return this.buf.slice(0, this.pos);
    } finally {
      if (this.buf.length > KEEP_BYTES) this.buf = new Uint8Array(INITIAL_BYTES);
    }
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Text that is ASCII and needs no escaping: structure, ids, numbers. */
  private ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  /** A non-negative integer below 2^31 in decimal, with integer arithmetic only. */
  private smallDigits(n: number): void {
    let width = 1;
    for (let m = n; m >= 10; m = (m / 10) | 0) width++;
    const b = this.buf;
    let p = this.pos + width;
    this.pos = p;
    for (let m = n; width > 0; width--, m = (m / 10) | 0) b[--p] = 0x30 + (m % 10);
  }

  /** A non-negative safe integer in decimal: the high part, then the low eight digits. */
  private digits(n: number): void {
    this.reserve(16);
    if (n < 1e8) {
      this.smallDigits(n);
      return;
    }
    const high = Math.floor(n / 1e8);
    this.smallDigits(high);
    const b = this.buf;
    let m = n - high * 1e8;
    for (let p = this.pos + 7; p >= this.pos; p--, m = (m / 10) | 0) b[p] = 0x30 + (m % 10);
    this.pos += 8;
  }

  /** A time as a quoted unix-nanosecond decimal, as `toNanoString` writes it. */
  private nanos(ms: number): void {
    const micros = epochMicros(ms);
    this.ascii('"');
    this.digits(micros);
    this.ascii(micros === 0 ? '"' : '000"');
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /**
   * A JSON string literal. Printable ASCII is copied byte for byte; a string with anything else
   * (quotes, backslashes, control characters, non-ASCII, lone surrogates) is escaped by
   * `JSON.stringify` and encoded as UTF-8.
   */
  private string(text: string): void {
    const n = text.length;
    this.reserve(n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) {
        this.escaped(text);
        return;
      }
      b[p++] = c;
    }
    b[p++] = 0x22;
    this.pos = p;
  }

  private escaped(text: string): void {
    const json = JSON.stringify(wellFormed(text));
    this.reserve(json.length * 3);
    this.pos += encoder.encodeInto(json, this.buf.subarray(this.pos)).written;
  }

  private keyEntry(key: string): KeyEntry {
    let entry = this.keys.get(key);
    if (entry === undefined) {
      entry = {
        prefix: encoder.encode(`{"key":${JSON.stringify(wellFormed(key))},"value":`),
        last: undefined,
        pair: undefined,
      };
      if (this.keys.size < KEY_CACHE_LIMIT) this.keys.set(key, entry);
    }
    return entry;
  }

  private pair(key: string, v: unknown): void {
    const entry = this.keyEntry(key);
    if (entry.last === v && entry.pair !== undefined) {
      this.raw(entry.pair);
      return;
    }
    const start = this.pos;
    this.raw(entry.prefix);
    this.value(v);
    this.ascii('}');
    if (typeof v === 'object') return;
    if (entry.last === v && this.pos - start <= PAIR_CACHE_BYTES)
      entry.pair = this.buf.slice(start, this.pos);
    else if (entry.last !== v) {
      entry.last = v;
      entry.pair = undefined;
    }
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.ascii('{"stringValue":');
        this.string(v);
        this.ascii('}');
        return;
      case 'boolean':
        this.ascii(v ? '{"boolValue":true}' : '{"boolValue":false}');
        return;
      case 'number':
        if (Number.isSafeInteger(v)) {
          this.ascii('{"intValue":"');
          if (v < 0) this.ascii('-');
          this.digits(Math.abs(v));
          this.ascii('"}');
        } else this.ascii(Number.isFinite(v) ? `{"doubleValue":${v}}` : `{"doubleValue":"${v}"}`);
        return;
      case 'object':
        if (v === null) break; // an empty value
        if (Array.isArray(v)) {
          this.arrayValue(v);
          return;
        }
        if (v instanceof Uint8Array) {
          this.ascii('{"bytesValue":"');
          this.ascii(base64(v));
          this.ascii('"}');
          return;
        }
        this.kvlistValue(v as Record<string, unknown>);
        return;
    }
    this.ascii('{}');
  }

  private arrayValue(list: readonly unknown[]): void {
    if (list.length === 0) {
      this.ascii('{"arrayValue":{}}');
      return;
    }
    this.ascii('{"arrayValue":{"values":[');
    for (let i = 0; i < list.length; i++) {
      if (i > 0) this.ascii(',');
      this.value(list[i]);
    }
    this.ascii(']}}');
  }

  /** A map (a plain object, as core keeps it) as OTLP's `kvlistValue`. */
  private kvlistValue(map: Record<string, unknown>): void {
    this.ascii('{"kvlistValue":{');
    let first = true;
    for (const key in map) {
      this.ascii(first ? '"values":[{"key":' : ',{"key":');
      this.string(key);
      this.ascii(',"value":');
      this.value(map[key]);
      this.ascii('}');
      first = false;
    }
    this.ascii(first ? '}}' : ']}}');
  }

  /**
   * Writes the attributes as a list of key-values after `lead` (`,"attributes":[` or
   * `"attributes":[`), or nothing when there are none. Returns whether anything was written.
   */
  private attributes(list: Attributes | undefined, lead: string): boolean {
    if (list === undefined) return false;
    let first = true;
    for (const key in list) {
      const v = list[key];
      if (v === undefined) continue;
      this.ascii(first ? lead : ',');
      this.pair(key, v);
      first = false;
    }
    if (!first) this.ascii(']');
    return !first;
  }

  private count(field: string, n: number): void {
    if (n !== 0) this.ascii(`,"${field}":${n}`);
  }

  private traceState(context: SpanContext): void {
    const state = context.traceState?.serialize();
    if (state) {
      this.ascii(',"traceState":');
      this.string(state);
    }
  }

  private span(data: SpanData): void {
    const context = data.spanContext();
    this.ascii('{"traceId":"');
    this.ascii(context.traceId);
    this.ascii('","spanId":"');
    this.ascii(context.spanId);
    this.ascii('"');
    this.traceState(context);
    const parent = data.parentSpanContext;
    if (parent !== undefined) {
      this.ascii(',"parentSpanId":"');
      this.ascii(parent.spanId);
      this.ascii('"');
    }
    this.ascii(',"name":');
    this.string(data.name);
    this.ascii(',"startTimeUnixNano":');
    this.nanos(data.startTime);
    this.ascii(',"endTimeUnixNano":');
    this.nanos(data.endTime);
    this.ascii(',"flags":');
    this.digits(flagsOf(context, parent?.isRemote));
    this.ascii(',"kind":');
    // OTLP's enum is the API's plus one; a kind outside the five (a hand-made SpanData) is INTERNAL.
    const kind = data.kind;
    this.digits(Number.isInteger(kind) && kind >= 0 && kind <= 4 ? kind + 1 : 1);
    this.attributes(data.attributes, ',"attributes":[');
    this.count('droppedAttributesCount', data.droppedAttributesCount);
    const { events, links, status } = data;
    if (events.length > 0) {
      this.ascii(',"events":[');
      let firstEvent = true;
      for (const event of events) {
        this.ascii(firstEvent ? '{"timeUnixNano":' : ',{"timeUnixNano":');
        firstEvent = false;
        this.nanos(event.time);
        this.ascii(',"name":');
        this.string(event.name);
        this.attributes(event.attributes, ',"attributes":[');
        this.count('droppedAttributesCount', event.droppedAttributesCount);
        this.ascii('}');
      }
      this.ascii(']');
    }
    this.count('droppedEventsCount', data.droppedEventsCount);
    if (links.length > 0) {
      this.ascii(',"links":[');
      let firstLink = true;
      for (const link of links) {
        this.ascii(firstLink ? '{"traceId":"' : ',{"traceId":"');
        firstLink = false;
        this.ascii(link.context.traceId);
        this.ascii('","spanId":"');
        this.ascii(link.context.spanId);
        this.ascii('"');
        this.traceState(link.context);
        this.attributes(link.attributes, ',"attributes":[');
        this.count('droppedAttributesCount', link.droppedAttributesCount);
        this.ascii(`,"flags":${flagsOf(link.context, link.context.isRemote)}}`);
      }
      this.ascii(']');
    }
    this.count('droppedLinksCount', data.droppedLinksCount);
    if (status.code !== 0) {
      this.ascii(`,"status":{"code":${status.code}`);
      if (status.message) {
        this.ascii(',"message":');
        this.string(status.message);
      }
      this.ascii('}');
    }
    this.ascii('}');
  }

  private scope(data: InstrumentationScope): void {
    this.ascii('{"scope":{');
    let sep = '';
    if (data.name) {
      this.ascii('"name":');
      this.string(data.name);
      sep = ',';
    }
    if (data.version) {
      this.ascii(`${sep}"version":`);
      this.string(data.version);
      sep = ',';
    }
    this.attributes(data.attributes, `${sep}"attributes":[`);
    this.ascii('},"spans":[');
  }

  private resource(data: Resource): void {
    this.ascii('{"resource":{');
    const wrote = this.attributes(data.attributes, '"attributes":[');
    if (data.droppedAttributesCount !== 0) {
      this.ascii(`${wrote ? ',' : ''}"droppedAttributesCount":${data.droppedAttributesCount}`);
    }
    this.ascii('},"scopeSpans":[');
  }

  private schemaUrl(url: string | undefined): void {
    if (url) {
      this.ascii(',"schemaUrl":');
      this.string(url);
    }
  }
}

// For callers that keep no encoder (tests, custom transports): one made on first use. A cache —
// its buffer and key table — never data of any request.
let shared: OtlpJsonEncoder | undefined;

/** Encodes spans as the UTF-8 JSON of an OTLP `ExportTraceServiceRequest`: the request body. */
export function encodeTracesBytes(spans: readonly SpanData[]): Uint8Array<ArrayBuffer> {
  shared ??= new OtlpJsonEncoder();
  return shared.encode(spans);
}

/** Encodes spans as the JSON text of an OTLP `ExportTraceServiceRequest`. */
export function encodeTracesText(spans: readonly SpanData[]): string {
  return new TextDecoder().decode(encodeTracesBytes(spans));
}
