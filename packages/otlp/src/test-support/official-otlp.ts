// Checks an OTLP/JSON trace export body against the official definitions: the protobufjs code
// generated from opentelemetry-proto that @opentelemetry/otlp-transformer ships (0.216.0, its
// last release that ships it, installed as `otlp-proto-definitions`), not a copy of our own.
// Strict: the body must be valid UTF-8; every key a field of its message in lowerCamelCase; every
// value of its field's type (64-bit integers as decimal strings, enums as integers, bytes as
// base64 — trace and span ids as hex, as OTLP/JSON asks); nothing the decoder drops or changes.
import { createRequire } from 'node:module';

interface MessageType {
  fromObject(object: unknown): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}

interface ProtoRoot {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: MessageType } } } } };
}

const root = createRequire(import.meta.url)(
  'otlp-proto-definitions/build/src/generated/root.js',
) as ProtoRoot;
const REQUEST = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const ID_LENGTHS: Record<string, number> = { traceId: 32, spanId: 16, parentSpanId: 16 };
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** The body with its hex ids as base64, as the generic protobuf JSON mapping reads `bytes`. */
function idsToBase64(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => idsToBase64(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const length = ID_LENGTHS[key];
    if (length === undefined) {
      out[key] = idsToBase64(v, `${path}.${key}`);
      continue;
    }
    if (typeof v !== 'string' || !new RegExp(`^[0-9a-f]{${length}}$`).test(v)) {
      throw new Error(`${path}.${key}: expected ${length} lowercase hex digits, got ${JSON.stringify(v)}`);
    }
    out[key] = Buffer.from(v, 'hex').toString('base64');
  }
  return out;
}

/** Compares what was sent with what the official decoder read back, allowing JSON's own spellings. */
function compare(sent: unknown, read: unknown, path: string): void {
  if (typeof read === 'number' && typeof sent === 'string' && NON_FINITE.has(sent) && String(read) === sent)
    return;
  if (Array.isArray(sent) || Array.isArray(read)) {
    if (!Array.isArray(sent) || !Array.isArray(read) || sent.length !== read.length) {
      throw new Error(`${path}: ${JSON.stringify(sent)} read back as ${JSON.stringify(read)}`);
    }
    for (const [i, v] of sent.entries()) compare(v, read[i], `${path}[${i}]`);
    return;
  }
  if (sent !== null && typeof sent === 'object') {
    const got = (read ?? {}) as Record<string, unknown>;
    for (const [key, v] of Object.entries(sent)) {
      if (!(key in got))
        throw new Error(`${path}.${key}: not a field of its message, or a default value written`);
      compare(v, got[key], `${path}.${key}`);
    }
    for (const key of Object.keys(got))
      if (!(key in sent)) throw new Error(`${path}.${key}: appeared when read back`);
    return;
  }
  if (sent !== read) throw new Error(`${path}: ${JSON.stringify(sent)} read back as ${JSON.stringify(read)}`);
}

/** Throws, naming the first offending path, unless `body` is an OTLP/JSON trace request the official definitions read exactly. */
export function checkOfficialOtlpJson(body: Uint8Array): void {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  if (
    /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(
      text,
    )
  ) {
    throw new Error('a lone surrogate escape: strict proto3 JSON parsers reject the request');
  }
  const sent = idsToBase64(JSON.parse(text), '$');
  const read = REQUEST.toObject(REQUEST.fromObject(sent), {
    longs: String,
    enums: Number,
    bytes: String,
    defaults: false,
    json: true,
  });
  compare(sent, read, '$');
}
