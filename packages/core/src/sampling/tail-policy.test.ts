// The tail decision over one finished local trace: each rule, their defaults, and decide()'s first say.
import { type SpanContext, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useDiagCapture } from '../test-support/diag-capture.js';
import type { SpanData } from '../trace/types.js';
import { isSampled, keepTrace, type TailPolicy } from './tail-policy.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const ROOT_ID = '00f067aa0ba902b7';

interface Shape {
  flags?: number;
  error?: boolean;
  durationMs?: number;
  /** `local`: a child of the local root; `remote`: continues a caller's trace; default: a root. */
  parent?: 'local' | 'remote';
  ttfcSeconds?: unknown;
}

/** The parts of a finished span the tail policy reads. */
function span({
  flags = TraceFlags.NONE,
  error = false,
  durationMs = 10,
  parent,
  ttfcSeconds,
}: Shape = {}): SpanData {
  const context: SpanContext = { traceId: TRACE_ID, spanId: '1111111111111111', traceFlags: flags };
  const parentSpanContext =
    parent === undefined
      ? undefined
      : { traceId: TRACE_ID, spanId: ROOT_ID, traceFlags: flags, isRemote: parent === 'remote' };
  return {
    spanContext: () => context,
    parentSpanContext,
    startTime: 1_000,
    endTime: 1_000 + durationMs,
    status: { code: error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
    attributes: ttfcSeconds === undefined ? {} : { 'gen_ai.response.time_to_first_chunk': ttfcSeconds },
  } as SpanData;
}

const SAMPLED = TraceFlags.SAMPLED;
const errors = useDiagCapture('error');

describe('isSampled', () => {
  it('reads the sampled bit alone, whatever the Level 2 random bit says', () => {
    expect(isSampled(span({ flags: 0x01 }))).toBe(true);
    expect(isSampled(span({ flags: 0x03 }))).toBe(true);
    expect(isSampled(span({ flags: 0x02 }))).toBe(false);
    expect(isSampled(span({ flags: 0x00 }))).toBe(false);
  });
});

describe('keepTrace', () => {
  it('by default keeps head-sampled traces and traces with an error, and drops the rest', () => {
    expect(keepTrace([span({ flags: SAMPLED })], {})).toBe(true);
    expect(keepTrace([span(), span({ parent: 'local', error: true })], {})).toBe(true);
    expect(keepTrace([span(), span({ parent: 'local' })], {})).toBe(false);
    expect(keepTrace([], {})).toBe(false);
  });

  it('turns the sampled and error rules off when asked', () => {
    const policy: TailPolicy = { keepSampled: false, keepErrors: false };
    expect(keepTrace([span({ flags: SAMPLED })], policy)).toBe(false);
    expect(keepTrace([span({ error: true })], policy)).toBe(false);
  });

  it('keeps a trace whose local root lasted at least slowerThanMs', () => {
    const policy: TailPolicy = { keepSampled: false, slowerThanMs: 500 };
    expect(keepTrace([span({ durationMs: 499 })], policy)).toBe(false);
    expect(keepTrace([span({ durationMs: 500 })], policy)).toBe(true);
    // A server span continuing a caller's trace is this isolate's local root.
    expect(keepTrace([span({ durationMs: 800, parent: 'remote' })], policy)).toBe(true);
  });

  it('does not let a slow child stand for a slow trace', () => {
    const policy: TailPolicy = { keepSampled: false, slowerThanMs: 500 };
    expect(keepTrace([span({ durationMs: 20 }), span({ durationMs: 900, parent: 'local' })], policy)).toBe(
      false,
    );
  });

  it('keeps a trace with a first chunk at least slowFirstChunkMs late, read from seconds', () => {
    const policy: TailPolicy = { keepSampled: false, slowFirstChunkMs: 1_500 };
    const generation = (ttfcSeconds: unknown) => [span(), span({ parent: 'local', ttfcSeconds })];
    expect(keepTrace(generation(1.499), policy)).toBe(false);
    expect(keepTrace(generation(1.5), policy)).toBe(true);
    expect(keepTrace(generation('2.0'), policy)).toBe(false);
    expect(keepTrace([span()], policy)).toBe(false);
  });

  it('leaves the slow rules off unless set: a slow trace without an error is dropped', () => {
    expect(keepTrace([span({ durationMs: 60_000, ttfcSeconds: 30 })], { keepSampled: false })).toBe(false);
  });

  it('lets decide() have the first say: true keeps, false drops, undefined leaves it to the rules', () => {
    const seen: number[] = [];
    const decide = (verdict: boolean | undefined) => (spans: readonly SpanData[]) => {
      seen.push(spans.length);
      return verdict;
    };
    const quiet = [span()];
    const failed = [span({ error: true })];
    expect(keepTrace(quiet, { decide: decide(true) })).toBe(true);
    expect(keepTrace(failed, { decide: decide(false) })).toBe(false);
    expect(keepTrace(failed, { decide: decide(undefined) })).toBe(true);
    expect(keepTrace(quiet, { decide: decide(undefined) })).toBe(false);
    expect(seen).toEqual([1, 1, 1, 1]);
  });

  it('treats an answer from decide() that is not a boolean as no answer', () => {
    const decide = () => 'yes' as unknown as boolean;
    expect(keepTrace([span()], { decide })).toBe(false);
    expect(keepTrace([span({ error: true })], { decide })).toBe(true);
  });

  it('falls back to the rules when decide() throws, and reports it once', () => {
    const decide = (): boolean => {
      throw new Error('bug in the user policy');
    };
    expect(keepTrace([span({ error: true })], { decide })).toBe(true);
    expect(keepTrace([span()], { decide })).toBe(false);
    expect(errors).toEqual(['edgetrace: the tail policy decide() function threw; using the rules instead']);
  });
});
