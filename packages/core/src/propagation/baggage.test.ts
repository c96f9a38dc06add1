import { defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createBaggagePropagator,
  formatBaggage,
  MAX_BAGGAGE_BYTES,
  MAX_BAGGAGE_MEMBERS,
  parseBaggage,
} from './baggage.js';

const propagator = createBaggagePropagator();

function roundTrip(header: string): Record<string, string> {
  const ctx = propagator.extract(ROOT_CONTEXT, { baggage: header }, defaultTextMapGetter);
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

describe('parseBaggage', () => {
  it('decodes percent-encoded values and trims optional white space', () => {
    const entries = Object.fromEntries(
      parseBaggage(' userId = alice , city=New%20York%2C%20NY,emoji=%F0%9F%98%80'),
    );
    expect(entries.userId?.value).toBe('alice');
    expect(entries.city?.value).toBe('New York, NY');
    expect(entries.emoji?.value).toBe('😀');
  });

  it('keeps properties as metadata', () => {
    const [[key, entry] = ['', { value: '' }]] = parseBaggage('k=v;ttl=60;private');
    expect(key).toBe('k');
    expect(entry.metadata?.toString()).toBe('ttl=60;private');
  });

  it('skips invalid members one by one', () => {
    const keys = parseBaggage('good=1,no-equals,bad key=2,"q"=3,v=a b,pct=%zz,ok=2').map(([k]) => k);
    expect(keys).toEqual(['good', 'ok']);
  });

  it('reads at most 180 members', () => {
    const header = Array.from({ length: 200 }, (_, i) => `k${i}=v`).join(',');
    expect(parseBaggage(header)).toHaveLength(MAX_BAGGAGE_MEMBERS);
  });

  it('reads at most 8192 bytes, in whole members', () => {
    const member = `k=${'x'.repeat(1000)}`;
    const header = Array.from({ length: 10 }, (_, i) => member.replace('k', `k${i}`)).join(',');
    const entries = parseBaggage(header);
    expect(entries).toHaveLength(8);
    for (const [, entry] of entries) expect(entry.value).toHaveLength(1000);
  });

  it('never throws on any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (header) => {
        const entries = parseBaggage(header);
        expect(entries.length).toBeLessThanOrEqual(MAX_BAGGAGE_MEMBERS);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('formatBaggage', () => {
  it('percent-encodes what the grammar does not allow, and nothing else', () => {
    const header = formatBaggage([
      ['a', { value: 'New York, NY;x\\y"z%' }],
      ['b', { value: 'plain-/:?' }],
      ['c', { value: 'ü' }],
    ]);
    expect(header).toBe('a=New%20York%2C%20NY%3Bx%5Cy%22z%25,b=plain-/:?,c=%C3%BC');
  });

  it('writes a lone surrogate, which UTF-8 cannot hold, as U+FFFD', () => {
    const header = formatBaggage([['k', { value: 'a\ud800b' }]]);
    expect(header).toBe('k=a%EF%BF%BDb');
    expect(parseBaggage(header)[0]?.[1].value).toBe('a\ufffdb');
  });

  it('stays within the byte limit', () => {
    const entries = Array.from({ length: 20 }, (_, i): [string, { value: string }] => [
      `k${i}`,
      { value: 'x'.repeat(600) },
    ]);
    const header = formatBaggage(entries);
    expect(new TextEncoder().encode(header).length).toBeLessThanOrEqual(MAX_BAGGAGE_BYTES);
    expect(header.split(',')).toHaveLength(13);
  });
});

describe('createBaggagePropagator', () => {
  it('round-trips through the API’s baggage', () => {
    const ctx = propagator.extract(
      ROOT_CONTEXT,
      { baggage: 'tenant=acme,plan=pro;tier=1' },
      defaultTextMapGetter,
    );
    const baggage = propagation.getBaggage(ctx);
    expect(baggage?.getEntry('tenant')?.value).toBe('acme');
    expect(roundTrip('tenant=acme,plan=pro;tier=1')).toEqual({ baggage: 'tenant=acme,plan=pro;tier=1' });
  });

  it('leaves the context alone without a usable header', () => {
    expect(propagator.extract(ROOT_CONTEXT, {}, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
    expect(propagator.extract(ROOT_CONTEXT, { baggage: ',,' }, defaultTextMapGetter)).toBe(ROOT_CONTEXT);
    expect(roundTrip('')).toEqual({});
  });

  it('a value survives extract → inject → extract unchanged', () => {
    const key = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, fc.string({ unit: 'grapheme', maxLength: 20 })), {
          maxLength: 8,
          selector: ([k]) => k,
        }),
        (pairs) => {
          const header = formatBaggage(pairs.map(([k, v]) => [k, { value: v }]));
          const decoded = parseBaggage(header).map(([k, e]) => [k, e.value]);
          expect(decoded).toEqual(pairs);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
