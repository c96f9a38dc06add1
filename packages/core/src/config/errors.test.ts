import { describe, expect, it, vi } from 'vitest';
import { ConfigError, checkOptionNames, type OptionTable, optionNames, pickOptions } from './errors.js';
import { guarded, resetReporting } from './report.js';

interface Options {
  endpoint?: string;
  headers?: Record<string, string>;
  timeoutMs?: number | undefined;
}

// The compiler checks the table names every option and nothing else (a missing or extra key
// does not compile); these tests check what derives from it.
const TABLE: OptionTable<Options> = { endpoint: true, headers: true, timeoutMs: true };
const NAMES = optionNames(TABLE);

describe('options declared once', () => {
  it('derives the names from the table', () => {
    expect([...NAMES]).toEqual(['endpoint', 'headers', 'timeoutMs']);
  });

  it('picks the options that are set, to pass on', () => {
    const options: Options & { other?: number } = { endpoint: 'http://x', timeoutMs: undefined, other: 1 };
    expect(pickOptions(options, NAMES as ReadonlySet<keyof Options>)).toEqual({ endpoint: 'http://x' });
  });

  it('rejects an unknown option, suggesting the close spelling or the synonym meant', () => {
    const check = (options: unknown) => () =>
      checkOptionNames(options, NAMES, 'exporter', { url: 'endpoint' });
    expect(check({ endpoint: 'x' })).not.toThrow();
    expect(check({ url: 'x' })).toThrow(/unknown option "url"; did you mean "endpoint"\?/);
    expect(check({ heders: {} })).toThrow(/did you mean "headers"\?/);
    expect(check({ TimeoutMS: 1 })).toThrow(/did you mean "timeoutMs"\?/);
    expect(check({ zebra: 1 })).toThrow(
      /unknown option "zebra"; the options are endpoint, headers, timeoutMs/,
    );
    expect(check(null)).toThrow(ConfigError);
  });
});

describe('guarded', () => {
  it('returns what the call returns, or the fallback when it throws — reported, never rethrown', () => {
    resetReporting();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(guarded('never shown', () => 42, 0)).toBe(42);
    expect(
      guarded(
        'a propagator failed to extract',
        () => {
          throw new Error('bug');
        },
        'fallback',
        'warn',
      ),
    ).toBe('fallback');
    expect(warn.mock.calls[0]?.[0]).toBe('edgetrace: a propagator failed to extract');
    warn.mockRestore();
  });
});
