// The official route, shared by its two entries (official.ts, official-otlp.ts): OpenTelemetry JS
// SDK 3.x (TracerProvider, BatchSpanProcessor, the AsyncLocalStorage context manager, W3C
// propagator) with @hono/otel, exporting through the exporter given. The outgoing call gets a
// CLIENT span and injected context by hand — the least any fetch instrumentation does.

import { httpInstrumentationMiddleware } from '@hono/otel';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { createApp } from './app.js';

/** The Worker of the official route, exporting through `exporter`. */
export function officialWorker(exporter: SpanExporter) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench' }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracer = trace.getTracer('fetch');

  async function tracedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return tracer.startActiveSpan(
      'GET',
      { kind: SpanKind.CLIENT, attributes: { 'url.full': String(input) } },
      async (span) => {
        const headers = new Headers(init?.headers);
        propagation.inject(context.active(), headers, { set: (h, k, v) => h.set(k, v) });
        try {
          const response = await fetch(input, { ...init, headers });
          span.setAttribute('http.response.status_code', response.status);
          return response;
        } finally {
          span.end();
        }
      },
    );
  }

  const app = createApp(tracedFetch, httpInstrumentationMiddleware({ tracerProvider: provider }));
  return {
    async fetch(request: Request, env: unknown, ctx?: { waitUntil(p: Promise<unknown>): void }) {
      const response = await app.fetch(request, env, ctx as never);
      ctx?.waitUntil(provider.forceFlush());
      return response;
    },
  };
}
