// Two facts about objects the handler package needs in more than one place: whether a value is
// plain data (an object literal, not a class instance), and how to hand on a runtime's native
// object with some properties replaced — wrapped, because workerd's bindings, batches and
// messages check the receiver of their methods and cannot be copied.

/** Whether `value` is a plain object: `{ ... }` or `Object.create(null)`, not an array or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * `target` with the properties in `replaced` read from there instead; every other property is
 * `target`'s own, and its methods are called on `target` itself.
 */
export function passThrough<T extends object>(target: T, replaced: Readonly<Record<string, unknown>>): T {
  return new Proxy(target, {
    get(object, property) {
      if (typeof property === 'string' && Object.hasOwn(replaced, property)) return replaced[property];
      const own: unknown = Reflect.get(object, property, object);
      return typeof own === 'function' ? own.bind(object) : own;
    },
  });
}
