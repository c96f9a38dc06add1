// The untraced fetch: an exporter finds the original global fetch behind instrumentGlobalFetch's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTracedFetch, tagTracedFetch, untracedFetch } from './untraced-fetch.js';

afterEach(() => vi.unstubAllGlobals());

const stubFetch = (): typeof fetch => vi.fn(async () => new Response('ok')) as unknown as typeof fetch;

describe('untracedFetch', () => {
  it('is the global fetch when nothing replaced it', () => {
    const original = stubFetch();
    vi.stubGlobal('fetch', original);
    expect(untracedFetch()).toBe(original);
  });

  it('finds the original behind a tagged replacement, so exports are never traced', async () => {
    const original = stubFetch();
    const traced = stubFetch();
    tagTracedFetch(traced, original);
    vi.stubGlobal('fetch', traced);
    await untracedFetch()('https://collector.example/v1/traces');
    expect(original).toHaveBeenCalledTimes(1);
    expect(traced).not.toHaveBeenCalled();
  });

  it('reads the global at each call, so a later restore is seen', () => {
    const original = stubFetch();
    const traced = stubFetch();
    tagTracedFetch(traced, original);
    vi.stubGlobal('fetch', traced);
    expect(untracedFetch()).toBe(original);
    const other = stubFetch();
    vi.stubGlobal('fetch', other);
    expect(untracedFetch()).toBe(other);
  });

  it('agrees with a copy of this module loaded twice: the tag is a registered symbol', () => {
    const original = stubFetch();
    const traced = stubFetch();
    Object.defineProperty(traced, Symbol.for('edgetrace.originalFetch'), { value: original });
    vi.stubGlobal('fetch', traced);
    expect(untracedFetch()).toBe(original);
  });
});

describe('isTracedFetch', () => {
  it('tells a tagged replacement from any other value', () => {
    const traced = stubFetch();
    tagTracedFetch(traced, stubFetch());
    expect(isTracedFetch(traced)).toBe(true);
    expect(isTracedFetch(stubFetch())).toBe(false);
    expect(isTracedFetch({ [Symbol.for('edgetrace.originalFetch')]: stubFetch() })).toBe(false);
    expect(isTracedFetch(undefined)).toBe(false);
  });

  it('leaves the tag out of sight: not enumerable, not writable', () => {
    const traced = stubFetch();
    tagTracedFetch(traced, stubFetch());
    const tag = Symbol.for('edgetrace.originalFetch');
    expect(Object.getOwnPropertyDescriptor(traced, tag)?.enumerable).toBe(false);
    expect(Reflect.set(traced, tag, undefined)).toBe(false);
    expect(isTracedFetch(traced)).toBe(true);
  });
});
