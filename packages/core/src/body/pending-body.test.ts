import { describe, expect, it } from 'vitest';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider } from '../trace/provider.js';
import { clearBodyPending, endPendingBody, isBodyPending, markBodyPending } from './pending-body.js';

const providerSpan = () => {
  const provider = createTracerProvider({ exporter: createMemoryExporter(), asyncLocalStorage: false });
  return provider.getTracer('t').startSpan('s');
};

describe('the unread-body registry, owned by the provider', () => {
  it('registers, clears and ends a span of ours through the span itself', () => {
    const span = providerSpan();
    let ended = 0;
    markBodyPending(span, () => ended++);
    expect(isBodyPending(span)).toBe(true);
    clearBodyPending(span);
    expect(isBodyPending(span)).toBe(false);
    expect(endPendingBody(span)).toBe(false);
    markBodyPending(span, () => ended++);
    expect(endPendingBody(span)).toBe(true);
    expect(endPendingBody(span)).toBe(false);
    expect(ended).toBe(1);
  });

  it('keeps each provider’s spans apart, and leaves another SDK’s span alone', () => {
    const ours = providerSpan();
    const theirs = providerSpan();
    markBodyPending(ours, () => undefined);
    expect(isBodyPending(theirs)).toBe(false);
    const foreign = { spanContext: () => ({}) };
    markBodyPending(foreign, () => undefined);
    expect(isBodyPending(foreign)).toBe(false);
    expect(endPendingBody(foreign)).toBe(false);
  });
});
