import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import { createIdGenerator } from '../trace/ids.js';
import { type Sampler, SamplingDecision } from '../trace/types.js';
import {
  alwaysOffSampler,
  alwaysOnSampler,
  createSampler,
  parentBasedSampler,
  SAMPLER_NAMES,
  traceIdRatioSampler,
} from './samplers.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function decide(sampler: Sampler, traceId = TRACE_ID, ctx = ROOT_CONTEXT): number {
  return sampler.shouldSample(ctx, traceId, 'span', SpanKind.INTERNAL, {}, []).decision;
}

function withParent(sampled: boolean, isRemote: boolean) {
  return trace.setSpanContext(context.active(), {
    traceId: TRACE_ID,
    spanId: '00f067aa0ba902b7',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote,
  });
}

describe('samplers', () => {
  it('always_on and always_off', () => {
    expect(decide(alwaysOnSampler())).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(alwaysOffSampler())).toBe(SamplingDecision.NOT_RECORD);
  });

  it('traceidratio samples about the given share, by the id’s random right-most bits', () => {
    const ids = createIdGenerator();
    const sampler = traceIdRatioSampler(0.25);
    let kept = 0;
    for (let i = 0; i < 20_000; i++)
      if (decide(sampler, ids.traceId()) === SamplingDecision.RECORD_AND_SAMPLED) kept++;
    expect(kept / 20_000).toBeGreaterThan(0.23);
    expect(kept / 20_000).toBeLessThan(0.27);
    // Only the right-most 56 bits count: the left part of the id changes nothing.
    expect(decide(sampler, `ffffffffffffffffff${'0'.repeat(14)}`)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, `000000000000000001${'f'.repeat(14)}`)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('traceidratio is consistent: same id, same answer; a kept id stays kept at higher ratios', () => {
    const hex = fc.stringMatching(/^[0-9a-f]{32}$/);
    fc.assert(
      fc.property(
        hex,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (id, r1, r2) => {
          const [low, high] = r1 <= r2 ? [r1, r2] : [r2, r1];
          const a = decide(traceIdRatioSampler(low), id);
          expect(decide(traceIdRatioSampler(low), id)).toBe(a);
          if (a === SamplingDecision.RECORD_AND_SAMPLED) {
            expect(decide(traceIdRatioSampler(high), id)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(decide(traceIdRatioSampler(0), 'f'.repeat(32))).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(traceIdRatioSampler(1), 'f'.repeat(32))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('parent-based follows the parent, and asks the root sampler without one', () => {
    const sampler = parentBasedSampler({ root: alwaysOffSampler() });
    expect(decide(sampler)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler, TRACE_ID, withParent(true, true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, TRACE_ID, withParent(false, true))).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler, TRACE_ID, withParent(true, false))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, TRACE_ID, withParent(false, false))).toBe(SamplingDecision.NOT_RECORD);
  });

  it('parent-based uses each configured delegate', () => {
    const on = alwaysOnSampler();
    const sampler = parentBasedSampler({
      root: on,
      remoteParentNotSampled: on,
      localParentSampled: alwaysOffSampler(),
    });
    expect(decide(sampler, TRACE_ID, withParent(false, true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, TRACE_ID, withParent(true, false))).toBe(SamplingDecision.NOT_RECORD);
  });

  it('maps every OTEL_TRACES_SAMPLER name', () => {
    const names = Object.fromEntries(SAMPLER_NAMES.map((n) => [n, createSampler(n, 0.5).toString()]));
    expect(names).toEqual({
      always_on: 'AlwaysOnSampler',
      always_off: 'AlwaysOffSampler',
      traceidratio: 'TraceIdRatioBased{0.5}',
      parentbased_always_on: 'ParentBased{root=AlwaysOnSampler}',
      parentbased_always_off: 'ParentBased{root=AlwaysOffSampler}',
      parentbased_traceidratio: 'ParentBased{root=TraceIdRatioBased{0.5}}',
    });
  });

  it('rejects unknown names and bad ratios at setup', () => {
    expect(() => createSampler('sometimes' as 'always_on')).toThrow(ConfigError);
    expect(() => createSampler('sometimes' as 'always_on')).toThrow(/use one of always_on/);
    expect(() => traceIdRatioSampler(1.5)).toThrow(/from 0 to 1/);
    expect(() => traceIdRatioSampler(Number.NaN)).toThrow(ConfigError);
  });
});
