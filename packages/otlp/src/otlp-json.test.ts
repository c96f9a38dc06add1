import { createMemoryExporter, createTracerProvider, createTraceState, type SpanData } from '@edgetrace/core';
import { context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeTraces } from './otlp-json.js';
import { encodeTracesBytes, toNanoString } from './otlp-json-text.js';
import { checkOfficialOtlpJson } from './test-support/official-otlp.js';
import { toReadableSpans } from './test-support/readable-span.js';

/**
 * Protobuf JSON reads an absent field as its default (an absent message as an empty one), so both
 * sides are compared with default values removed; 64-bit integers are compared as decimal
 * strings, as the spec writes them.
 */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const n = normalize(v, k);
      const emptyMessage =
        n !== null &&
        typeof n === 'object' &&
        !Array.isArray(n) &&
        Object.keys(n).length === 0 &&
        k !== 'value' &&
        k !== 'arrayValue';
      const isDefault =
        n === 0 ||
        n === '' ||
        n === false ||
        n === undefined ||
        (Array.isArray(n) && n.length === 0) ||
        emptyMessage;
      if (!isDefault || k === 'intValue' || k === 'doubleValue' || k === 'boolValue' || k === 'stringValue') {
        out[k] = n;
      }
    }
    return out;
  }
  if (key === 'intValue' || key.endsWith('UnixNano')) return String(value);
  return value;
}

function official(spans: SpanData[]): unknown {
  const bytes = JsonTraceSerializer.serializeRequest(toReadableSpans(spans));
  return JSON.parse(new TextDecoder().decode(bytes));
}

async function sampleSpans(): Promise<SpanData[]> {
  const exporter = createMemoryExporter();
  let time = 1_700_000_000_123.456;
  const provider = createTracerProvider({
    exporter,
    serviceName: 'oracle',
    resource: { 'deployment.environment.name': 'test', 'host.cpus': 8 },
    now: () => (time += 1.5),
    asyncLocalStorage: false,
  });
  const other = createTracerProvider({ exporter, serviceName: 'other', asyncLocalStorage: false });
  const tracer = provider.getTracer('edge', '1.0.0', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
  });
  const remote = trace.setSpanContext(context.active(), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState().set('vendor', 'v1'),
  });
  const remoteParent = trace.getSpanContext(remote);
  if (remoteParent === undefined) throw new Error('the remote context must carry a span context');
  const server = tracer.startSpan(
    'GET /v1/chat',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'gen_ai.request.temperature': 0.7,
        'gen_ai.request.stream': true,
        'gen_ai.response.finish_reasons': ['stop', 'length'],
        'gen_ai.request.stop_sequences': [],
        counts: [1, 2, 3],
        ratios: [0.5, 1.5],
        flags: [true, false],
        big: 2 ** 40,
        negative: -12,
      },
    },
    remote,
  );
  const client = tracer.startSpan(
    'chat llama',
    { kind: SpanKind.CLIENT, links: [{ context: remoteParent }] },
    trace.setSpan(remote, server),
  );
  client.addLink({ context: server.spanContext(), attributes: { reason: 'same trace' } });
  client.addEvent('first chunk', { 'gen_ai.response.time_to_first_chunk': 0.25 });
  client.recordException(new TypeError('stream reset'));
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream reset' });
  client.end();
  tracer
    .startSpan('internal', {}, trace.setSpan(remote, server))
    .setStatus({ code: SpanStatusCode.OK })
    .end();
  provider.getTracer('second-scope').startSpan('plain', { kind: SpanKind.PRODUCER }).end();
  server.end();
  other.getTracer('x').startSpan('consumer', { kind: SpanKind.CONSUMER }).end();
  await provider.forceFlush();
  await other.forceFlush();
  return exporter.getFinishedSpans();
}

describe('encodeTraces', () => {
  it('matches the official OTLP JSON serializer, defaults aside', async () => {
    const spans = await sampleSpans();
    expect(spans.length).toBe(5);
    expect(normalize(encodeTraces(spans))).toEqual(normalize(official(spans)));
  });

  it('groups by resource, then scope, and writes the spec’s JSON forms', async () => {
    const spans = await sampleSpans();
    const request = encodeTraces(spans);
    expect(request.resourceSpans).toHaveLength(2);
    const [first] = request.resourceSpans;
    expect(first?.scopeSpans.map((s) => s.scope?.name).sort()).toEqual(['edge', 'second-scope']);
    const edge = first?.scopeSpans.find((s) => s.scope?.name === 'edge');
    expect(edge?.schemaUrl).toBe('https://opentelemetry.io/schemas/1.37.0');
    const server = edge?.spans.find((s) => s.name === 'GET /v1/chat');
    expect(server).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      traceState: 'vendor=v1',
      kind: 2,
      flags: 0x301,
    });
    expect(server?.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(server?.attributes).toContainEqual({ key: 'big', value: { intValue: '1099511627776' } });
    expect(server?.attributes).toContainEqual({
      key: 'gen_ai.request.temperature',
      value: { doubleValue: 0.7 },
    });
    const client = edge?.spans.find((s) => s.name === 'chat llama');
    expect(client?.status).toEqual({ code: 2, message: 'upstream reset' });
    expect(client?.flags).toBe(0x101);
    expect(client?.events?.[1]?.name).toBe('exception');
    // A link to the remote caller says so in its flags; a link to a local span does not.
    expect(client?.links?.map((l) => l.flags)).toEqual([0x301, 0x101]);
  });

  it('converts epoch milliseconds to nanosecond strings exactly', () => {
    expect(toNanoString(1_700_000_000_123.456)).toBe('1700000000123456000');
    expect(toNanoString(1_700_000_000_000)).toBe('1700000000000000000');
    expect(toNanoString(1_700_000_001_000 - 0.0001)).toBe('1700000001000000000');
    expect(toNanoString(Number.NaN)).toBe('0');
  });
});

