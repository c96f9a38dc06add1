// Span limits: OTEL_*_LIMIT variables, their precedence, and the spanLimits option's checks.
// https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#attribute-limits
import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createEnvReader } from '../config/env.js';
import { ConfigError } from '../config/errors.js';
import { resetReporting } from '../config/report.js';
import { captureDiag } from '../test-support/diag-capture.js';
import { resolveSpanLimits } from './limits.js';
import type { SpanLimits } from './types.js';

const NO_ENV = createEnvReader({});

afterEach(() => {
  diag.disable();
  resetReporting();
});

describe('resolveSpanLimits', () => {
  it('defaults to 128 of everything and no value length limit, as the specification does', () => {
    expect(resolveSpanLimits(undefined, NO_ENV)).toEqual({
      attributeCountLimit: 128,
      attributeValueLengthLimit: Number.POSITIVE_INFINITY,
      eventCountLimit: 128,
      linkCountLimit: 128,
      attributePerEventCountLimit: 128,
      attributePerLinkCountLimit: 128,
    });
  });

  it('lets the general OTEL_ATTRIBUTE_* limits reach spans, events and links', () => {
    const env = createEnvReader({ OTEL_ATTRIBUTE_COUNT_LIMIT: '5', OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64' });
    expect(resolveSpanLimits(undefined, env)).toMatchObject({
      attributeCountLimit: 5,
      attributeValueLengthLimit: 64,
      attributePerEventCountLimit: 5,
      attributePerLinkCountLimit: 5,
    });
  });

  it('puts the OTEL_SPAN_*, OTEL_EVENT_* and OTEL_LINK_* variables over the general ones', () => {
    const env = createEnvReader({
      OTEL_ATTRIBUTE_COUNT_LIMIT: '5',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64',
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '7',
      OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '32',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '3',
      OTEL_SPAN_LINK_COUNT_LIMIT: '2',
      OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: '1',
      OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: '0',
    });
    expect(resolveSpanLimits(undefined, env)).toEqual({
      attributeCountLimit: 7,
      attributeValueLengthLimit: 32,
      eventCountLimit: 3,
      linkCountLimit: 2,
      attributePerEventCountLimit: 1,
      attributePerLinkCountLimit: 0,
    });
  });

  it('puts options over every variable, and leaves the rest to the variables', () => {
    const env = createEnvReader({ OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '7', OTEL_SPAN_EVENT_COUNT_LIMIT: '3' });
    const limits = resolveSpanLimits(
      // An option left undefined (as a JavaScript caller may) leaves the variable in charge.
      {
        attributeCountLimit: 1,
        linkCountLimit: Number.POSITIVE_INFINITY,
        eventCountLimit: undefined,
      } as unknown as Partial<SpanLimits>,
      env,
    );
    expect(limits).toMatchObject({ attributeCountLimit: 1, eventCountLimit: 3 });
    expect(limits.linkCountLimit).toBe(Number.POSITIVE_INFINITY);
  });

  it('warns about a variable that is not a whole number ≥ 0 and uses the default', () => {
    const warnings = captureDiag();
    const env = createEnvReader({
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '1.5',
      OTEL_SPAN_EVENT_COUNT_LIMIT: '-3',
      OTEL_SPAN_LINK_COUNT_LIMIT: 'many',
    });
    const limits = resolveSpanLimits(undefined, env);
    expect([limits.attributeCountLimit, limits.eventCountLimit, limits.linkCountLimit]).toEqual([
      128, 128, 128,
    ]);
    expect(warnings).toEqual([
      'edgetrace: OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT="1.5" is not an integer ≥ 0; using the default',
      'edgetrace: OTEL_SPAN_EVENT_COUNT_LIMIT="-3" is not an integer ≥ 0; using the default',
      'edgetrace: OTEL_SPAN_LINK_COUNT_LIMIT="many" is not an integer ≥ 0; using the default',
    ]);
  });

  it('throws a ConfigError naming the option and the fix for a bad spanLimits value', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [
        { eventCountLimit: -1 },
        /spanLimits\.eventCountLimit must be a whole number ≥ 0 \(or Infinity\), got -1/,
      ],
      [{ linkCountLimit: 2.5 }, /spanLimits\.linkCountLimit must be a whole number/],
      [{ attributeValueLengthLimit: Number.NaN }, /got NaN/],
      [{ attributeCountLimit: '10' }, /spanLimits\.attributeCountLimit must be a whole number/],
      [
        { attributesLimit: 10 },
        /spanLimits\.attributesLimit is not a span limit; use one of attributeCountLimit, /,
      ],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveSpanLimits(options, NO_ENV)).toThrow(ConfigError);
      expect(() => resolveSpanLimits(options, NO_ENV)).toThrow(message);
    }
  });
});
