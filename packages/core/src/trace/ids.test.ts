import { randomFillSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inWorkerd } from '../test-support/workerd.js';
import { createIdGenerator, isValidSpanId, isValidTraceId } from './ids.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createIdGenerator', () => {
  it('makes valid, distinct trace and span ids', () => {
    const ids = createIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const traceId = ids.traceId();
      const spanId = ids.spanId();
      expect(isValidTraceId(traceId)).toBe(true);
      expect(isValidSpanId(spanId)).toBe(true);
      seen.add(traceId);
      seen.add(spanId);
    }
    expect(seen.size).toBe(4000);
  });

  it('draws random bytes once per pool, not once per id', () => {
    inWorkerd();
    const spy = vi.spyOn(crypto, 'getRandomValues');
    try {
      const ids = createIdGenerator();
      for (let i = 0; i < 100; i++) ids.traceId();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('never returns an all-zero id, even when the random source yields zeros', () => {
    inWorkerd();
    let calls = 0;
    const spy = vi
      .spyOn(crypto, 'getRandomValues')
      .mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
        calls++;
        // The first pool is all zeros; the second is all 0xab.
        if (array instanceof Uint8Array) array.fill(calls === 1 ? 0 : 0xab);
        return array;
      });
    try {
      const ids = createIdGenerator();
      expect(ids.spanId()).toBe('ab'.repeat(8));
      expect(calls).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('createIdGenerator where Node’s crypto module is at hand', () => {
  it('fills its pool with randomFillSync (its first use is a fifth of the Web Crypto global’s)', () => {
    const fill = vi.fn((pool: Uint8Array) => randomFillSync(pool));
    const getBuiltinModule = vi.fn((id: string) =>
      id === 'node:crypto' ? { randomFillSync: fill } : undefined,
    );
    vi.stubGlobal('process', { getBuiltinModule });
    const web = vi.spyOn(crypto, 'getRandomValues');
    try {
      const ids = createIdGenerator();
      for (let i = 0; i < 100; i++) expect(isValidTraceId(ids.traceId())).toBe(true);
      expect(fill).toHaveBeenCalledTimes(1);
      expect(web).not.toHaveBeenCalled();
    } finally {
      web.mockRestore();
    }
  });

  it('leaves process alone in workerd, where making it costs about 3 ms of CPU', () => {
    inWorkerd();
    const getBuiltinModule = vi.fn(() => ({ randomFillSync }));
    vi.stubGlobal('process', { getBuiltinModule });
    expect(isValidSpanId(createIdGenerator().spanId())).toBe(true);
    expect(getBuiltinModule).not.toHaveBeenCalled();
  });
});

describe('createIdGenerator where random values are refused', () => {
  beforeEach(inWorkerd);

  it('falls back for that id only, and uses crypto again once it works', () => {
    const spy = vi.spyOn(crypto, 'getRandomValues').mockImplementationOnce(() => {
      throw new Error('Disallowed operation called within global scope');
    });
    const ids = createIdGenerator();
    const first = ids.traceId();
    expect(isValidTraceId(first)).toBe(true);
    expect(isValidTraceId(ids.traceId())).toBe(true);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});

describe('isValidTraceId / isValidSpanId', () => {
  it('accept lowercase hex of the right length only', () => {
    expect(isValidTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe(true);
    expect(isValidTraceId('4BF92F3577B34DA6A3CE929D0E0E4736')).toBe(false);
    expect(isValidTraceId('4bf92f3577b34da6a3ce929d0e0e473')).toBe(false);
    expect(isValidTraceId('0'.repeat(32))).toBe(false);
    expect(isValidSpanId('00f067aa0ba902b7')).toBe(true);
    expect(isValidSpanId('00f067aa0ba902bz')).toBe(false);
    expect(isValidSpanId('0'.repeat(16))).toBe(false);
  });
});
