// Runs several propagators as one; a propagator that throws is skipped, not fatal.
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { report } from '../config/report.js';
import { createBaggagePropagator } from './baggage.js';
import { createTraceContextPropagator } from './trace-context.js';

export function createCompositePropagator(propagators: readonly TextMapPropagator[]): TextMapPropagator {
  const fields = [...new Set(propagators.flatMap((p) => p.fields()))];
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
      for (const propagator of propagators) {
        try {
          propagator.inject(context, carrier, setter);
        } catch (error) {
          report('warn', 'edgetrace: a propagator failed to inject', error);
        }
      }
    },
    extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
      let result = context;
      for (const propagator of propagators) {
        try {
          result = propagator.extract(result, carrier, getter);
        } catch (error) {
          report('warn', 'edgetrace: a propagator failed to extract', error);
        }
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
