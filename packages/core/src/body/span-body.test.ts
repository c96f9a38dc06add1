import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createSimpleProcessor } from '../export/simple-processor.js';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider } from '../trace/provider.js';
import type { SpanData } from '../trace/types.js';
import { endSpanWithBody, isBodyDeferred, materializeBody } from './span-body.js';
import { errorType } from './span-end.js';

const exporter = createMemoryExporter();
const provider = createTracerProvider({
  processors: [createSimpleProcessor(exporter)],
  asyncLocalStorage: false,
});
const tracer = provider.getTracer('span-body');

function traced(response: Response, streaming?: boolean): { response: Response; spans: () => SpanData[] } {
  exporter.reset();
  const startTime = provider.now();
  const span = tracer.startSpan('call', { startTime });
  const options = { now: provider.now, startTime, ...(streaming === undefined ? {} : { streaming }) };
  return { response: endSpanWithBody(span, response, options), spans: () => exporter.getFinishedSpans() };
}

const json = () =>
  new Response('{"a":1}', { headers: { 'content-type': 'application/json', 'content-length': '7' } });

describe('endSpanWithBody for bodies that are not streams', () => {
  for (const reader of ['json', 'text', 'arrayBuffer', 'bytes', 'blob'] as const) {
    it(`keeps the same response and ends the span when ${reader}() settles`, async () => {
      const original = json();
      const { response, spans } = traced(original);
      expect(response).toBe(original);
      expect(isBodyDeferred(response)).toBe(true);
      expect(spans()).toHaveLength(0);
      await response[reader]();
      expect(spans()).toHaveLength(1);
      expect(spans()[0]?.attributes['http.response.body.size']).toBe(7);
    });
  }

  it('watches the body as a stream when someone reads .body', async () => {
    const { response, spans } = traced(json());
    const reader = response.body?.getReader();
    expect(response.body).toBe(response.body); // one stream, made once
    let text = '';
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toBe('{"a":1}');
    expect(spans()).toHaveLength(1);
    expect(spans()[0]?.attributes['edgetrace.response.time_to_first_chunk']).toBeTypeOf('number');
  });

  it('records a reader that fails as an error, once', async () => {
    const { response, spans } = traced(
      new Response('not json', { headers: { 'content-type': 'text/plain' } }),
    );
    await expect(response.json()).rejects.toThrow(SyntaxError);
    await expect(response.text()).rejects.toThrow(TypeError); // body already used
    expect(spans()).toHaveLength(1);
    expect(spans()[0]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans()[0]?.attributes['error.type']).toBe('SyntaxError');
  });

  it('materializes a deferred response into a watched one, for a runtime that reads it natively', async () => {
    const { response, spans } = traced(json());
    const sent = materializeBody(response);
    expect(sent).not.toBe(response);
    expect(spans()).toHaveLength(0);
    expect(await new Response(sent.body).text()).toBe('{"a":1}');
    expect(spans()).toHaveLength(1);
    const plain = new Response('x');
    expect(materializeBody(plain)).toBe(plain);
  });
});

describe('endSpanWithBody for streams and empty bodies', () => {
  it('watches an event stream through a new response, with the time to its first chunk', async () => {
    const sse = new Response('data: 1\n\n', { headers: { 'content-type': 'text/event-stream' } });
    const { response, spans } = traced(sse);
    expect(response).not.toBe(sse);
    expect(isBodyDeferred(response)).toBe(false);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(await response.text()).toBe('data: 1\n\n');
    expect(spans()[0]?.attributes['edgetrace.response.time_to_first_chunk']).toBeTypeOf('number');
    expect(spans()[0]?.attributes['http.response.body.size']).toBe(9);
  });

  it('ends at once without a body', () => {
    const { spans } = traced(new Response(null, { status: 204 }));
    expect(spans()).toHaveLength(1);
  });

  it('marks a cancelled stream as cancelled, not as an error', async () => {
    const { response, spans } = traced(json(), true);
    await response.body?.cancel('gone');
    expect(spans()[0]?.attributes['edgetrace.response.cancelled']).toBe(true);
    expect(spans()[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe('errorType', () => {
  it('names errors by their name or class, and anything else plainly', () => {
    expect(errorType(new TypeError('x'))).toBe('TypeError');
    class UpstreamError extends Error {}
    expect(errorType(new UpstreamError('x'))).toBe('UpstreamError');
    expect(errorType(new DOMException('x', 'AbortError'))).toBe('AbortError');
    expect(errorType('boom')).toBe('Error');
    expect(errorType(42)).toBe('_OTHER');
  });
});
