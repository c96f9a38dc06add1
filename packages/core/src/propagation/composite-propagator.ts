// Runs several propagators as one; a propagator that throws is skipped, not fatal.
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { guarded } from '../config/report.js';
import { createBaggagePropagator } from './baggage.js';
import { createTraceContextPropagator } from './trace-context.js';

export function createCompositePropagator(propagators: readonly TextMapPropagator[]): TextMapPropagator {
  const fields = [...new Set(propagators.flatMap((p) => p.fields()))];
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
      for (const propagator of propagators) {
        guarded(
          'a propagator failed to inject',
          () => propagator.inject(context, carrier, setter),
          undefined,
          'warn',
        );
      }
    },
    extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
      let result = context;
      for (const propagator of propagators) {
        const from = result;
        result = guarded(
          'a propagator failed to extract',
          () => propagator.extract(from, carrier, getter),
          from,
          'warn',
        );
      }
      return result;
    },
    fields: () => [...fields],
  };
}

/** W3C Trace Context and W3C Baggage: the default propagator. */
export function createDefaultPropagator(): TextMapPropagator {
  return createCompositePropagator([createTraceContextPropagator(), createBaggagePropagator()]);
}
