// Deferred body ends on workerd's own Response objects: own readers and a `.body` getter
// defined on a runtime-provided object, and a materialized body the runtime can send.
import { describe, expect, it } from 'vitest';
import { createSimpleProcessor } from '../export/simple-processor.js';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider } from '../trace/provider.js';
import { endSpanWithBody, isBodyDeferred, materializeBody } from './span-body.js';

const exporter = createMemoryExporter();
const provider = createTracerProvider({ processors: [createSimpleProcessor(exporter)] });
const tracer = provider.getTracer('span-body-workerd');

function traced(response: Response): Response {
  exporter.reset();
  const startTime = provider.now();
  return endSpanWithBody(tracer.startSpan('call', { startTime }), response, { now: provider.now, startTime });
}

describe('endSpanWithBody in workerd', () => {
  it('ends a JSON response’s span when json() settles, keeping the response', async () => {
    const original = new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
    const response = traced(original);
    expect(response).toBe(original);
    expect(isBodyDeferred(response)).toBe(true);
    expect(await response.json()).toEqual({ ok: true });
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('ends it when the materialized body has been read through', async () => {
    const response = traced(new Response('x'.repeat(10_000)));
    const sent = materializeBody(response);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect((await sent.text()).length).toBe(10_000);
    expect(exporter.getFinishedSpans()[0]?.attributes['http.response.body.size']).toBe(10_000);
  });
});
