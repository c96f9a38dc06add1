// The attributes of a SERVER span read from the incoming request: stable HTTP server
// conventions, plus Cloudflare's where present (`request.cf`, `cf-ray`).
// https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server
import { methodAttributes, recordHeaders, redactQuery } from '@edgetrace/core/internal';
import type { Attributes } from '@opentelemetry/api';

export interface RequestAttributeOptions {
  readonly requestHeaders: readonly string[];
  readonly clientAddress: boolean;
}

/** The client's address from the headers a proxy or Cloudflare sets; `undefined` without one. */
export function clientAddressOf(headers: Headers): string | undefined {
  const cloudflare = headers.get('cf-connecting-ip');
  if (cloudflare !== null && cloudflare !== '') return cloudflare;
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded !== undefined && forwarded !== '') return forwarded;
  const real = headers.get('x-real-ip');
  return real !== null && real !== '' ? real : undefined;
}

interface CloudflareProperties {
  colo?: unknown;
}

/** Span name prefix and attributes for `request`. */
export function requestAttributes(
  request: Request,
  options: RequestAttributeOptions,
): { name: string; attributes: Attributes } {
  const { name, attributes } = methodAttributes(request.method);
  const url = new URL(request.url);
  attributes['url.path'] = url.pathname;
  attributes['url.scheme'] = url.protocol.slice(0, -1);
  const query = redactQuery(url.search);
  if (query !== '') attributes['url.query'] = query;
  attributes['server.address'] = url.hostname;
  attributes['server.port'] = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const { headers } = request;
  const userAgent = headers.get('user-agent');
  if (userAgent !== null) attributes['user_agent.original'] = userAgent;
  if (options.clientAddress) {
    const client = clientAddressOf(headers);
    if (client !== undefined) attributes['client.address'] = client;
  }
  if (options.requestHeaders.length > 0) {
    recordHeaders(attributes, 'http.request.header', headers, options.requestHeaders);
  }
  const cf = (request as { cf?: CloudflareProperties }).cf;
  if (cf !== undefined && cf !== null) {
    attributes['cloud.provider'] = 'cloudflare';
    if (typeof cf.colo === 'string') attributes['cloud.region'] = cf.colo;
  }
  const ray = headers.get('cf-ray');
  if (ray !== null) attributes['faas.invocation_id'] = ray;
  return { name, attributes };
}
