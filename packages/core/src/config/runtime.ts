// Telling workerd apart without touching `process`: there, `process` is made on first use, which
// costs about 3 ms of CPU in a fresh isolate (bench/README.md, "Cold start in workerd"), more than
// everything else edgetrace does at an isolate's start.

/** Whether this is workerd (Cloudflare Workers, Miniflare, wrangler dev). */
export function isWorkerd(): boolean {
  return globalThis.navigator?.userAgent === 'Cloudflare-Workers';
}

/**
 * A Node built-in module through `process.getBuiltinModule` (Node ≥ 22.3, Bun, Deno, workerd
 * with `nodejs_compat`), without a static `node:` import; `undefined` where there is none or the
 * runtime refuses it. In workerd this makes `process`: callers ask only outside it.
 */
export function builtinModule(id: string): Record<string, unknown> | undefined {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return process?.getBuiltinModule?.(id) as Record<string, unknown> | undefined;
  } catch {
    return undefined;
  }
}
