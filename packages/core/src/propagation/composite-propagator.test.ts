// Several propagators as one: each injects and extracts in turn, and one that throws is skipped.
import {
  type Context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  type TextMapPropagator,
  trace,
} from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useDiagCapture } from '../test-support/diag-capture.js';
import { createCompositePropagator, createDefaultPropagator } from './composite-propagator.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const SEEN = createContextKey('seen');

/** A propagator for header `name`: injects `name: value`, extracts it into the context list `SEEN`. */
function headerPropagator(name: string, value = name): TextMapPropagator {
  return {
    inject: (_ctx, carrier, setter) => setter.set(carrier, name, value),
    extract(ctx, carrier, getter) {
      const found = getter.get(carrier, name);
      const seen = (ctx.getValue(SEEN) as string[] | undefined) ?? [];
      return found === undefined ? ctx : ctx.setValue(SEEN, [...seen, `${name}=${String(found)}`]);
    },
    fields: () => [name],
  };
}

const throwing: TextMapPropagator = {
  inject() {
    throw new Error('inject bug');
  },
  extract(): Context {
    throw new Error('extract bug');
  },
  fields: () => ['x-broken', 'a'],
};

const warnings = useDiagCapture();

describe('createCompositePropagator', () => {
  it('injects with each propagator in turn', () => {
    const composite = createCompositePropagator([headerPropagator('a'), headerPropagator('b')]);
    const carrier: Record<string, string> = {};
    composite.inject(ROOT_CONTEXT, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({ a: 'a', b: 'b' });
  });

  it('hands each extractor the context the one before it returned', () => {
    const composite = createCompositePropagator([headerPropagator('a'), headerPropagator('b')]);
    const ctx = composite.extract(ROOT_CONTEXT, { a: '1', b: '2' }, defaultTextMapGetter);
    expect(ctx.getValue(SEEN)).toEqual(['a=1', 'b=2']);
  });

  it('skips a propagator that throws, with one warning each way, and keeps the others’ work', () => {
    const composite = createCompositePropagator([headerPropagator('a'), throwing, headerPropagator('b')]);
    const carrier: Record<string, string> = {};
    for (let i = 0; i < 2; i++) {
      expect(() => composite.inject(ROOT_CONTEXT, carrier, defaultTextMapSetter)).not.toThrow();
    }
    const ctx = composite.extract(ROOT_CONTEXT, { a: '1', b: '2' }, defaultTextMapGetter);
    expect(carrier).toEqual({ a: 'a', b: 'b' });
    expect(ctx.getValue(SEEN)).toEqual(['a=1', 'b=2']);
    expect(warnings).toEqual([
      'edgetrace: a propagator failed to inject',
      'edgetrace: a propagator failed to extract',
    ]);
  });

  it('lists every field once, in order, and a copy the caller may change', () => {
    const composite = createCompositePropagator([headerPropagator('a'), throwing, headerPropagator('b')]);
    const fields = composite.fields();
    expect(fields).toEqual(['a', 'x-broken', 'b']);
    fields.push('mutated');
    expect(composite.fields()).toEqual(['a', 'x-broken', 'b']);
  });

  it('with no propagators leaves carrier and context alone', () => {
    const composite = createCompositePropagator([]);
    const carrier: Record<string, string> = {};
    composite.inject(ROOT_CONTEXT, carrier, defaultTextMapSetter);
    expect(carrier).toEqual({});
    expect(composite.extract(ROOT_CONTEXT, { traceparent: TRACEPARENT }, defaultTextMapGetter)).toBe(
      ROOT_CONTEXT,
    );
    expect(composite.fields()).toEqual([]);
  });
});

describe('createDefaultPropagator', () => {
  it('carries W3C trace context and baggage through one extract and inject', () => {
    const propagator = createDefaultPropagator();
    expect(propagator.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
    const incoming = { traceparent: TRACEPARENT, tracestate: 'vendor=abc', baggage: 'user=42' };
    const ctx = propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter);
    expect(trace.getSpanContext(ctx)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(propagation.getBaggage(ctx)?.getEntry('user')?.value).toBe('42');
    const outgoing: Record<string, string> = {};
    propagator.inject(ctx, outgoing, defaultTextMapSetter);
    expect(outgoing).toEqual(incoming);
  });
});
