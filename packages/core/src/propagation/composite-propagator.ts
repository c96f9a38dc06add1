// Runs several propagators as one; a propagator that throws is skipped, not fatal.
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { report } from '../config/report.js';
import { createBaggagePropagator } from './baggage.js';
import { createTraceContextPropagator } from './trace-context.js';

const INJECT_FAILED = 'a propagator failed to inject';
const EXTRACT_FAILED = 'a propagator failed to extract';

export function createCompositePropagator(propagators: readonly TextMapPropagator[]): TextMapPropagator {
  const fields = [...new Set(propagators.flatMap((p) => p.fields()))];
  return {
    // A propagator runs on every request: called in place rather than through guarded(), which
    // would take a closure per propagator per call.
    inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
      for (const propagator of propagators) {
        try {
          propagator.inject(context, carrier, setter);
        } catch (error) {
          report('warn', INJECT_FAILED, error);
        }
      }
    },
    extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
      let result = context;
      for (const propagator of propagators) {
        try {
          result = propagator.extract(result, carrier, getter);
        } catch (error) {
          report('warn', EXTRACT_FAILED, error);
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
