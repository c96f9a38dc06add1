import { createTracerProvider } from '@edgetrace/core';
import { context, INVALID_SPAN_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { logFields } from './log-fields.js';

afterEach(() => {
  trace.disable();
  context.disable();
});

describe('logFields', () => {
  it('reads a span given directly, with the flags as two hex digits', () => {
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });
    expect(logFields(span)).toEqual({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      trace_flags: '00',
    });
  });

  it('reads the active span when given nothing, and is empty outside one', () => {
    const provider = createTracerProvider();
    provider.register();
    expect(logFields()).toEqual({});
    const fields = provider.getTracer('t').startActiveSpan('work', (span) => {
      span.end();
      return { inside: logFields(), ids: span.spanContext() };
    });
    expect(fields.inside).toEqual({
      trace_id: fields.ids.traceId,
      span_id: fields.ids.spanId,
      trace_flags: '03', // sampled, and a random trace id (W3C Trace Context level 2)
    });
    expect(logFields()).toEqual({});
  });

  it('is empty for an invalid span and for a Hono context with no span set', async () => {
    expect(logFields(trace.wrapSpanContext(INVALID_SPAN_CONTEXT))).toEqual({});
    const app = new Hono();
    app.get('/', (c) => c.json(logFields(c)));
    expect(await (await app.request('http://localhost/')).json()).toEqual({});
  });
});
