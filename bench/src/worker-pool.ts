// The request loop that runs inside a benchmark Worker, shared by request-cost and
// workerd-profile: `pool(handler, path, n, c, env)` sends `n` requests to `handler`, `c` at a
// time, each read to its end, through an execution context whose `waitUntil` promises are all
// awaited before it returns, so every export's work falls inside it.

/** The `traceparent` every benchmark request carries. */
export const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** The source of `pool`, for a Worker entry point. */
export const POOL = `
async function pool(handler, path, n, c, env) {
  const pending = [];
  const ctx = { waitUntil: (p) => void pending.push(p), passThroughOnException() {}, props: {} };
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const request = new Request('http://bench.local' + path, { headers: { traceparent: '${TRACEPARENT}' } });
      const response = await handler.fetch(request, env, ctx);
      await response.text();
    }
  };
  await Promise.all(Array.from({ length: c }, worker));
  while (pending.length > 0) await Promise.allSettled(pending.splice(0));
}`;
