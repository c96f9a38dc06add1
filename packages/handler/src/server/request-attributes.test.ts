// requestAttributes and clientAddressOf: a SERVER span's name and attributes read from a real Request, by the HTTP server conventions.
import { describe, expect, it } from 'vitest';
import { clientAddressOf, requestAttributes } from './request-attributes.js';

const NONE = { requestHeaders: [], clientAddress: false } as const;

/** A Request as workerd hands it: with Cloudflare's `cf` properties. */
function cloudflareRequest(url: string, cf: Record<string, unknown>, init?: RequestInit): Request {
  return Object.assign(new Request(url, init), { cf });
}

describe('requestAttributes', () => {
  it('records exactly the URL, server and user agent of a plain request', () => {
    const request = new Request('https://api.example.com/v1/chat?model=m', {
      headers: { 'user-agent': 'curl/8.5' },
    });
    expect(requestAttributes(request, NONE)).toEqual({
      name: 'GET',
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/v1/chat',
        'url.scheme': 'https',
        'url.query': 'model=m',
        'server.address': 'api.example.com',
        'server.port': 443,
        'user_agent.original': 'curl/8.5',
      },
    });
  });

  it('leaves url.query and user_agent.original out when the request has none', () => {
    const { attributes } = requestAttributes(new Request('http://localhost/'), NONE);
    expect(attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/',
      'url.scheme': 'http',
      'server.address': 'localhost',
      'server.port': 80,
    });
  });

  it('takes server.port from the URL when given, else the scheme’s default', () => {
    const port = (url: string) => requestAttributes(new Request(url), NONE).attributes['server.port'];
    expect(port('http://localhost:8787/')).toBe(8787);
    expect(port('https://a.example:8443/')).toBe(8443);
    expect(port('https://a.example/')).toBe(443);
    expect(port('http://a.example/')).toBe(80);
    // The default port written out is the default: the URL parser drops it.
    expect(port('https://a.example:443/')).toBe(443);
  });

  it('redacts the values of secret-looking query keys and keeps the rest in order', () => {
    const request = new Request('https://a.example/cb?page=2&api_key=k1&code=c0de&X-Amz-Signature=s&q=x');
    expect(requestAttributes(request, NONE).attributes['url.query']).toBe(
      'page=2&api_key=REDACTED&code=REDACTED&X-Amz-Signature=REDACTED&q=x',
    );
  });

  it('keeps a known method as is and names the span after it', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'QUERY']) {
      const { name, attributes } = requestAttributes(new Request('https://a.example/', { method }), NONE);
      expect(name).toBe(method);
      expect(attributes['http.request.method']).toBe(method);
      expect(attributes['http.request.method_original']).toBeUndefined();
    }
  });

  it('reports an unknown method as _OTHER with the original, and names the span HTTP', () => {
    const { name, attributes } = requestAttributes(
      new Request('https://a.example/cache', { method: 'PURGE' }),
      NONE,
    );
    expect(name).toBe('HTTP');
    expect(attributes['http.request.method']).toBe('_OTHER');
    expect(attributes['http.request.method_original']).toBe('PURGE');
  });

  it('treats methods as case-sensitive beyond the six fetch normalises', () => {
    // fetch upper-cases `get`; it sends `patch` as written, which is not the known `PATCH`.
    const get = requestAttributes(new Request('https://a.example/', { method: 'get' }), NONE);
    expect(get.attributes['http.request.method']).toBe('GET');
    const patch = requestAttributes(new Request('https://a.example/', { method: 'patch' }), NONE);
    expect(patch.name).toBe('HTTP');
    expect(patch.attributes['http.request.method_original']).toBe('patch');
  });

  it('records only allow-listed request headers, as arrays, and none that are missing', () => {
    const request = new Request('https://a.example/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/plain', authorization: 'Bearer s' },
    });
    const { attributes } = requestAttributes(request, {
      requestHeaders: ['content-type', 'accept', 'x-missing'],
      clientAddress: false,
    });
    expect(attributes['http.request.header.content-type']).toEqual(['application/json']);
    expect(attributes['http.request.header.accept']).toEqual(['text/plain']);
    expect(attributes).not.toHaveProperty('http.request.header.x-missing');
    expect(attributes).not.toHaveProperty('http.request.header.authorization');
  });

  it('records no header and no client address unless asked', () => {
    const request = new Request('https://a.example/', {
      headers: { 'content-type': 'text/plain', 'cf-connecting-ip': '203.0.113.9' },
    });
    const keys = Object.keys(requestAttributes(request, NONE).attributes);
    expect(keys.filter((key) => key.startsWith('http.request.header.'))).toEqual([]);
    expect(keys).not.toContain('client.address');
  });

  it('records client.address when asked, and leaves it out when no header names one', () => {
    const withClient = { requestHeaders: [], clientAddress: true };
    const forwarded = new Request('https://a.example/', { headers: { 'x-forwarded-for': '198.51.100.4' } });
    expect(requestAttributes(forwarded, withClient).attributes['client.address']).toBe('198.51.100.4');
    const bare = requestAttributes(new Request('https://a.example/'), withClient).attributes;
    expect(bare).not.toHaveProperty('client.address');
  });

  it('records cloud.provider and cloud.region from request.cf, and faas.invocation_id from cf-ray', () => {
    const request = cloudflareRequest(
      'https://a.example/',
      { colo: 'AMS', country: 'NL' },
      { headers: { 'cf-ray': '8f1a2b3c4d5e6f70-AMS' } },
    );
    const { attributes } = requestAttributes(request, NONE);
    expect(attributes['cloud.provider']).toBe('cloudflare');
    expect(attributes['cloud.region']).toBe('AMS');
    expect(attributes['faas.invocation_id']).toBe('8f1a2b3c4d5e6f70-AMS');
    expect(attributes).not.toHaveProperty('country');
  });

  it('records cloud.provider without a region when cf has no colo string, and nothing without cf', () => {
    const noColo = requestAttributes(cloudflareRequest('https://a.example/', { colo: 42 }), NONE).attributes;
    expect(noColo['cloud.provider']).toBe('cloudflare');
    expect(noColo).not.toHaveProperty('cloud.region');
    const plain = requestAttributes(new Request('https://a.example/'), NONE).attributes;
    expect(plain).not.toHaveProperty('cloud.provider');
    expect(plain).not.toHaveProperty('cloud.region');
    expect(plain).not.toHaveProperty('faas.invocation_id');
    const nullCf = requestAttributes(Object.assign(new Request('https://a.example/'), { cf: null }), NONE);
    expect(nullCf.attributes).not.toHaveProperty('cloud.provider');
  });
});

