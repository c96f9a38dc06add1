// Attribute values as AnyValue: what is accepted, copied and cut, and the bag's count limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AttributeBag,
  isAttributeValue,
  MAX_VALUE_DEPTH,
  MAX_VALUE_NODES,
  truncateString,
  truncateValue,
} from './attributes.js';

/** Every value in `value`, containers included, as the node limit counts them. */
function countNodes(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce((sum: number, v) => sum + countNodes(v), 0);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return 1 + Object.values(value).reduce((sum: number, v) => sum + countNodes(v), 0);
  }
  return 1;
}

/** Every string kept in `value`, at any depth (map keys are not values). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return [];
  return Object.values(value).flatMap(stringsIn);
}

/** How many containers deep `value` goes, following `key` (or index 0) each level. */
function depthOf(value: unknown, key: string | number): number {
  let depth = 0;
  for (let level = value; level !== null && typeof level === 'object'; depth++) {
    level = (level as Record<string | number, unknown>)[key];
  }
  return depth;
}

describe('isAttributeValue', () => {
  it('accepts every AnyValue form', () => {
    const accepted: unknown[] = [
      'text',
      '',
      0,
      Number.NaN,
      false,
      null,
      [],
      [1, 'mixed', [true]],
      new Uint8Array([1]),
      {},
      { nested: { deeper: [1] } },
      Object.create(null),
    ];
    for (const [i, value] of accepted.entries()) expect(isAttributeValue(value), `#${i}`).toBe(true);
  });

  it('refuses undefined and what AnyValue cannot represent', () => {
    class Point {
      x = 1;
    }
    const refused: unknown[] = [
      undefined,
      () => 1,
      Symbol('s'),
      10n,
      new Date(0),
      new Point(),
      new Map([['a', 1]]),
      new Set([1]),
      new Uint16Array(2),
      new ArrayBuffer(2),
      /re/,
    ];
    for (const value of refused) expect(isAttributeValue(value), String(value)).toBe(false);
  });
});

describe('truncateString', () => {
  it('keeps text within the limit and cuts longer text to the limit', () => {
    expect(truncateString('abc', 3)).toBe('abc');
    expect(truncateString('abcdef', 3)).toBe('abc');
    expect(truncateString('abc', 0)).toBe('');
    expect(truncateString('abc', Number.POSITIVE_INFINITY)).toBe('abc');
  });

  it('never cuts a surrogate pair in half: it keeps one unit fewer', () => {
    // U+1F600 is the pair \uD83D\uDE00.
    expect(truncateString('a😀b', 2)).toBe('a');
    expect(truncateString('a😀b', 3)).toBe('a😀');
    expect(truncateString('😀', 1)).toBe('');
  });

  it('returns a well-formed prefix at most one unit short of the limit, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat({ max: 50 }), (text, limit) => {
        const cut = truncateString(text, limit);
        expect(text.startsWith(cut)).toBe(true);
        expect(cut.isWellFormed()).toBe(true);
        expect(cut.length).toBeLessThanOrEqual(limit);
        expect(cut.length).toBeGreaterThanOrEqual(Math.min(text.length, limit) - 1);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('truncateValue', () => {
  it('returns numbers, booleans and null as they are, and cuts a string', () => {
    expect(truncateValue(42, 1)).toBe(42);
    expect(truncateValue(true, 1)).toBe(true);
    expect(truncateValue(null, 1)).toBeNull();
    expect(truncateValue('abcdef', 2)).toBe('ab');
  });

  it('copies arrays, maps and bytes, so later changes by the caller change nothing kept', () => {
    const list = ['a', 'b'];
    const bytes = new Uint8Array([1, 2, 3]);
    const map = { list: [1, { k: 'v' }], bytes };
    const keptList = truncateValue(list, Number.POSITIVE_INFINITY);
    const keptMap = truncateValue(map, Number.POSITIVE_INFINITY);
    list.push('c');
    bytes[0] = 99;
    map.list.push(2);
    expect(keptList).toEqual(['a', 'b']);
    expect(keptMap).toEqual({ list: [1, { k: 'v' }], bytes: new Uint8Array([1, 2, 3]) });
  });

  it('cuts strings and bytes at every depth, leaving other values whole', () => {
    const value = {
      text: 'abcdef',
      nested: [{ deep: ['uvwxyz', 123456, false] }],
      bytes: new Uint8Array([1, 2, 3, 4]),
    };
    expect(truncateValue(value, 3)).toEqual({
      text: 'abc',
      nested: [{ deep: ['uvw', 123456, false] }],
      bytes: new Uint8Array([1, 2, 3]),
    });
    expect(truncateValue(['ab😀', 'ab😀'], 3)).toEqual(['ab', 'ab']);
    expect(truncateValue([{ s: 'ab😀' }], 3)).toEqual([{ s: 'ab' }]);
  });

  it('drops what cannot be represented: a map leaves the key out, an array keeps its place as null', () => {
    const value = {
      ok: 1,
      when: new Date(0),
      fn: () => 1,
      big: 10n,
      list: [1, Symbol('s'), 'x', new Map()],
    };
    expect(truncateValue(value as never, 10)).toEqual({ ok: 1, list: [1, null, 'x', null] });
  });

  it(`empties containers nested ${MAX_VALUE_DEPTH} deep, keeping the values above them`, () => {
    let deepMap: unknown = { leaf: 'bottom' };
    let deepArray: unknown = ['bottom'];
    for (let i = 0; i < 20; i++) {
      deepMap = { next: deepMap };
      deepArray = [deepArray];
    }
    const map = truncateValue(deepMap as never, 10);
    const array = truncateValue(deepArray as never, 10);
    expect(depthOf(map, 'next')).toBe(MAX_VALUE_DEPTH);
    expect(depthOf(array, 0)).toBe(MAX_VALUE_DEPTH);
    // A shallow value is kept whole, leaf and all.
    expect(truncateValue({ a: { b: { c: 'leaf' } } }, 10)).toEqual({ a: { b: { c: 'leaf' } } });
  });

  it(`keeps at most ${MAX_VALUE_NODES} values, counted at every depth, and as many as that`, () => {
    const mixed = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? i : { i }));
    const kept = truncateValue(mixed, 10);
    expect(countNodes(kept)).toBeLessThanOrEqual(MAX_VALUE_NODES);
    expect(countNodes(kept)).toBeGreaterThan(MAX_VALUE_NODES - 2);
    const map = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, [i]]));
    expect(countNodes(truncateValue(map, 10))).toBeLessThanOrEqual(MAX_VALUE_NODES);
  });

  it('cuts a cycle where it closes, but copies a value shared by two branches twice', () => {
    const cyclic: Record<string, unknown> = { name: 'a', list: [] };
    (cyclic.list as unknown[]).push(cyclic);
    expect(truncateValue(cyclic as never, 10)).toEqual({ name: 'a', list: [null] });
    const shared = { n: 1 };
    expect(truncateValue({ left: shared, right: [shared] }, 10)).toEqual({
      left: { n: 1 },
      right: [{ n: 1 }],
    });
  });

  it('keeps a nested __proto__ key as data, never as a prototype', () => {
    const parsed = JSON.parse('{"outer":{"__proto__":{"polluted":true},"x":1}}') as Record<string, unknown>;
    const kept = truncateValue(parsed as never, 10) as Record<string, Record<string, unknown>>;
    const outer = kept.outer ?? {};
    expect(Object.keys(outer)).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(outer)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(outer, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops a value whose reading throws (a getter, a revoked proxy) instead of throwing', () => {
    const getter = {
      get secret(): string {
        throw new Error('not readable');
      },
    };
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(truncateValue(getter as never, 10)).toBeUndefined();
    expect(truncateValue([1, 'a', getter] as never, 10)).toBeUndefined();
    expect(truncateValue(proxy as never, 10)).toBeUndefined();
    expect(isAttributeValue(proxy)).toBe(false);
  });

  it('never throws and never keeps more than the limits allow, for any JSON-like value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.nat({ max: 20 }), (value, limit) => {
        const kept = truncateValue(value as never, limit);
        expect(countNodes(kept)).toBeLessThanOrEqual(MAX_VALUE_NODES);
        for (const s of stringsIn(kept)) expect(s.length).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 500 },
    );
  });
});

