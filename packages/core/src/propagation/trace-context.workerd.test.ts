// The propagator and id generator inside workerd.
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createIdGenerator, isValidSpanId, isValidTraceId } from '../trace/ids.js';
import { createTraceContextPropagator } from './trace-context.js';

describe('trace context in workerd', () => {
  it('really runs in workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
  });

  it('generates valid ids from the Web Crypto pool', () => {
    const ids = createIdGenerator();
    const traceIds = new Set(Array.from({ length: 500 }, () => ids.traceId()));
    expect(traceIds.size).toBe(500);
    for (const id of traceIds) expect(isValidTraceId(id)).toBe(true);
    expect(isValidSpanId(ids.spanId())).toBe(true);
  });

  it('continues a trace from request headers and injects it into outgoing ones', () => {
    const propagator = createTraceContextPropagator();
    const incoming = new Request('https://edge.example/', {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'a=1' },
    });
    const headers = Object.fromEntries(incoming.headers);
    const ctx = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const child = trace.setSpanContext(ctx, {
      ...(trace.getSpanContext(ctx) ?? { traceId: '', traceFlags: 0 }),
      spanId: 'b7ad6b7169203331',
      isRemote: false,
    });
    const outgoing: Record<string, string> = {};
    propagator.inject(child, outgoing, defaultTextMapSetter);
    expect(outgoing).toEqual({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01',
      tracestate: 'a=1',
    });
  });
});
