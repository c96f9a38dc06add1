// Context managers for `@opentelemetry/api`: one over `AsyncLocalStorage`, so the active span
// follows `await`, and a synchronous stack for runtimes without it (workerd without
// `nodejs_compat`), where async code passes context explicitly.
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';
import { builtinModule, isWorkerd } from '../config/runtime.js';

/** The part of Node's `AsyncLocalStorage` the context manager uses. */
export interface AsyncLocalStorageLike<T> {
  getStore(): T | undefined;
  run<R>(store: T, callback: () => R): R;
}

/** A constructor of `AsyncLocalStorage`, such as `node:async_hooks`'. */
export type AsyncLocalStorageClass = new <T>() => AsyncLocalStorageLike<T>;

/** The `AsyncLocalStorage` class `holder` (the global scope, or `node:async_hooks`) has, if any. */
function storageIn(holder: object | undefined): AsyncLocalStorageClass | undefined {
  const Storage = (holder as { AsyncLocalStorage?: unknown } | undefined)?.AsyncLocalStorage;
  return typeof Storage === 'function' ? (Storage as AsyncLocalStorageClass) : undefined;
}

/**
 * Finds `AsyncLocalStorage` without a static `node:` import: a global of that name, else
 * `process.getBuiltinModule('node:async_hooks')` (Node ≥ 22.3, Deno, Bun, workerd with
 * `nodejs_compat`). Returns `undefined` where the runtime has none.
 */
export function findAsyncLocalStorage(): AsyncLocalStorageClass | undefined {
  return storageIn(globalThis) ?? storageIn(builtinModule('node:async_hooks'));
}

/** Where `findAsyncLocalStorage` looks last: a specifier bundlers leave alone (see below). */
const ASYNC_HOOKS = ['node', 'async_hooks'].join(':');

/**
 * `findAsyncLocalStorage`, then a dynamic `import('node:async_hooks')` — the only way to it in
 * workerd with the `nodejs_als` flag, which has the module but no `process`. In workerd the import
 * comes first: it costs about 0.3 ms of CPU in a fresh isolate, where `process`, made on its first
 * use, costs about 3. The specifier is built at run time so that a bundler does not try to resolve
 * it for a Worker without Node compatibility (where the import fails here, quietly). Resolves to
 * `undefined` where the runtime has none.
 */
export async function loadAsyncLocalStorage(): Promise<AsyncLocalStorageClass | undefined> {
  const found = isWorkerd() ? storageIn(globalThis) : findAsyncLocalStorage();
  if (found !== undefined) return found;
  try {
    return storageIn((await import(/* @vite-ignore */ ASYNC_HOOKS)) as object);
  } catch {
    return undefined;
  }
}

type Fn<A extends unknown[], R> = (this: unknown, ...args: A) => R;

function bindFunction<T>(manager: ContextManager, context: Context, target: T): T {
  if (typeof target !== 'function') return target;
  const fn = target as unknown as Fn<unknown[], unknown>;
  const bound = function (this: unknown, ...args: unknown[]): unknown {
    return manager.with(context, () => fn.apply(this, args));
  };
  return bound as unknown as T;
}

/** A context manager over `AsyncLocalStorage`: context follows `await` and callbacks. */
export function createAsyncLocalStorageContextManager(Storage: AsyncLocalStorageClass): ContextManager {
  let storage: AsyncLocalStorageLike<Context> = new Storage<Context>();
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
      context: Context,
      fn: F,
      thisArg?: ThisParameterType<F>,
      ...args: A
    ): ReturnType<F> {
      return storage.run(context, () => fn.apply(thisArg, args));
    },
    bind: <T>(context: Context, target: T): T => bindFunction(manager, context, target),
    enable: () => manager,
    disable() {
      storage = new Storage<Context>();
      return manager;
    },
  };
  return manager;
}

/**
 * The stand-in for `AsyncLocalStorage` where there is none: the store holds for the
 * synchronous part of `run` only, and `run` always restores what it replaced.
 */
class SynchronousStorage<T> implements AsyncLocalStorageLike<T> {
  #store: T | undefined;

  getStore(): T | undefined {
    return this.#store;
  }

  run<R>(store: T, callback: () => R): R {
    const previous = this.#store;
    this.#store = store;
    try {
      return callback();
    } finally {
      this.#store = previous;
    }
  }
}

/**
 * A context manager without `AsyncLocalStorage`: the context is active for the synchronous
 * part of `with(...)` only. Each instance keeps its own store, so concurrent requests never see
 * each other's context.
 */
export function createStackContextManager(): ContextManager {
  return createAsyncLocalStorageContextManager(SynchronousStorage);
}

/**
 * The best context manager this runtime allows, or one over the given `AsyncLocalStorage`;
 * `async` says whether the active context follows `await`.
 */
export function createContextManager(Storage?: AsyncLocalStorageClass | false): {
  manager: ContextManager;
  async: boolean;
} {
  const found = Storage === false ? undefined : (Storage ?? findAsyncLocalStorage());
  return found === undefined
    ? { manager: createStackContextManager(), async: false }
    : { manager: createAsyncLocalStorageContextManager(found), async: true };
}
