// Attribute values as `@opentelemetry/api` 1.10 types them — `AnyValue`: strings, numbers,
// booleans, `Uint8Array`, arrays of any of these (mixed, nested), maps from string to any of
// these (plain objects), and `null`, an empty value. https://opentelemetry.io/docs/specs/otel/common/#anyvalue
// Strings and bytes are cut to the length limit at any depth (never inside a surrogate pair),
// nesting and size are bounded, cycles are cut, and what cannot be represented is dropped
// (a `Date`, a class instance, `BigInt`, a function) — never thrown.
import { type AttributeValue, diag } from '@opentelemetry/api';

/** Containers nested deeper than this become empty values. */
export const MAX_VALUE_DEPTH = 8;
/** Values kept in one attribute, counted at every depth; the rest are left out. */
export const MAX_VALUE_NODES = 1024;

type Primitive = 'string' | 'number' | 'boolean';

function isPrimitiveType(type: string): type is Primitive {
  return type === 'string' || type === 'number' || type === 'boolean';
}

/** Whether `value` is a plain object: a map in AnyValue terms (not a Date, a class instance...). */
function isMap(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A homogeneous array of primitives (null/undefined allowed inside): the common case, kept fast. */
function isPrimitiveArray(value: readonly unknown[]): boolean {
  let arrayType: string | undefined;
  for (const element of value) {
    if (element === null || element === undefined) continue;
    const type = typeof element;
    if (!isPrimitiveType(type)) return false;
    if (arrayType === undefined) arrayType = type;
    else if (type !== arrayType) return false;
  }
  return true;
}

/** Whether `value` can be recorded as an attribute value (an `AnyValue`; `undefined` cannot). */
export function isAttributeValue(value: unknown): value is AttributeValue {
  if (value === null) return true;
  if (value === undefined) return false;
  if (isPrimitiveType(typeof value)) return true;
  try {
    return typeof value === 'object' && (Array.isArray(value) || value instanceof Uint8Array || isMap(value));
  } catch {
    return false; // a revoked proxy: nothing we can read
  }
}

/** `text` cut to `limit` UTF-16 units, one fewer when the cut would split a surrogate pair. */
export function truncateString(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const last = text.charCodeAt(limit - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit);
}

/** Copies a value into what a span keeps: limits applied at every depth, cycles cut. */
class ValueCopier {
  #nodes = 0;
  readonly #path = new Set<object>();

  constructor(private readonly limit: number) {}

  copy(value: unknown, depth: number): unknown {
    if (++this.#nodes > MAX_VALUE_NODES) return undefined;
    if (value === null || value === undefined) return null;
    const type = typeof value;
    if (type === 'string') return truncateString(value as string, this.limit);
    if (type === 'number' || type === 'boolean') return value;
    if (type !== 'object') return undefined;
    const object = value as object;
    if (object instanceof Uint8Array) return object.slice(0, Math.min(object.length, this.limit));
    if (!Array.isArray(object) && !isMap(object)) return undefined;
    if (depth >= MAX_VALUE_DEPTH || this.#path.has(object)) return null;
    this.#path.add(object);
    try {
      if (Array.isArray(object)) {
        const out: unknown[] = [];
        for (const element of object) {
          const copied = this.copy(element, depth + 1);
          if (this.#nodes > MAX_VALUE_NODES) break;
          out.push(copied === undefined ? null : copied);
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(object)) {
        const copied = this.copy(object[key], depth + 1);
        if (this.#nodes > MAX_VALUE_NODES) break;
        if (copied !== undefined)
          Object.defineProperty(out, key, { value: copied, enumerable: true, writable: true });
      }
      return out;
    } finally {
      this.#path.delete(object);
    }
  }
}

/**
 * The value a span keeps for `value`: strings and bytes cut to `limit` at any depth, arrays and
 * maps copied (a caller changing its object later changes nothing recorded), or `undefined`
 * when it cannot be recorded — also when reading it throws (a getter, a proxy).
 */
export function truncateValue(value: AttributeValue, limit: number): AttributeValue | undefined {
  if (typeof value === 'string') return truncateString(value, limit);
  if (typeof value !== 'object' || value === null) return value;
  try {
    if (Array.isArray(value) && isPrimitiveArray(value)) {
      if (limit === Number.POSITIVE_INFINITY) return value.slice();
      return value.map((v: unknown) => (typeof v === 'string' ? truncateString(v, limit) : v));
    }
    return new ValueCopier(limit).copy(value, 0) as AttributeValue | undefined;
  } catch {
    return undefined;
  }
}

/** A bag of attributes under a count and value-length limit, counting what it drops. */
export class AttributeBag {
  // A plain object, which V8 keeps in its fast (hidden class) form for up to a dozen or so keys
  // and enumerates quickly when encoding; a null-prototype object would be a hash table from the
  // start. A `__proto__` key is defined as an own property, so it is an attribute like any other.
  readonly values: Record<string, AttributeValue> = {};
  dropped: number = 0;
  #count = 0;
  readonly #countLimit: number;
  readonly #lengthLimit: number;

  constructor(countLimit: number, lengthLimit: number) {
    this.#countLimit = countLimit;
    this.#lengthLimit = lengthLimit;
  }

  set(key: string, value: unknown): void {
    if (typeof key !== 'string' || key.length === 0) {
      diag.debug(`edgetrace: ignoring attribute with invalid key ${String(key)}`);
      return;
    }
    if (!isAttributeValue(value)) {
      if (value !== undefined) diag.debug(`edgetrace: ignoring invalid value for attribute ${key}`);
      return;
    }
    const isNew = !Object.hasOwn(this.values, key);
    if (isNew && this.#count >= this.#countLimit) {
      this.dropped++;
      return;
    }
    const kept =
      typeof value === 'object' || typeof value === 'string'
        ? truncateValue(value, this.#lengthLimit)
        : value;
    if (kept === undefined) {
      diag.debug(`edgetrace: ignoring attribute ${key}: its value could not be read`);
      return;
    }
    if (isNew) this.#count++;
    if (key === '__proto__') {
      Object.defineProperty(this.values, key, {
        value: kept,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else this.values[key] = kept;
  }

  setAll(attributes: Readonly<Record<string, unknown>> | undefined): void {
    if (attributes === undefined || attributes === null || typeof attributes !== 'object') return;
    for (const key of Object.keys(attributes)) this.set(key, attributes[key]);
  }
}
