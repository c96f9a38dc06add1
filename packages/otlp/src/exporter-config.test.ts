import { ConfigError } from '@edgetrace/core';
import { resetReporting } from '@edgetrace/core/internal';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveExporterConfig } from './exporter-config.js';

afterEach(() => {
  diag.disable();
  resetReporting();
});

/** The warnings edgetrace reports while `run` runs (through a diag logger, as a user would see them). */
function warningsOf(run: () => void): string[] {
  resetReporting();
  const warnings: string[] = [];
  const ignore = (): void => {};
  diag.setLogger(
    { warn: (m: string) => warnings.push(m), error: ignore, info: ignore, debug: ignore, verbose: ignore },
    DiagLogLevel.WARN,
  );
  try {
    run();
  } finally {
    diag.disable();
  }
  return warnings;
}

describe('resolveExporterConfig', () => {
  it('uses the traces endpoint as-is and appends /v1/traces to the general one', () => {
    expect(
      resolveExporterConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' } }).endpoint,
    ).toBe('http://127.0.0.1:4318/v1/traces');
    expect(
      resolveExporterConfig({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example/otlp/' } }).endpoint,
    ).toBe('https://otlp.example/otlp/v1/traces');
    const both = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom/path',
    };
    expect(resolveExporterConfig({ env: both }).endpoint).toBe('http://traces:4318/custom/path');
    expect(resolveExporterConfig({ env: both, endpoint: 'http://code:1/x' }).endpoint).toBe(
      'http://code:1/x',
    );
    expect(resolveExporterConfig({ env: {} }).endpoint).toBeUndefined();
  });

  it('merges headers: general, then traces-specific, then options; percent-decoded', () => {
    const config = resolveExporterConfig({
      env: {
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc,x-team=gpu',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=edge',
      },
      headers: { 'x-extra': '1' },
    });
    expect(config.headers).toEqual({ authorization: 'Basic abc', 'x-team': 'edge', 'x-extra': '1' });
  });

  it('reads compression and timeout, the traces-specific form first', () => {
    const config = resolveExporterConfig({
      env: {
        OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
        OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'GZIP',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      },
    });
    expect(config).toMatchObject({ compression: 'gzip', timeoutMs: 2500 });
    expect(resolveExporterConfig({ env: {} })).toMatchObject({ compression: 'none', timeoutMs: 10_000 });
  });

  it('warns and ignores invalid variables', () => {
    const warnings = warningsOf(() => {
      const config = resolveExporterConfig({
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
          OTEL_EXPORTER_OTLP_HEADERS: 'novalue',
          OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
          OTEL_EXPORTER_OTLP_TIMEOUT: '-1',
        },
      });
      expect(config).toEqual({ endpoint: undefined, headers: {}, compression: 'none', timeoutMs: 10_000 });
    });
    expect(warnings).toHaveLength(4);
  });

  // Every message that suggests a fix: apply the fix it suggests and see it work.
  it('suggests a base URL for OTEL_EXPORTER_OTLP_ENDPOINT and a full one for the traces variable, and both work', () => {
    for (const [name, expected] of [
      ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4318/v1/traces'],
      ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http://127.0.0.1:4318/v1/traces'],
    ] as const) {
      const [warning] = warningsOf(() => resolveExporterConfig({ env: { [name]: 'localhost 4318' } }));
      const suggested = /use e\.g\. ([^\s;]+)/.exec(warning ?? '')?.[1] ?? '';
      expect(warning).toContain(name);
      const fixed = warningsOf(() => {
        expect(resolveExporterConfig({ env: { [name]: suggested } }).endpoint).toBe(expected);
      });
      expect(fixed).toEqual([]);
    }
  });

  it('warns when the base URL already ends in /v1/traces, saying which variable to use', () => {
    const [warning] = warningsOf(() => {
      const config = resolveExporterConfig({
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/v1/traces' },
      });
      expect(config.endpoint).toBe('http://c:4318/v1/traces/v1/traces');
    });
    expect(warning).toMatch(/already ends in \/v1\/traces.*OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
    const fixed = warningsOf(() => {
      expect(
        resolveExporterConfig({ env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' } })
          .endpoint,
      ).toBe('http://c:4318/v1/traces');
    });
    expect(fixed).toEqual([]);
  });

  it('says a protocol it cannot honour is not used, and that http/json silences it', () => {
    for (const protocol of ['grpc', 'http/protobuf']) {
      const [warning] = warningsOf(() =>
        resolveExporterConfig({ env: { OTEL_EXPORTER_OTLP_PROTOCOL: protocol } }),
      );
      expect(warning).toContain(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported`);
      expect(warning).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/json');
    }
    expect(
      warningsOf(() => resolveExporterConfig({ env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } })),
    ).toEqual([]);
  });

  it('throws a ConfigError for invalid options', () => {
    expect(() => resolveExporterConfig({ endpoint: 'collector:4318' })).toThrow(ConfigError);
    expect(() => resolveExporterConfig({ endpoint: 'ftp://x/v1/traces' })).toThrow(/http: or https:/);
    expect(() => resolveExporterConfig({ timeoutMs: 0 })).toThrow(/timeoutMs must be/);
    expect(() => resolveExporterConfig({ compression: 'zstd' as 'gzip' })).toThrow(/compression must be/);
  });

  it('header lists: any encoded list parses back to the headers HTTP allows, and says which it left out', () => {
    const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
    // Fetch's rule for a header value, written out: once the HTTP whitespace at its ends is
    // trimmed, no NUL, CR or LF, and every character a byte (U+00FF at most).
    const isHeaderValue = (value: string): boolean => {
      const trimmed = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
      return !/[\0\r\n]/.test(trimmed) && [...trimmed].every((c) => c.charCodeAt(0) <= 0xff);
    };
    fc.assert(
      // Any Unicode text (whole code points: a lone surrogate cannot be percent-encoded).
      fc.property(fc.dictionary(token, fc.string({ unit: 'grapheme', maxLength: 30 })), (headers) => {
        const text = Object.entries(headers)
          .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
          .join(',');
        const kept = Object.fromEntries(Object.entries(headers).filter(([, v]) => isHeaderValue(v)));
        const warnings = warningsOf(() => {
          expect({ ...resolveExporterConfig({ env: { OTEL_EXPORTER_OTLP_HEADERS: text } }).headers }).toEqual(
            kept,
          );
        });
        expect(warnings).toHaveLength(Object.keys(headers).length - Object.keys(kept).length);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves out a listed header that HTTP does not allow, naming the variable and the header', () => {
    const warnings = warningsOf(() => {
      const config = resolveExporterConfig({
        env: {
          OTEL_EXPORTER_OTLP_HEADERS: 'bad header=x,x-ok=1,x-line=a%0Ab',
          OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-euro=%E2%82%AC,x-team=edge',
        },
      });
      expect({ ...config.headers }).toEqual({ 'x-ok': '1', 'x-team': 'edge' });
    });
    expect(warnings).toEqual([
      `edgetrace: OTEL_EXPORTER_OTLP_HEADERS: "bad header" is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only); that header is not sent`,
      'edgetrace: OTEL_EXPORTER_OTLP_HEADERS: the value of "x-line" is not a header value (a line break, a NUL or a character above U+00FF); that header is not sent',
      'edgetrace: OTEL_EXPORTER_OTLP_TRACES_HEADERS: the value of "x-euro" is not a header value (a line break, a NUL or a character above U+00FF); that header is not sent',
    ]);
  });

  it('throws a ConfigError for a header given in code that HTTP does not allow', () => {
    expect(() => resolveExporterConfig({ headers: { 'bad header': 'x' } })).toThrow(
      /^edgetrace: headers: "bad header" is not a header name/,
    );
    expect(() => resolveExporterConfig({ headers: { authorization: 'Bearer a\nb' } })).toThrow(ConfigError);
    expect(() => resolveExporterConfig({ headers: { authorization: 'Bearer a\nb' } })).toThrow(
      'headers: the value of "authorization" is not a header value',
    );
    // The ends are trimmed, as Headers trims them: not an error.
    expect(resolveExporterConfig({ headers: { authorization: ' Bearer ab\n' } }).headers).toEqual({
      authorization: ' Bearer ab\n',
    });
  });

  it('header lists: arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        resolveExporterConfig({ env: { OTEL_EXPORTER_OTLP_HEADERS: text } });
      }),
      { numRuns: 2000 },
    );
  });
});
