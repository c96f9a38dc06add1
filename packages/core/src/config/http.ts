// HTTP semantic-convention helpers shared by server and client spans: method normalisation and
// the redaction of secrets in URLs. https://opentelemetry.io/docs/specs/semconv/http/http-spans/
import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';
import { ConfigError } from './errors.js';

// The methods of RFC 9110 and RFC 5789, plus QUERY; anything else is reported as `_OTHER`.
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

// fetch upper-cases these six whatever their case; every other method is sent as written.
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** A request method as fetch sends it (https://fetch.spec.whatwg.org/#concept-method-normalize). */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/**
 * `http.request.method` as the conventions ask: a known method as is, any other as `_OTHER`
 * with the original in `http.request.method_original`. `name` is what a span name starts with.
 */
export function methodAttributes(method: string): { name: string; attributes: Attributes } {
  if (KNOWN_METHODS.has(method)) return { name: method, attributes: { 'http.request.method': method } };
  return {
    name: 'HTTP',
    attributes: { 'http.request.method': '_OTHER', 'http.request.method_original': method },
  };
}

// Query keys whose values are credentials: API keys, tokens, passwords and signed-URL
// signatures (the conventions name AWSAccessKeyId, Signature, sig, X-Goog-Signature).
const SECRET_KEY =
  /(?:^|[-_.])(?:api[-_]?key|apikey|key|token|access[-_]?token|refresh[-_]?token|id[-_]?token|secret|client[-_]?secret|password|passwd|pwd|auth|authorization|credential|credentials|signature|sig|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|awsaccesskeyid|session|sessionid|code)(?:$|[-_.])/i;

/** Whether a query parameter's value should be redacted, from its key. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export const REDACTED = 'REDACTED';

/**
 * A query string (with or without its `?`) with the values of secret-looking keys replaced by
 * `REDACTED`. Keys and order are kept; the result has no leading `?`.
 */
export function redactQuery(search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return '';
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    let key = part.slice(0, eq);
    try {
      key = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: judge the key as written.
    }
    if (!isSecretKey(key)) return part;
    changed = true;
    return `${part.slice(0, eq)}=${REDACTED}`;
  });
  return changed ? parts.join('&') : query;
}

/**
 * `url.full` as the conventions ask: user name and password replaced by `REDACTED`, and
 * secret-looking query values redacted. The fragment is left out; it is never sent.
 */
export function redactUrl(url: URL): string {
  const credentials = url.username !== '' || url.password !== '' ? `${REDACTED}:${REDACTED}@` : '';
  const query = redactQuery(url.search);
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${query === '' ? '' : `?${query}`}`;
}

/** The port a URL is reached on, the scheme's default included. */
export function urlPort(url: URL): number | undefined {
  if (url.port !== '') return Number(url.port);
  if (url.protocol === 'https:' || url.protocol === 'wss:') return 443;
  if (url.protocol === 'http:' || url.protocol === 'ws:') return 80;
  return undefined;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `text` is an HTTP token (RFC 9110): a header name, or a W3C baggage key. */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

/** Checks and lower-cases an allow-list of header names; invalid throws `ConfigError` naming `option`. */
export function headerNames(names: readonly string[] | undefined, option: string): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && isToken(n))) {
    throw new ConfigError(`${option} must be a list of header names, such as ['content-type']`);
  }
  return names.map((n) => n.toLowerCase());
}

/**
 * Records the allow-listed headers as `{prefix}.{name}` string-array attributes, as the
 * conventions ask (`http.request.header.content-type`).
 */
export function recordHeaders(
  attributes: Attributes,
  prefix: string,
  headers: Headers,
  names: readonly string[],
): void {
  for (const name of names) {
    const value = name === 'set-cookie' ? headers.getSetCookie() : headers.get(name);
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    attributes[`${prefix}.${name}`] = Array.isArray(value) ? value : [value];
  }
}

/**
 * Records a response's status as the HTTP conventions ask: `http.response.status_code` always;
 * for an error status — 4xx and 5xx on a client span, 5xx only on a server span (a 4xx is the
 * caller's doing) — `error.type` (the status, unless a better `type` is known) and ERROR.
 * https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status
 */
export function recordStatus(span: Span, status: number, side: 'client' | 'server', type?: string): void {
  span.setAttribute('http.response.status_code', status);
  if (status < (side === 'client' ? 400 : 500)) return;
  span.setAttribute('error.type', type ?? String(status));
  span.setStatus({ code: SpanStatusCode.ERROR });
}
