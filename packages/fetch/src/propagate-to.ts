// Which origins receive trace headers. `traceparent`, `tracestate` and `baggage` reveal trace ids
// and whatever the caller put in baggage, so by default they go only to private destinations:
// loopback, private and link-local addresses, and names that cannot be public (single-label
// hosts, `.internal`, `.local`, `.localhost`, `.lan`, `.home.arpa`, `.svc`).
import { ConfigError } from '@edgetrace/core';
import { report } from '@edgetrace/core/internal';

/**
 * Where trace context may be sent: `true` everywhere, `false` nowhere, a list of origins
 * (`'https://gpu.example.com'`), host names (`'gpu.example.com'`, `'*.example.com'` for
 * subdomains) and RegExps tested against the URL's origin — admitted in addition to private
 * destinations — or a function of the URL, which alone decides.
 */
export type PropagateTo = boolean | readonly (string | RegExp)[] | ((url: URL) => boolean);

const PRIVATE_SUFFIXES = ['.internal', '.local', '.localhost', '.lan', '.home.arpa', '.svc'];

function isPrivateIPv4(host: string): boolean | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (match === null) return undefined;
  const a = Number(match[1]);
  const b = Number(match[2]);
  return (
    a === 127 || // loopback
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || // RFC 1918
    (a === 169 && b === 254) || // link-local
    (a === 100 && b >= 64 && b <= 127) // shared address space (carrier NAT, tailnets)
  );
}

/** `host` is an IPv6 address in brackets. */
function isPrivateIPv6(host: string): boolean {
  const address = host.slice(1, -1).toLowerCase();
  if (address === '::1') return true;
  // fc00::/7 unique local, fe80::/10 link-local, and IPv4-mapped private addresses.
  if (/^f[cd][0-9a-f]{0,2}:/.test(address) || /^fe[89ab][0-9a-f]?:/.test(address)) return true;
  // IPv4-mapped addresses: the URL parser writes ::ffff:10.0.0.1 as ::ffff:a00:1.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped?.[1] === undefined || mapped[2] === undefined) return false;
  const high = Number.parseInt(mapped[1], 16);
  const low = Number.parseInt(mapped[2], 16);
  return isPrivateIPv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`) === true;
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** Whether `url` points at a private destination (the default allow-list). */
export function isPrivateUrl(url: URL): boolean {
  let host = url.hostname.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  // Only an address can be one: IPv6 in brackets, IPv4 from a digit. A name skips both checks
  // (and their regular expressions, which a fresh isolate would compile on the first call).
  if (host.startsWith('[')) return isPrivateIPv6(host);
  const first = host.charCodeAt(0);
  const ip = first >= DIGIT_0 && first <= DIGIT_9 ? isPrivateIPv4(host) : undefined;
  if (ip !== undefined) return ip;
  if (host === 'localhost' || !host.includes('.')) return true;
  return PRIVATE_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

function hostMatcher(entry: string): (url: URL) => boolean {
  if (entry.includes('://')) {
    let origin: string;
    try {
      origin = new URL(entry).origin;
    } catch {
      throw new ConfigError(
        `propagateTo: "${entry}" is not a valid origin; write e.g. "https://gpu.example.com"`,
      );
    }
    return (url) => url.origin === origin;
  }
  const host = entry.toLowerCase();
  if (host === '' || /[/\s]/.test(host)) {
    throw new ConfigError(`propagateTo: "${entry}" is neither an origin nor a host name`);
  }
  if (host.startsWith('*.')) {
    const suffix = host.slice(1);
    return (url) => url.hostname.toLowerCase().endsWith(suffix);
  }
  return (url) => url.hostname.toLowerCase() === host;
}

/** Compiles `propagateTo` once; invalid entries throw `ConfigError` at setup. */
export function createPropagationFilter(propagateTo: PropagateTo | undefined): (url: URL) => boolean {
  if (propagateTo === undefined) return isPrivateUrl;
  if (typeof propagateTo === 'boolean') return () => propagateTo;
  // Each form in a function of its own: a fresh isolate compiles only the one it is given.
  return typeof propagateTo === 'function' ? guardedFilter(propagateTo) : listFilter(propagateTo);
}

/** The user's function, asked on every call; a throw is reported and sends nothing. */
function guardedFilter(propagateTo: (url: URL) => boolean): (url: URL) => boolean {
  // In place rather than through guarded(), which takes a closure per call.
  return (url) => {
    try {
      return propagateTo(url) === true;
    } catch (error) {
      report('error', 'the propagateTo function threw; trace headers are not sent on that call', error);
      return false;
    }
  };
}

/** Private destinations and those the list admits. */
function listFilter(propagateTo: readonly (string | RegExp)[]): (url: URL) => boolean {
  if (!Array.isArray(propagateTo)) {
    throw new ConfigError(
      'propagateTo must be true, false, a list of origins, hosts and RegExps, or a function',
    );
  }
  const matchers = propagateTo.map((entry): ((url: URL) => boolean) => {
    if (entry instanceof RegExp) {
      // A stateful (g/y) RegExp would match every other call; test a stateless copy.
      const pattern = new RegExp(entry.source, entry.flags.replace(/[gy]/g, ''));
      return (url) => pattern.test(url.origin);
    }
    if (typeof entry === 'string') return hostMatcher(entry);
    throw new ConfigError(`propagateTo entries must be strings or RegExps, got ${typeof entry}`);
  });
  return (url) => isPrivateUrl(url) || matchers.some((match) => match(url));
}