describe('encodeTraces against the official OTLP definitions', () => {
  async function spansWith(
    record: (tracer: ReturnType<ReturnType<typeof createTracerProvider>['getTracer']>) => void,
  ) {
    const exporter = createMemoryExporter();
    const provider = createTracerProvider({ exporter, serviceName: 'strict', asyncLocalStorage: false });
    record(provider.getTracer('strict'));
    await provider.forceFlush();
    return exporter.getFinishedSpans();
  }

  it('the sample batch decodes exactly, strictly', async () => {
    checkOfficialOtlpJson(encodeTracesBytes(await sampleSpans()));
    // The checker itself refuses what strict parsers refuse.
    const bad = (text: string) => () => checkOfficialOtlpJson(new TextEncoder().encode(text));
    expect(bad('{"resourceSpans":[{"unknownField":1}]}')).toThrow(/unknownField/);
    expect(bad('{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_SERVER"}]}]}]}')).toThrow(
      /kind/,
    );
    expect(bad('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"AAAA"}]}]}]}')).toThrow(/hex/);
    expect(bad('{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"\\ud800"}]}]}]}')).toThrow(/surrogate/);
  });

  it('writes structured values as kvlistValue, arrayValue, bytesValue and an empty value', async () => {
    const spans = await spansWith((tracer) => {
      tracer
        .startSpan('structured', {
          attributes: {
            message: { role: 'user', parts: [{ type: 'text', content: 'hi' }], n: 2 },
            mixed: [1, 'two', [true, null], { deep: 1.5 }],
            bytes: new Uint8Array([0, 1, 2, 250, 255]),
            empty: null,
            none: {},
          },
        })
        .end();
    });
    const body = encodeTracesBytes(spans);
    checkOfficialOtlpJson(body);
    const attributes = encodeTraces(spans).resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes ?? [];
    const byKey = Object.fromEntries(attributes.map((a) => [a.key, a.value]));
    expect(byKey.message).toEqual({
      kvlistValue: {
        values: [
          { key: 'role', value: { stringValue: 'user' } },
          {
            key: 'parts',
            value: {
              arrayValue: {
                values: [
                  {
                    kvlistValue: {
                      values: [
                        { key: 'type', value: { stringValue: 'text' } },
                        { key: 'content', value: { stringValue: 'hi' } },
                      ],
                    },
                  },
                ],
              },
            },
          },
          { key: 'n', value: { intValue: '2' } },
        ],
      },
    });
    expect(byKey.mixed).toEqual({
      arrayValue: {
        values: [
          { intValue: '1' },
          { stringValue: 'two' },
          { arrayValue: { values: [{ boolValue: true }, {}] } },
          { kvlistValue: { values: [{ key: 'deep', value: { doubleValue: 1.5 } }] } },
        ],
      },
    });
    expect(byKey.bytes).toEqual({ bytesValue: Buffer.from([0, 1, 2, 250, 255]).toString('base64') });
    expect(byKey.empty).toEqual({});
    expect(byKey.none).toEqual({ kvlistValue: {} });
  });

  it('writes lone surrogates as U+FFFD, so strict proto3 JSON parsers accept the body', async () => {
    const lone = `a\ud800b\udc00c${'😀'}`;
    const spans = await spansWith((tracer) => {
      tracer.startSpan(lone, { attributes: { [lone]: lone, list: [lone] } }).end();
    });
    const body = encodeTracesBytes(spans);
    checkOfficialOtlpJson(body);
    const text = new TextDecoder().decode(body);
    expect(text).not.toMatch(/\\ud8|\\udc/i);
    const span = encodeTraces(spans).resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span?.name).toBe('a\ufffdb\ufffdc😀');
    expect(span?.attributes?.[0]).toEqual({
      key: 'a\ufffdb\ufffdc😀',
      value: { stringValue: 'a\ufffdb\ufffdc😀' },
    });
  });

  it('writes a kind outside the five as INTERNAL', async () => {
    const [span] = await spansWith((tracer) => tracer.startSpan('s').end());
    if (span === undefined) throw new Error('no span');
    const handMade: SpanData = {
      name: span.name,
      kind: 9 as SpanKind,
      spanContext: () => span.spanContext(),
      parentSpanContext: undefined,
      startTime: span.startTime,
      endTime: span.endTime,
      ended: true,
      status: span.status,
      attributes: {},
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      resource: span.resource,
      scope: span.scope,
    };
    for (const data of [
      handMade,
      { ...handMade, kind: -1 as SpanKind },
      { ...handMade, kind: 1.5 as SpanKind },
    ]) {
      const body = encodeTracesBytes([data]);
      checkOfficialOtlpJson(body);
      expect(encodeTraces([data]).resourceSpans[0]?.scopeSpans[0]?.spans[0]?.kind).toBe(1);
    }
  });
});
