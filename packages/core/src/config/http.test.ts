import type { Attributes } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider } from '../trace/provider.js';
import { ConfigError } from './errors.js';
import {
  headerNames,
  isSecretKey,
  methodAttributes,
  normalizeMethod,
  recordHeaders,
  recordStatus,
  redactQuery,
  redactUrl,
  urlPort,
} from './http.js';

describe('methodAttributes', () => {
  it('keeps known methods and reports others as _OTHER with the original', () => {
    expect(methodAttributes('PATCH')).toEqual({
      name: 'PATCH',
      attributes: { 'http.request.method': 'PATCH' },
    });
    expect(methodAttributes('PURGE')).toEqual({
      name: 'HTTP',
      attributes: { 'http.request.method': '_OTHER', 'http.request.method_original': 'PURGE' },
    });
    // Methods are case-sensitive (RFC 9110): "get" is not GET.
    expect(methodAttributes('get').attributes['http.request.method']).toBe('_OTHER');
  });
});

describe('normalizeMethod', () => {
  it('upper-cases the six methods fetch normalises and leaves the rest as written', () => {
    expect(normalizeMethod('get')).toBe('GET');
    expect(normalizeMethod('Delete')).toBe('DELETE');
    expect(normalizeMethod('patch')).toBe('patch');
    expect(normalizeMethod('PATCH')).toBe('PATCH');
  });
});

describe('headerNames and recordHeaders', () => {
  it('records only the allow-listed headers, as string arrays, set-cookie one per cookie', () => {
    const names = headerNames(['Content-Type', 'set-cookie', 'x-absent'], 'requestHeaders');
    const headers = new Headers({ 'content-type': 'text/plain', authorization: 'Bearer x' });
    headers.append('set-cookie', 'a=1');
    headers.append('set-cookie', 'b=2');
    const attributes: Attributes = {};
    recordHeaders(attributes, 'http.response.header', headers, names);
    expect(attributes).toEqual({
      'http.response.header.content-type': ['text/plain'],
      'http.response.header.set-cookie': ['a=1', 'b=2'],
    });
  });

  it('rejects what is not a header name, naming the option', () => {
    expect(() => headerNames(['ok', 'not ok'], 'responseHeaders')).toThrow(ConfigError);
    expect(() => headerNames('x-a' as unknown as string[], 'responseHeaders')).toThrow(/responseHeaders/);
    expect(headerNames(undefined, 'x')).toEqual([]);
  });
});

describe('isSecretKey', () => {
  it('knows credentials and signatures, and leaves look-alikes alone', () => {
    for (const key of ['api_key', 'apiKey', 'x-api-key', 'token', 'access_token', 'password', 'sig']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of [
      'AWSAccessKeyId',
      'Signature',
      'X-Goog-Signature',
      'X-Amz-Signature',
      'client_secret',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['q', 'model', 'monkey', 'keyword', 'signal', 'page', 'stream']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe('redactQuery', () => {
  it('redacts the values of secret keys and keeps everything else in order', () => {
    expect(redactQuery('?q=cats&api_key=sk-123&page=2')).toBe('q=cats&api_key=REDACTED&page=2');
    expect(redactQuery('X-Amz-Signature=abc&X-Amz-Date=20260101')).toBe(
      'X-Amz-Signature=REDACTED&X-Amz-Date=20260101',
    );
    expect(redactQuery('')).toBe('');
    expect(redactQuery('?flag&x=1')).toBe('flag&x=1');
  });

  it('judges percent-encoded keys by their decoded name, and survives malformed escapes', () => {
    expect(redactQuery('api%5Fkey=secret')).toBe('api%5Fkey=REDACTED');
    expect(redactQuery('%E0%A4%A=1&token=t')).toBe('%E0%A4%A=1&token=REDACTED');
  });

  it('never lets a secret value through, whatever the query looks like', () => {
    const secret = 'S3CR3T-VALUE';
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 6 }), (pairs) => {
        const params = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
        params.splice(pairs.length >> 1, 0, `access_token=${secret}`);
        const out = redactQuery(params.join('&'));
        expect(out).not.toContain(secret);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('redactUrl', () => {
  it('replaces credentials, redacts the query and drops the fragment', () => {
    const url = new URL('https://user:pw@gpu.example.com:8443/v1/chat?key=abc&model=m#frag');
    expect(redactUrl(url)).toBe(
      'https://REDACTED:REDACTED@gpu.example.com:8443/v1/chat?key=REDACTED&model=m',
    );
    expect(redactUrl(new URL('http://127.0.0.1/x'))).toBe('http://127.0.0.1/x');
  });
});

describe('urlPort', () => {
  it('gives the explicit port or the scheme default', () => {
    expect(urlPort(new URL('https://a.example'))).toBe(443);
    expect(urlPort(new URL('http://a.example'))).toBe(80);
    expect(urlPort(new URL('http://a.example:8000'))).toBe(8000);
    expect(urlPort(new URL('https://a.example:443'))).toBe(443);
  });
});

describe('recordStatus', () => {
  it('marks 4xx and 5xx on a client, only 5xx on a server, with the status or a better type', async () => {
    const exporter = createMemoryExporter();
    const provider = createTracerProvider({ exporter, asyncLocalStorage: false });
    const tracer = provider.getTracer('t');
    const cases: [number, 'client' | 'server', string | undefined][] = [
      [200, 'client', undefined],
      [404, 'client', undefined],
      [404, 'server', undefined],
      [503, 'server', 'UpstreamError'],
    ];
    for (const [status, side, type] of cases) {
      const span = tracer.startSpan(`${side} ${status}`);
      recordStatus(span, status, side, type);
      span.end();
    }
    await provider.forceFlush();
    const seen = exporter
      .getFinishedSpans()
      .map((s) => [s.attributes['http.response.status_code'], s.attributes['error.type'], s.status.code]);
    expect(seen).toEqual([
      [200, undefined, 0],
      [404, '404', 2],
      [404, undefined, 0],
      [503, 'UpstreamError', 2],
    ]);
  });
});
