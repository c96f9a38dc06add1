// Span limits from options and the `OTEL_*_LIMIT` variables.
import type { EnvReader } from '../config/env.js';
import { ConfigError } from '../config/errors.js';
import type { SpanLimits } from './types.js';

const DEFAULT_COUNT = 128;

/** Explicit options win over `OTEL_SPAN_*`, which win over the general `OTEL_ATTRIBUTE_*`. */
export function resolveSpanLimits(options: Partial<SpanLimits> | undefined, env: EnvReader): SpanLimits {
  const count = (name: string): number | undefined => env.number(name, { min: 0, integer: true });
  const attributeCount = count('OTEL_ATTRIBUTE_COUNT_LIMIT');
  const attributeLength = count('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT');
  const limits: SpanLimits = {
    attributeCountLimit: count('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? attributeCount ?? DEFAULT_COUNT,
    attributeValueLengthLimit:
      count('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? attributeLength ?? Number.POSITIVE_INFINITY,
    eventCountLimit: count('OTEL_SPAN_EVENT_COUNT_LIMIT') ?? DEFAULT_COUNT,
    linkCountLimit: count('OTEL_SPAN_LINK_COUNT_LIMIT') ?? DEFAULT_COUNT,
    attributePerEventCountLimit: count('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT') ?? attributeCount ?? DEFAULT_COUNT,
    attributePerLinkCountLimit: count('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT') ?? attributeCount ?? DEFAULT_COUNT,
  };
  return options === undefined ? limits : withOptions(limits, options);
}

/** `limits` with the options given, each checked. */
function withOptions(limits: SpanLimits, options: Partial<SpanLimits>): SpanLimits {
  const isLimit = (key: string): key is keyof SpanLimits => key in limits;
  const chosen: Partial<Record<keyof SpanLimits, number>> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!isLimit(key)) {
      throw new ConfigError(
        `spanLimits.${key} is not a span limit; use one of ${Object.keys(limits).join(', ')}`,
      );
    }
    if (value === undefined) continue;
    if (value !== Number.POSITIVE_INFINITY && !(Number.isInteger(value) && value >= 0)) {
      throw new ConfigError(
        `spanLimits.${key} must be a whole number ≥ 0 (or Infinity), got ${String(value)}`,
      );
    }
    chosen[key] = value;
  }
  return { ...limits, ...chosen };
}
