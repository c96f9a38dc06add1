// instrumentFetch: a traced `fetch` with the same signature. Each call gets a CLIENT span that
// ends when the response body is consumed or cancelled (not when headers arrive), and carries
// W3C trace context to the origins the allow-list admits. Globals and the caller's request,
// headers and body are never modified. https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import {
  checkOptionNames,
  createSpanEnd,
  endSpanWithBody,
  headerNames,
  methodAttributes,
  normalizeMethod,
  optionNames,
  recordHeaders,
  recordStatus,
  redactUrl,
  TIME_TO_FIRST_BYTE,
  urlPort,
} from '@edgetrace/core/internal';
import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  CLIENT_OPTIONS,
  type ClientOptions,
  callTarget,
  createClient,
  type Fetcher,
  headersOf,
  withSpan,
} from './client-call.js';

export interface InstrumentFetchOptions extends ClientOptions {
  /** Request headers recorded as `http.request.header.<name>` (an allow-list). @default [] */
  requestHeaders?: readonly string[];
  /** Response headers recorded as `http.response.header.<name>` (an allow-list). @default [] */
  responseHeaders?: readonly string[];
}

const OPTION_NAMES = optionNames<InstrumentFetchOptions>({
  ...CLIENT_OPTIONS,
  requestHeaders: true,
  responseHeaders: true,
});

/** The HTTP client attributes known before the call: method, `url.full`, server address and port. */
export function clientAttributes(url: URL, method: string): { name: string; attributes: Attributes } {
  const { name, attributes } = methodAttributes(method);
  attributes['url.full'] = redactUrl(url);
  attributes['server.address'] = url.hostname;
  const port = urlPort(url);
  if (port !== undefined) attributes['server.port'] = port;
  return { name, attributes };
}

/**
 * Returns a traced `fetch`. Pass the `fetch` to wrap — the global one, or a service binding
 * (`env.SERVICE`, whose calls then join the trace of the Worker behind it).
 */
export function instrumentFetch(
  fetcher: typeof fetch | Fetcher,
  options: InstrumentFetchOptions = {},
): typeof fetch {
  checkOptionNames(options, OPTION_NAMES, 'instrumentFetch');
  const client = createClient(fetcher, options, 'instrumentFetch', '@edgetrace/fetch');
  const requestHeaders = headerNames(options.requestHeaders, 'instrumentFetch: requestHeaders');
  const responseHeaders = headerNames(options.responseHeaders, 'instrumentFetch: responseHeaders');
  const { tracer, now } = client;

  return async function tracedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const target = callTarget(input, init, normalizeMethod);
    if (target === undefined) return client.call(input, init); // fetch gives its own error
    const parent = client.parent();
    const { name, attributes } = clientAttributes(target.url, target.method);
    let headers: Headers | undefined;
    if (requestHeaders.length > 0) {
      headers = headersOf(target, init);
      recordHeaders(attributes, 'http.request.header', headers, requestHeaders);
    }
    const startTime = now();
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime }, parent);
    // One ending for every path: a caller's abort, before or during the body, is a cancellation.
    const end = createSpanEnd(span, { now, signal: () => init?.signal ?? target.request?.signal });
    let response: Response;
    try {
      response = await client.send(target, input, init, withSpan(parent, span), headers);
    } catch (error) {
      end({ kind: 'error', error });
      throw error;
    }
    try {
      span.setAttribute(TIME_TO_FIRST_BYTE, (now() - startTime) / 1000);
      recordStatus(span, response.status, 'client');
      if (responseHeaders.length > 0) {
        const recorded: Attributes = {};
        recordHeaders(recorded, 'http.response.header', response.headers, responseHeaders);
        span.setAttributes(recorded);
      }
      if (!span.isRecording()) {
        span.end();
        return response;
      }
      return endSpanWithBody(span, response, { now, startTime, end });
    } catch {
      // A response we cannot re-wrap (an unusual status, say) is returned untouched.
      end({ kind: 'complete' });
      return response;
    }
  };
}
