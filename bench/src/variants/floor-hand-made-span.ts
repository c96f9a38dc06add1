// The floor for a CLIENT span: tracing() and the least a fetch instrumentation does by hand —
// start a span, inject its context, end it at the headers with the status. No body tracking.
import { tracing } from '@edgetrace/hono';
import { createOtlpExporter } from '@edgetrace/otlp';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { createApp } from './app.js';
import { stubFetch } from './stub-fetch.js';

const exporter = createOtlpExporter({ endpoint: 'http://collector.stub/v1/traces', fetch: stubFetch });
const handMade = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const span = trace
    .getTracer('x')
    .startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'url.full': String(input) } });
  const headers = new Headers(init?.headers);
  propagation.inject(trace.setSpan(context.active(), span), headers, { set: (h, k, v) => h.set(k, v) });
  const response = await fetch(input, { ...init, headers });
  span.setAttribute('http.response.status_code', response.status);
  span.end();
  return response;
};
const app = createApp(handMade as typeof fetch, tracing({ serviceName: 'bench', exporter }));
export default { fetch: app.fetch };
