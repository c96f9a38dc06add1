// Decoding OTLP/HTTP trace requests — JSON (gzip too) and protobuf — into flat spans. Protobuf
// is decoded by the OpenTelemetry project's generated protobufjs code (shipped in
// @opentelemetry/otlp-transformer 0.52, aliased as otlp-proto-decoder), not by hand.
import { createRequire } from 'node:module';
import { gunzipSync, inflateSync } from 'node:zlib';

/** A span as the viewer keeps it. */
export interface ViewerSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  service: string;
  /** Unix nanoseconds, as strings cannot lose precision; `startMs`/`endMs` for arithmetic. */
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
  /** Links to spans of this or other traces (a queue consumer's producer, a batch's members). */
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  status: { code: number; message?: string };
  /** The resource's attributes (`service.name`, `telemetry.sdk.*`, `cloud.*`, ...). */
  resource: Record<string, unknown>;
}

interface OtlpKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

function anyValue(value: Record<string, unknown> | undefined): unknown {
  if (value === undefined || value === null) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) {
    const values = (value.arrayValue as { values?: Record<string, unknown>[] })?.values ?? [];
    return values.map(anyValue);
  }
  if ('kvlistValue' in value) return attributesOf((value.kvlistValue as { values?: OtlpKeyValue[] })?.values);
  if ('bytesValue' in value) return String(value.bytesValue);
  return undefined;
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Hex for ids: JSON carries hex already; protobuf gives bytes (base64 after toObject). */
function hexId(value: unknown): string {
  if (typeof value === 'string')
    return /^[0-9a-f]*$/i.test(value) ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return '';
}

const nanosToMs = (value: unknown): number => Number(BigInt(String(value ?? 0)) / 1000n) / 1000;

interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId?: unknown;
        spanId?: unknown;
        parentSpanId?: unknown;
        name?: string;
        kind?: number | string;
        startTimeUnixNano?: unknown;
        endTimeUnixNano?: unknown;
        attributes?: OtlpKeyValue[];
        events?: { name?: string; timeUnixNano?: unknown; attributes?: OtlpKeyValue[] }[];
        links?: { traceId?: unknown; spanId?: unknown; attributes?: OtlpKeyValue[] }[];
        status?: { code?: number | string; message?: string };
      }[];
    }[];
  }[];
}

const KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const enumValue = (value: number | string | undefined, names: Record<string, number>): number =>
  typeof value === 'number' ? value : (names[value ?? ''] ?? 0);

/** Flattens an ExportTraceServiceRequest (JSON form) into spans. */
export function flattenRequest(request: OtlpRequest): ViewerSpan[] {
  const spans: ViewerSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown_service');
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const parent = hexId(span.parentSpanId);
        const status: ViewerSpan['status'] = {
          code: enumValue(span.status?.code, {
            STATUS_CODE_UNSET: 0,
            STATUS_CODE_OK: 1,
            STATUS_CODE_ERROR: 2,
          }),
        };
        if (span.status?.message) status.message = span.status.message;
        spans.push({
          traceId: hexId(span.traceId),
          spanId: hexId(span.spanId),
          parentSpanId: parent === '' ? undefined : parent,
          name: span.name ?? '',
          kind: enumValue(span.kind, KINDS),
          service,
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          events: (span.events ?? []).map((e) => ({
            name: e.name ?? '',
            timeMs: nanosToMs(e.timeUnixNano),
            attributes: attributesOf(e.attributes),
          })),
          links: (span.links ?? []).map((l) => ({
            traceId: hexId(l.traceId),
            spanId: hexId(l.spanId),
            attributes: attributesOf(l.attributes),
          })),
          status,
          resource,
        });
      }
    }
  }
  return spans;
}

interface ProtoRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: {
            ExportTraceServiceRequest: {
              decode(bytes: Uint8Array): unknown;
              toObject(message: unknown, options: Record<string, unknown>): OtlpRequest;
            };
          };
        };
      };
    };
  };
}

let protoRoot: ProtoRoot | undefined;

function decodeProtobuf(bytes: Uint8Array): OtlpRequest {
  protoRoot ??= createRequire(import.meta.url)('otlp-proto-decoder/build/src/generated/root.js') as ProtoRoot;
  const type = protoRoot.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  return type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: String, defaults: false });
}

/** What was wrong with a request body; the receiver answers 400 with it. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Decodes a POST /v1/traces body by its content type and encoding. */
export function decodeTraces(body: Uint8Array, contentType: string, contentEncoding: string): ViewerSpan[] {
  let bytes = body;
  try {
    if (contentEncoding === 'gzip') bytes = gunzipSync(body);
    else if (contentEncoding === 'deflate') bytes = inflateSync(body);
  } catch {
    throw new DecodeError(`the body is not valid ${contentEncoding}`);
  }
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw new DecodeError('the body is not JSON');
    }
    return flattenRequest(parsed as OtlpRequest);
  }
  if (type === 'application/x-protobuf' || type === 'application/protobuf') {
    try {
      return flattenRequest(decodeProtobuf(bytes));
    } catch (error) {
      throw new DecodeError(`the body is not an ExportTraceServiceRequest: ${String(error)}`);
    }
  }
  throw new DecodeError(`content-type "${contentType}" is not application/json or application/x-protobuf`);
}
