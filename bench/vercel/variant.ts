// @vercel/otel: its `registerOTel` SDK (OpenTelemetry SDK 2.x underneath, a batch span processor
// and its own fetch-based OTLP/HTTP JSON exporter, posting through the stub fetch) with its
// fetch instrumentation for the outgoing call, and @hono/otel for the server span, since
// @vercel/otel makes server spans only inside Next.js. Context is propagated to the upstream,
// as the other variants do. On Workers the trace is flushed per request in `waitUntil`.
import '../src/variants/stub-fetch.js';
import { httpInstrumentationMiddleware } from '@hono/otel';
import { trace } from '@opentelemetry/api';
import { OTLPHttpJsonTraceExporter, registerOTel } from '@vercel/otel';
import { createApp } from '../src/variants/app.js';

registerOTel({
  serviceName: 'bench',
  traceExporter: new OTLPHttpJsonTraceExporter({ url: 'http://collector.stub/v1/traces' }),
  instrumentationConfig: { fetch: { propagateContextUrls: [/gpu\.internal/] } },
});

interface Flushable {
  forceFlush(): Promise<void>;
}
const delegate = (trace.getTracerProvider() as unknown as { getDelegate(): Flushable }).getDelegate();

// The global fetch is read per call: the instrumentation replaces it when it registers.
const app = createApp((input, init) => fetch(input, init), httpInstrumentationMiddleware());
export default {
  async fetch(request: Request, env: unknown, ctx?: { waitUntil(p: Promise<unknown>): void }) {
    const response = await app.fetch(request, env, ctx as never);
    ctx?.waitUntil(delegate.forceFlush());
    return response;
  },
};