describe('AttributeBag', () => {
  it('keeps up to the count limit, counts the new keys it drops, and still replaces kept keys', () => {
    const bag = new AttributeBag(2, Number.POSITIVE_INFINITY);
    bag.setAll({ a: 1, b: 2, c: 3 });
    bag.set('d', 4);
    bag.set('a', 'replaced');
    expect(bag.values).toEqual({ a: 'replaced', b: 2 });
    expect(bag.dropped).toBe(2);
  });

  it('ignores an empty or non-string key and an invalid value without counting them', () => {
    const bag = new AttributeBag(1, Number.POSITIVE_INFINITY);
    bag.set('', 'empty key');
    bag.set(7 as unknown as string, 'number key');
    bag.set('fn', () => 1);
    bag.set('undefined', undefined);
    bag.set('kept', 'x');
    expect(bag.values).toEqual({ kept: 'x' });
    expect(bag.dropped).toBe(0);
  });

  it('ignores a value that throws when read, without counting it or throwing to the caller', () => {
    const bag = new AttributeBag(1, 10);
    const hostile = {
      get x(): number {
        throw new Error('getter');
      },
    };
    expect(() => bag.set('hostile', hostile)).not.toThrow();
    bag.set('kept', 1);
    expect(bag.values).toEqual({ kept: 1 });
    expect(bag.dropped).toBe(0);
  });

  it('applies the length limit to what it keeps', () => {
    const bag = new AttributeBag(10, 2);
    bag.setAll({ s: 'abc', list: ['abc', 'd'], bytes: new Uint8Array([1, 2, 3]), n: 12345 });
    expect(bag.values).toEqual({ s: 'ab', list: ['ab', 'd'], bytes: new Uint8Array([1, 2]), n: 12345 });
  });

  it('treats setAll of something that is not an object as nothing', () => {
    const bag = new AttributeBag(10, 10);
    bag.setAll(undefined);
    bag.setAll(null as unknown as undefined);
    bag.setAll('abc' as unknown as undefined);
    expect(bag.values).toEqual({});
  });
});
