// The least a fetch instrumentation does, by hand: start a CLIENT span, inject its context, end
// it at the headers with the status. No body tracking. Shared by the floor variants.
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';

export const handMadeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
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
