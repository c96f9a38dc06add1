// Head samplers with the OpenTelemetry names, so `OTEL_TRACES_SAMPLER` maps one to one.
// https://opentelemetry.io/docs/specs/otel/trace/sdk/#built-in-samplers
import { type Context, isSpanContextValid, TraceFlags, trace } from '@opentelemetry/api';
import { ConfigError } from '../config/errors.js';
import { type Sampler, SamplingDecision, type SamplingResult } from '../trace/types.js';

/** The sampler names of the `OTEL_TRACES_SAMPLER` variable. */
export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

const RECORD_AND_SAMPLE: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };
const DROP: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

/** Samples every span. */
export function alwaysOnSampler(): Sampler {
  return { shouldSample: () => RECORD_AND_SAMPLE, toString: () => 'AlwaysOnSampler' };
}

/** Samples no span. */
export function alwaysOffSampler(): Sampler {
  return { shouldSample: () => DROP, toString: () => 'AlwaysOffSampler' };
}

const TWO_POW_28 = 2 ** 28;
const TWO_POW_56 = 2 ** 56;

/**
 * Samples a fixed share of traces, decided by the trace id alone, so every service with the
 * same ratio makes the same decision. It reads the right-most 56 bits, which W3C Trace Context
 * Level 2 declares random when the `random` flag is set (and which our ids always are).
 */
export function traceIdRatioSampler(ratio: number): Sampler {
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) {
    throw new ConfigError(`traceidratio sampler: ratio must be a number from 0 to 1, got ${String(ratio)}`);
  }
  const bound = ratio * TWO_POW_56;
  const name = `TraceIdRatioBased{${ratio}}`;
  // The ends are exact: 56-bit values can round up to 2^56 in a double.
  if (ratio === 1) return { shouldSample: () => RECORD_AND_SAMPLE, toString: () => name };
  if (ratio === 0) return { shouldSample: () => DROP, toString: () => name };
  return {
    shouldSample(_context, traceId) {
      const high = Number.parseInt(traceId.slice(18, 25), 16);
      const low = Number.parseInt(traceId.slice(25, 32), 16);
      return high * TWO_POW_28 + low < bound ? RECORD_AND_SAMPLE : DROP;
    },
    toString: () => name,
  };
}

/** The delegates of a parent-based sampler; each defaults as in the OpenTelemetry spec. */
export interface ParentBasedOptions {
  /** For spans without a parent. */
  root: Sampler;
  /** @default alwaysOnSampler() */
  remoteParentSampled?: Sampler;
  /** @default alwaysOffSampler() */
  remoteParentNotSampled?: Sampler;
  /** @default alwaysOnSampler() */
  localParentSampled?: Sampler;
  /** @default alwaysOffSampler() */
  localParentNotSampled?: Sampler;
}

/** Follows the parent's sampled flag when there is a parent; asks `root` otherwise. */
export function parentBasedSampler(options: ParentBasedOptions): Sampler {
  const on = alwaysOnSampler();
  const off = alwaysOffSampler();
  const {
    root,
    remoteParentSampled = on,
    remoteParentNotSampled = off,
    localParentSampled = on,
    localParentNotSampled = off,
  } = options;
  return {
    shouldSample(context: Context, traceId, name, kind, attributes, links) {
      const parent = trace.getSpanContext(context);
      let delegate = root;
      if (parent !== undefined && isSpanContextValid(parent)) {
        const sampled = (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
        if (parent.isRemote) delegate = sampled ? remoteParentSampled : remoteParentNotSampled;
        else delegate = sampled ? localParentSampled : localParentNotSampled;
      }
      return delegate.shouldSample(context, traceId, name, kind, attributes, links);
    },
    toString: () => `ParentBased{root=${root.toString()}}`,
  };
}

/**
 * The sampler an `OTEL_TRACES_SAMPLER` name stands for; `arg` is the ratio of the
 * `traceidratio` forms (default 1).
 */
export function createSampler(name: SamplerName, arg?: number): Sampler {
  const ratio = (): Sampler => traceIdRatioSampler(arg ?? 1);
  switch (name) {
    case 'always_on':
      return alwaysOnSampler();
    case 'always_off':
      return alwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return parentBasedSampler({ root: alwaysOnSampler() });
    case 'parentbased_always_off':
      return parentBasedSampler({ root: alwaysOffSampler() });
    case 'parentbased_traceidratio':
      return parentBasedSampler({ root: ratio() });
    default:
      throw new ConfigError(
        `unknown sampler "${String(name)}": use one of ${SAMPLER_NAMES.join(', ')}, or pass a Sampler object`,
      );
  }
}