describe('clientAddressOf', () => {
  it('prefers cf-connecting-ip, then the first x-forwarded-for entry, then x-real-ip', () => {
    const all = {
      'cf-connecting-ip': '203.0.113.1',
      'x-forwarded-for': '198.51.100.2, 10.0.0.1',
      'x-real-ip': '192.0.2.3',
    };
    expect(clientAddressOf(new Headers(all))).toBe('203.0.113.1');
    const { 'cf-connecting-ip': _cf, ...proxied } = all;
    expect(clientAddressOf(new Headers(proxied))).toBe('198.51.100.2');
    expect(clientAddressOf(new Headers({ 'x-real-ip': '192.0.2.3' }))).toBe('192.0.2.3');
  });

  it('trims the first x-forwarded-for entry and skips empty headers', () => {
    expect(clientAddressOf(new Headers({ 'x-forwarded-for': '  2001:db8::1 ,10.0.0.1' }))).toBe(
      '2001:db8::1',
    );
    expect(
      clientAddressOf(
        new Headers({ 'cf-connecting-ip': '', 'x-forwarded-for': ', 10.0.0.1', 'x-real-ip': '192.0.2.3' }),
      ),
    ).toBe('192.0.2.3');
  });

  it('returns undefined when no header names a client', () => {
    expect(clientAddressOf(new Headers())).toBeUndefined();
    expect(clientAddressOf(new Headers({ 'cf-connecting-ip': '', 'x-forwarded-for': '' }))).toBeUndefined();
  });

  it('treats an empty x-real-ip as absent, as it does the other two', () => {
    expect(clientAddressOf(new Headers({ 'x-forwarded-for': '', 'x-real-ip': '' }))).toBeUndefined();
    const request = new Request('https://a.example/', { headers: { 'x-real-ip': '' } });
    const { attributes } = requestAttributes(request, { requestHeaders: [], clientAddress: true });
    expect(attributes).not.toHaveProperty('client.address');
  });
});
