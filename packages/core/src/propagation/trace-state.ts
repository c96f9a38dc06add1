// W3C Trace Context `tracestate`: parse, immutable updates, and serialisation with the spec's
// truncation rules, as the spec text reads at w3c/trace-context@acab820 (2026-06-29):
// https://github.com/w3c/trace-context/blob/acab820be9db7b3433668baa5cdd43f57f4c4be0/spec/20-http_request_header_format.md
import type { TraceState } from '@opentelemetry/api';

/** At most this many list-members (W3C Trace Context §3.3.1.1). */
export const MAX_TRACE_STATE_MEMBERS = 32;
/** Serialised headers longer than this are truncated as §3.3.1.5 describes. */
export const MAX_TRACE_STATE_LENGTH = 512;
const LONG_MEMBER = 128;

// key = ( lcalpha / DIGIT ) 0*255( keychar ), keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@".
// The old `tenant@system` form is gone: `@` is an ordinary key character after the first.
// Values: printable ASCII without `,` `=`, no trailing space, at most 256 characters.
const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** Removes optional white space (spaces and tabs, RFC 9110 OWS) around a header value or member. */
export function trimOws(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Whether `key` follows the tracestate key grammar. */
export function isValidTraceStateKey(key: string): boolean {
  return KEY.test(key);
}

/** Whether `value` follows the tracestate value grammar. */
export function isValidTraceStateValue(value: string): boolean {
  return VALUE.test(value);
}

class W3CTraceState implements TraceState {
  readonly #entries: ReadonlyArray<readonly [string, string]>;

  constructor(entries: ReadonlyArray<readonly [string, string]>) {
    this.#entries = entries;
  }

  get(key: string): string | undefined {
    for (const [k, v] of this.#entries) if (k === key) return v;
    return undefined;
  }

  /** A new state with `key` set and moved to the front; invalid input returns this state. */
  set(key: string, value: string): TraceState {
    if (!isValidTraceStateKey(key) || !isValidTraceStateValue(value)) return this;
    const rest = this.#entries.filter(([k]) => k !== key);
    // Adding to a full list drops the right-most member (W3C §3.5 "Mutating the tracestate").
    return new W3CTraceState([[key, value], ...rest.slice(0, MAX_TRACE_STATE_MEMBERS - 1)]);
  }

  unset(key: string): TraceState {
    const rest = this.#entries.filter(([k]) => k !== key);
    return rest.length === this.#entries.length ? this : new W3CTraceState(rest);
  }

  serialize(): string {
    return serializeMembers(this.#entries.map(([k, v]) => `${k}=${v}`));
  }
}

function serializeMembers(members: string[]): string {
  let joined = members.join(',');
  if (joined.length <= MAX_TRACE_STATE_LENGTH) return joined;
  // §3.3.1.5: first drop members longer than 128 characters, then from the right.
  const kept = members.filter((m) => m.length <= LONG_MEMBER);
  joined = kept.join(',');
  while (joined.length > MAX_TRACE_STATE_LENGTH && kept.length > 0) {
    kept.pop();
    joined = kept.join(',');
  }
  return joined;
}

/** An empty trace state, the start of `set` chains. */
export function createTraceState(): TraceState {
  return new W3CTraceState([]);
}

/**
 * Parses one or several (already combined with `,`) `tracestate` header values.
 * Returns `null` when the header is invalid as a whole — a malformed member or more than 32
 * members — and the spec lets a vendor discard it. A key that comes twice keeps its first
 * (left-most) occurrence: a vendor that updates its entry moves it to the left, so the first is
 * the newest, and the spec lets a vendor discard duplicates it did not generate.
 */
export function parseTraceState(header: string): TraceState | null {
  const entries: Array<[string, string]> = [];
  const seen = new Set<string>();
  let members = 0;
  for (const raw of header.split(',')) {
    const member = trimOws(raw);
    if (member === '') continue; // empty list-members are allowed and ignored
    const eq = member.indexOf('=');
    if (eq <= 0) return null;
    const key = member.slice(0, eq);
    const value = member.slice(eq + 1);
    if (!isValidTraceStateKey(key) || !isValidTraceStateValue(value)) return null;
    if (++members > MAX_TRACE_STATE_MEMBERS) return null;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push([key, value]);
  }
  return new W3CTraceState(entries);
}
