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

  it('accepts multi-tenant keys and rejects malformed ones', () => {
    expect(parseTraceState('fw529a3039@dt=abc')?.get('fw529a3039@dt')).toBe('abc');
    expect(parseTraceState('1tenant@sys=x')?.get('1tenant@sys')).toBe('x');
    for (const bad of ['@dt=1', 'a@=1', 'a@1sys=1', 'a@b@c=1', 'a@system-id-too-long=1', 'Upper=1', '_a=1']) {
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

  it('treats duplicate keys as an invalid header', () => {
    expect(parseTraceState('a=1,b=2,a=3')).toBeNull();
  });

  it('accepts 32 members and rejects 33', () => {
    const members = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}=v`).join(',');
    expect(parseTraceState(members(32))?.serialize()).toBe(members(32));
    expect(parseTraceState(members(33))).toBeNull();
  });

  it('keys up to 256 characters are valid, longer are not', () => {
    expect(isValidTraceStateKey(`a${'b'.repeat(255)}`)).toBe(true);
    expect(isValidTraceStateKey(`a${'b'.repeat(256)}`)).toBe(false);
    expect(isValidTraceStateKey(`${'t'.repeat(241)}@${'s'.repeat(14)}`)).toBe(true);
    expect(isValidTraceStateKey(`${'t'.repeat(242)}@s`)).toBe(false);
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
