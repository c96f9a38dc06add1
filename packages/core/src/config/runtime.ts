// Telling workerd apart without touching `process`: there, `process` is made on first use, which
// costs about 3 ms of CPU in a fresh isolate (bench/README.md, "Cold start in workerd"), more than
// everything else edgetrace does at an isolate's start.

/** Whether this is workerd (Cloudflare Workers, Miniflare, wrangler dev). */
export function isWorkerd(): boolean {
  return globalThis.navigator?.userAgent === 'Cloudflare-Workers';
}
