// Attribute values as the OpenTelemetry specification allows them: primitives and homogeneous
// arrays of primitives (null/undefined allowed inside). Anything else is ignored, never thrown.
import { type AttributeValue, diag } from '@opentelemetry/api';

type Primitive = 'string' | 'number' | 'boolean';

function isPrimitiveType(type: string): type is Primitive {
  return type === 'string' || type === 'number' || type === 'boolean';
}

/** Whether `value` is a valid attribute value (primitive, or homogeneous primitive array). */
export function isAttributeValue(value: unknown): value is AttributeValue {
  if (value === null || value === undefined) return false;
  if (!Array.isArray(value)) return isPrimitiveType(typeof value);
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

/** Truncates string values (and string elements of arrays) to `limit` characters. */
export function truncateValue(value: AttributeValue, limit: number): AttributeValue {
  if (limit === Number.POSITIVE_INFINITY) return value;
  if (typeof value === 'string') return value.length > limit ? value.slice(0, limit) : value;
  if (Array.isArray(value)) {
    return value.map((v: unknown) =>
      typeof v === 'string' && v.length > limit ? v.slice(0, limit) : v,
    ) as AttributeValue;
  }
  return value;
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
    if (isNew) this.#count++;
    const kept = truncateValue(value, this.#lengthLimit);
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
