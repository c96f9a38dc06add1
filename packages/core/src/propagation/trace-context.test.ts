import {
  context as apiContext,
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type SpanContext,
  trace,
} from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTraceContextPropagator, formatTraceParent, parseTraceParent } from './trace-context.js';
import { createTraceState } from './trace-state.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const propagator = createTraceContextPropagator();

function extract(headers: Record<string, string | string[]>): SpanContext | undefined {
  return trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
}

function inject(ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

// The spec's conformance harness cases (w3c/trace-context@acab820, test/test.py), as a table:
// a header either continues the trace (same trace id) or restarts it.
const TP = '00-12345678901234567890123456789012-1234567890123456-01';
const CONTINUED = [
  TP,
  'cc-12345678901234567890123456789012-1234567890123456-01',
  'cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like',
  ` ${TP}`,
  `\t${TP}`,
  `${TP} `,
  `${TP}\t`,
  `\t ${TP} \t`,
  '00-12345678901234567890123456789012-1234567890123456-02',
  '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
];
const RESTARTED = [
  `${TP}.`,
  `${TP}-what-the-future-will-be-like`,
  'cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like',
  'ff-12345678901234567890123456789012-1234567890123456-01',
  '.0-12345678901234567890123456789012-1234567890123456-01',
  '0.-12345678901234567890123456789012-1234567890123456-01',
  '000-12345678901234567890123456789012-1234567890123456-01',
  '0000-12345678901234567890123456789012-1234567890123456-01',
  '0-12345678901234567890123456789012-1234567890123456-01',
  '00-00000000000000000000000000000000-1234567890123456-01',
  '00-.2345678901234567890123456789012-1234567890123456-01',
  '00-1234567890123456789012345678901.-1234567890123456-01',
  '00-123456789012345678901234567890123-1234567890123456-01',
  '00-1234567890123456789012345678901-1234567890123456-01',
  '00-12345678901234567890123456789012-0000000000000000-01',
  '00-12345678901234567890123456789012-.234567890123456-01',
  '00-12345678901234567890123456789012-123456789012345.-01',
  '00-12345678901234567890123456789012-12345678901234567-01',
  '00-12345678901234567890123456789012-123456789012345-01',
  '00-12345678901234567890123456789012-1234567890123456-.0',
  '00-12345678901234567890123456789012-1234567890123456-0.',
  '00-12345678901234567890123456789012-1234567890123456-001',
  '00-12345678901234567890123456789012-1234567890123456-1',
];

describe('traceparent against the spec harness', () => {
  it.each(CONTINUED)('continues %j', (header) => {
    const parsed = parseTraceParent(header);
    expect(parsed?.traceId).toBe(header.trim().split('-')[1]);
    expect(extract({ traceparent: header })?.traceId).toBe(parsed?.traceId);
  });

  it.each(RESTARTED)('restarts on %j', (header) => {
    expect(parseTraceParent(header)).toBeNull();
    expect(extract({ traceparent: header, tracestate: 'foo=1' })).toBeUndefined();
  });

  it('restarts on two traceparent headers', () => {
    expect(extract({ traceparent: [TP, TP] })).toBeUndefined();
  });
});

describe('parseTraceParent', () => {
  it('parses version 00', () => {
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 1,
    });
  });

  it('keeps the Level 2 random flag and drops unknown flag bits', () => {
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-03`)?.traceFlags).toBe(3);
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-ff`)?.traceFlags).toBe(3);
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-08`)?.traceFlags).toBe(0);
  });

  it('rejects version 00 with trailing data', () => {
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-01-extra`)).toBeNull();
    expect(parseTraceParent(`00-${TRACE_ID}-${SPAN_ID}-010`)).toBeNull();
  });

  it('parses future versions by the version-00 prefix rules', () => {
    expect(parseTraceParent(`cc-${TRACE_ID}-${SPAN_ID}-01`)?.traceId).toBe(TRACE_ID);
    expect(parseTraceParent(`cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-holds`)?.spanId).toBe(SPAN_ID);
    expect(parseTraceParent(`cc-${TRACE_ID}-${SPAN_ID}-01.what`)).toBeNull();
    expect(parseTraceParent(`cc-${TRACE_ID}-${SPAN_ID}`)).toBeNull();
  });

  it('rejects version ff, upper case, bad lengths and all-zero ids', () => {
    const invalid = [
      `ff-${TRACE_ID}-${SPAN_ID}-01`,
      `0g-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${SPAN_ID.toUpperCase()}-01`,
      `00-${TRACE_ID}-${SPAN_ID}-0A`,
      `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
      `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`,
      `00_${TRACE_ID}_${SPAN_ID}_01`,
      `0-${TRACE_ID}-${SPAN_ID}-01`,
      '',
    ];
    for (const header of invalid) expect(parseTraceParent(header), header).toBeNull();
  });

  it('ignores optional white space around the value', () => {
    expect(parseTraceParent(` \t00-${TRACE_ID}-${SPAN_ID}-01 `)?.traceId).toBe(TRACE_ID);
  });

  it('never throws and accepts only what it can format back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (input) => {
        const parsed = parseTraceParent(input);
        if (parsed !== null) {
          const again = parseTraceParent(formatTraceParent({ ...parsed, isRemote: true }));
          expect(again).toEqual(parsed);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('createTraceContextPropagator', () => {
  it('extracts a remote span context with its trace state', () => {
    const span = extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: 'rojo=1,congo=2' });
    expect(span).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
    expect(span?.traceState?.serialize()).toBe('rojo=1,congo=2');
  });

  it('combines repeated tracestate headers', () => {
    const span = extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: ['a=1', 'b=2'] });
    expect(span?.traceState?.serialize()).toBe('a=1,b=2');
  });

  it('restarts the trace on an invalid traceparent, ignoring tracestate', () => {
    expect(extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-0x`, tracestate: 'a=1' })).toBeUndefined();
    expect(extract({ tracestate: 'a=1' })).toBeUndefined();
  });

  it('restarts the trace when several traceparent headers arrive', () => {
    const one = `00-${TRACE_ID}-${SPAN_ID}-01`;
    expect(extract({ traceparent: [one, one] })).toBeUndefined();
  });

  it('keeps the parent but drops an invalid tracestate', () => {
    const span = extract({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: '@a=1,b=2' });
    expect(span?.traceId).toBe(TRACE_ID);
    expect(span?.traceState).toBeUndefined();
  });

  it('survives a getter that throws', () => {
    const ctx = propagator.extract(
      ROOT_CONTEXT,
      {},
      {
        get: () => {
          throw new Error('broken carrier');
        },
        keys: () => [],
      },
    );
    expect(ctx).toBe(ROOT_CONTEXT);
  });

  it('injects the active span context with known flags only', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 0x83,
      traceState: createTraceState().set('rojo', '1'),
    });
    expect(inject(ctx)).toEqual({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-03`, tracestate: 'rojo=1' });
  });

  it('injects nothing without a valid span context', () => {
    expect(inject(apiContext.active())).toEqual({});
    const invalid = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0'.repeat(32),
      spanId: SPAN_ID,
      traceFlags: 1,
    });
    expect(inject(invalid)).toEqual({});
  });

  it('a valid traceparent and tracestate survive extract → inject unchanged', () => {
    const hex = (n: number): fc.Arbitrary<string> =>
      fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`)).filter((s) => /[1-9a-f]/.test(s));
    const flags = fc.constantFrom('00', '01', '02', '03');
    const state = fc
      .uniqueArray(
        fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.stringMatching(/^[a-zA-Z0-9]{1,8}$/)),
        {
          maxLength: 5,
          selector: ([k]) => k,
        },
      )
      .map((members) => members.map(([k, v]) => `${k}=${v}`).join(','));
    fc.assert(
      fc.property(hex(32), hex(16), flags, state, (traceId, spanId, flag, tracestate) => {
        const headers: Record<string, string> = { traceparent: `00-${traceId}-${spanId}-${flag}` };
        if (tracestate !== '') headers.tracestate = tracestate;
        expect(inject(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter))).toEqual(headers);
      }),
      { numRuns: 1000 },
    );
  });

  it('every mutation that breaks the grammar is rejected, restarting the trace', () => {
    const valid = `00-${TRACE_ID}-${SPAN_ID}-01`;
    const position = fc.integer({ min: 0, max: valid.length - 1 });
    // Characters outside lowercase hex and `-` can never be valid in a version-00 header.
    const bad = fc.constantFrom('G', 'A', 'F', 'z', ' ', '_', '.', '\u00e9', '\u0000');
    fc.assert(
      fc.property(position, bad, (at, char) => {
        const mutated = valid.slice(0, at) + char + valid.slice(at + 1);
        expect(parseTraceParent(mutated)).toBeNull();
        expect(extract({ traceparent: mutated, tracestate: 'a=1' })).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('lists its fields', () => {
    expect(propagator.fields()).toEqual(['traceparent', 'tracestate']);
  });
});
