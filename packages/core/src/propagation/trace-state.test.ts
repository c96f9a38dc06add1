import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createTraceState,
  isValidTraceStateKey,
  isValidTraceStateValue,
  MAX_TRACE_STATE_LENGTH,
  parseTraceState,
} from './trace-state.js';

describe('parseTraceState', () => {
  it('keeps members in order, ignoring optional white space and empty members', () => {
    const state = parseTraceState(' rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE,, ');
    expect(state?.serialize()).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    expect(state?.get('congo')).toBe('t61rcWkgMzE');
  });

  // The key grammar of the spec text at w3c/trace-context@acab820 (spec/20-http_request_header_format.md):
  // key = ( lcalpha / DIGIT ) 0*255( keychar ); keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@".
  // Cases from the spec's conformance harness (test/test.py at the same commit).
  it('accepts keys with @ anywhere after the first character, as the current grammar does', () => {
    for (const key of [
      'foo@',
      'foo@@bar',
      'foo@bar@baz',
      'fw529a3039@dt',
      '1tenant@sys',
      `t@${'v'.repeat(15)}`,
      `${'t'.repeat(241)}@${'v'.repeat(14)}`,
      `${'t'.repeat(242)}@v`,
      'z'.repeat(256),
    ]) {
      expect(parseTraceState(`${key}=1,bar=2`)?.serialize(), key).toBe(`${key}=1,bar=2`);
    }
  });

  it('drops the whole header for a malformed key, as the harness expects', () => {
    for (const bad of ['@foo=1,bar=2', 'foo =1', 'FOO=1', 'foo.bar=1', '_a=1', `${'z'.repeat(257)}=1`]) {
      expect(parseTraceState(bad), bad).toBeNull();
    }
  });

  it('rejects values with forbidden characters or trailing space', () => {
    expect(parseTraceState('a=b=c')).toBeNull();
    expect(parseTraceState('a=')).toBeNull();
    expect(parseTraceState('a=\u00e9')).toBeNull();
    expect(parseTraceState('a=b c')?.get('a')).toBe('b c');
    expect(isValidTraceStateValue('b ')).toBe(false);
    expect(isValidTraceStateValue('x'.repeat(256))).toBe(true);
    expect(isValidTraceStateValue('x'.repeat(257))).toBe(false);
  });

  it('keeps the header when a key comes twice: its first (newest) occurrence wins', () => {
    expect(parseTraceState('a=1,b=2,a=3')?.serialize()).toBe('a=1,b=2');
    expect(parseTraceState('foo=1,foo=1')?.serialize()).toBe('foo=1');
    // The spec's own example of what a vendor should have sent instead of the duplicate.
    const state = parseTraceState(
      'congo=congosFirstPosition,rojo=rojosFirstPosition,congo=congosSecondPosition',
    );
    expect(state?.get('congo')).toBe('congosFirstPosition');
    // Duplicates still count towards the 32 members a header may carry.
    expect(parseTraceState(Array(33).fill('a=1').join(','))).toBeNull();
  });

  it('reads the examples of the spec text', () => {
    expect(parseTraceState('congo=t61rcWkgMzE')?.get('congo')).toBe('t61rcWkgMzE');
    expect(parseTraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE')?.serialize()).toBe(
      'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    );
    expect(parseTraceState('vendorname1=opaqueValue1,vendorname2=opaqueValue2')?.get('vendorname2')).toBe(
      'opaqueValue2',
    );
    // An empty header, and OWS of spaces and tabs around members (harness cases).
    expect(parseTraceState('')?.serialize()).toBe('');
    expect(parseTraceState('foo=1 \t , \t bar=2, \t baz=3')?.serialize()).toBe('foo=1,bar=2,baz=3');
    expect(parseTraceState('\t foo=1 \t')?.serialize()).toBe('foo=1');
    expect(parseTraceState('foo=bar=baz')).toBeNull();
    expect(parseTraceState('foo=,bar=3')).toBeNull();
  });

  it('accepts 32 members and rejects 33', () => {
    const members = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}=v`).join(',');
    expect(parseTraceState(members(32))?.serialize()).toBe(members(32));
    expect(parseTraceState(members(33))).toBeNull();
  });

  it('keys up to 256 characters are valid, longer are not', () => {
    expect(isValidTraceStateKey(`a${'b'.repeat(255)}`)).toBe(true);
    expect(isValidTraceStateKey(`a${'b'.repeat(256)}`)).toBe(false);
    expect(isValidTraceStateKey(`a${'@'.repeat(255)}`)).toBe(true);
    expect(isValidTraceStateKey(`a${'@'.repeat(256)}`)).toBe(false);
  });

  // Generated from the ABNF: every valid list survives byte for byte (OWS and empty members
  // aside), and one invalid member anywhere discards the header.
  const lcalphaDigit = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
  const keychar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-*/@');
  const nblk = fc.integer({ min: 0x21, max: 0x7e }).filter((c) => c !== 0x2c && c !== 0x3d);
  const chr = fc.oneof(fc.constant(0x20), nblk);
  const key = fc
    .tuple(lcalphaDigit, fc.array(keychar, { maxLength: 255 }))
    .map(([first, rest]) => first + rest.join(''));
  const value = fc
    .tuple(fc.array(chr, { maxLength: 255 }), nblk)
    .map(([rest, last]) => String.fromCharCode(...rest, last));
  const ows = fc.constantFrom('', ' ', '\t', ' \t ');
  const members = fc.uniqueArray(fc.tuple(key, value), { minLength: 1, maxLength: 32, selector: ([k]) => k });

  it('keeps every valid list generated from the grammar, member for member', () => {
    fc.assert(
      fc.property(members, ows, fc.boolean(), (list, space, empty) => {
        const wire = list.map(([k, v]) => `${space}${k}=${v}${space}`).join(',') + (empty ? ', ,' : '');
        const expected = list.map(([k, v]) => `${k}=${v}`);
        const state = parseTraceState(wire);
        expect(state).not.toBeNull();
        for (const [k, v] of list) expect(state?.get(k)).toBe(v);
        // Serialising applies the 512-character limit: whole members, long ones first.
        const sent = state?.serialize() ?? '';
        expect(sent.length).toBeLessThanOrEqual(MAX_TRACE_STATE_LENGTH);
        if (expected.join(',').length <= MAX_TRACE_STATE_LENGTH) expect(sent).toBe(expected.join(','));
        else for (const member of sent.split(',')) expect(expected).toContain(member);
      }),
      { numRuns: 500 },
    );
  });

  it('discards the header when any member breaks the grammar', () => {
    const badKey = fc.oneof(
      fc.tuple(fc.constantFrom('@', '_', '-', '*', '/', 'A', '.'), key).map(([c, k]) => c + k),
      fc.tuple(key, fc.constantFrom('A', '.', '!', '~', ' x'), key).map(([a, c, b]) => a + c + b),
    );
    fc.assert(
      fc.property(members, badKey, value, fc.nat(), (list, bad, v, at) => {
        const wire = list.map(([k, val]) => `${k}=${val}`);
        wire.splice(at % (wire.length + 1), 0, `${bad}=${v}`);
        expect(parseTraceState(wire.join(','))).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const state = parseTraceState(input);
        if (state !== null) expect(parseTraceState(state.serialize())?.serialize()).toBe(state.serialize());
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid header survives parse → serialize unchanged', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_\-*/]{0,20}$/);
    const value = fc.stringMatching(/^[\x21-\x2b\x2d-\x3c\x3e-\x7e]{1,20}$/);
    const members = fc.uniqueArray(fc.tuple(key, value), { maxLength: 12, selector: ([k]) => k });
    fc.assert(
      fc.property(members, (list) => {
        const header = list.map(([k, v]) => `${k}=${v}`).join(',');
        expect(parseTraceState(header)?.serialize()).toBe(header);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('TraceState updates', () => {
  it('set moves the key to the front, unset removes it, neither mutates', () => {
    const base = createTraceState().set('a', '1').set('b', '2');
    expect(base.serialize()).toBe('b=2,a=1');
    const updated = base.set('a', '3');
    expect(updated.serialize()).toBe('a=3,b=2');
    expect(base.serialize()).toBe('b=2,a=1');
    expect(updated.unset('b').serialize()).toBe('a=3');
    expect(updated.unset('missing')).toBe(updated);
  });

  it('ignores invalid keys and values', () => {
    const base = createTraceState().set('a', '1');
    expect(base.set('A', '1')).toBe(base);
    expect(base.set('b', 'x,y')).toBe(base);
  });

  it('adding a 33rd member drops the right-most', () => {
    let state = createTraceState();
    for (let i = 0; i < 33; i++) state = state.set(`k${i}`, 'v');
    const keys = state
      .serialize()
      .split(',')
      .map((m) => m.split('=')[0]);
    expect(keys).toHaveLength(32);
    expect(keys[0]).toBe('k32');
    expect(keys).not.toContain('k0');
  });

  it('truncates an oversize header: members over 128 characters first', () => {
    let state = createTraceState().set('long', 'x'.repeat(200));
    for (let i = 0; i < 30; i++) state = state.set(`k${String(i).padStart(2, '0')}`, 'y'.repeat(10));
    const members = state.serialize().split(',');
    expect(members).toHaveLength(30);
    expect(members.some((m) => m.startsWith('long='))).toBe(false);
  });

  it('truncates an oversize header from the right when no member is long', () => {
    let state = createTraceState();
    for (let i = 0; i < 32; i++) state = state.set(`k${String(i).padStart(2, '0')}`, 'y'.repeat(16));
    const out = state.serialize();
    expect(out.length).toBeLessThanOrEqual(MAX_TRACE_STATE_LENGTH);
    expect(out.startsWith('k31=')).toBe(true);
    expect(out).not.toContain('k00=');
  });
});
