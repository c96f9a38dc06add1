// W3C Baggage propagator: percent-encoded values, properties, and the size limits.
// https://www.w3.org/TR/baggage/
import {
  type BaggageEntry,
  baggageEntryMetadataFromString,
  type Context,
  propagation,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isToken } from '../config/http.js';
import { trimOws } from './trace-state.js';

export const BAGGAGE = 'baggage';
/** Members kept at most (extract) and written at most (inject). */
export const MAX_BAGGAGE_MEMBERS = 180;
/** The whole header's length at most, in bytes. */
export const MAX_BAGGAGE_BYTES = 8192;

// key = token (RFC 9110); value = *baggage-octet, where baggage-octet excludes CTLs, white
// space, DQUOTE, comma, semicolon and backslash; anything else arrives percent-encoded.
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined; // a malformed percent-escape makes the member invalid
  }
}

// baggage-octet without `%`, which must itself be escaped.
const SAFE_OCTET = /^[\x21\x23\x24\x26-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const encoder = new TextEncoder();

/** Percent-encodes what `baggage-octet` does not allow (UTF-8, as the spec says). */
function encodeValue(value: string): string {
  if (SAFE_OCTET.test(value)) return value;
  let out = '';
  for (const char of value) {
    if (SAFE_OCTET.test(char)) out += char;
    else if (char.length === 1 && char >= '\ud800' && char <= '\udfff')
      out += '%EF%BF%BD'; // lone surrogate
    else out += encodeURIComponent(char);
  }
  return out;
}

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/**
 * Parses a `baggage` header into entries. Invalid members are skipped one by one; at most
 * 180 members and 8192 bytes are read. Never throws.
 */
export function parseBaggage(header: string): Array<[string, BaggageEntry]> {
  const entries: Array<[string, BaggageEntry]> = [];
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so most headers need no byte counting.
  const mayExceed = header.length * 3 > MAX_BAGGAGE_BYTES;
  let bytes = -1; // the first member has no comma before it
  for (const member of header.split(',')) {
    if (entries.length >= MAX_BAGGAGE_MEMBERS) break;
    if (mayExceed) {
      bytes += byteLength(member) + 1;
      if (bytes > MAX_BAGGAGE_BYTES) break; // whole members only: never a cut-off value
    }
    const [pair = '', ...properties] = member.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = trimOws(pair.slice(0, eq));
    const raw = trimOws(pair.slice(eq + 1));
    if (!isToken(key) || !VALUE.test(raw)) continue;
    const value = decode(raw);
    if (value === undefined) continue;
    const entry: BaggageEntry = { value };
    const metadata = properties.map(trimOws).filter((p) => p !== '');
    if (metadata.length > 0) entry.metadata = baggageEntryMetadataFromString(metadata.join(';'));
    entries.push([key, entry]);
  }
  return entries;
}

/** Serialises entries as a `baggage` header, skipping what would break the limits. */
export function formatBaggage(entries: ReadonlyArray<[string, BaggageEntry]>): string {
  let header = '';
  let bytes = 0;
  let members = 0;
  for (const [key, entry] of entries) {
    if (members >= MAX_BAGGAGE_MEMBERS) break;
    if (!isToken(key) || typeof entry?.value !== 'string') continue;
    let member = `${key}=${encodeValue(entry.value)}`;
    const metadata = entry.metadata?.toString();
    if (metadata) member += `;${metadata}`;
    const size = byteLength(member) + (members > 0 ? 1 : 0);
    if (bytes + size > MAX_BAGGAGE_BYTES) continue;
    header += members > 0 ? `,${member}` : member;
    bytes += size;
    members++;
  }
  return header;
}

/** The W3C Baggage propagator (`baggage` header). */
export function createBaggagePropagator(): TextMapPropagator {
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
      const baggage = propagation.getBaggage(context);
      if (baggage === undefined) return;
      const header = formatBaggage(baggage.getAllEntries());
      if (header !== '') setter.set(carrier, BAGGAGE, header);
    },
    extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
      let header: string | string[] | undefined;
      try {
        header = getter.get(carrier, BAGGAGE);
      } catch {
        return context;
      }
      const text = Array.isArray(header) ? header.join(',') : header;
      if (typeof text !== 'string' || text === '') return context;
      const entries = parseBaggage(text);
      if (entries.length === 0) return context;
      return propagation.setBaggage(context, propagation.createBaggage(Object.fromEntries(entries)));
    },
    fields: () => [BAGGAGE],
  };
}
