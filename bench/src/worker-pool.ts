// The request loop that runs inside a benchmark Worker, shared by request-cost and
// workerd-profile: `pool(handler, path, n, c, env)` sends `n` requests to `handler`, `c` at a
// time, each read to its end, through an execution context whose `waitUntil` promises are all
// awaited before it returns, so every export's work falls inside it.

/** The `traceparent` of requests sent one by one from outside a loop (wall time, cold start, one invocation at a time). */
export const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/**
 * The source of `traceparent(i)`: request i's, with a trace id of its own (the first half of
 * TRACEPARENT's, then i). Requests in flight together belong to different traces, as a Worker's
 * concurrent requests do: with one trace id, edgetrace's trace buffer would hold them all as one
 * trace and export them once it drained, a batching real traffic does not get.
 */
const TRACEPARENT_OF = `
const traceparent = (i) => '00-0af7651916cd43dd' + i.toString(16).padStart(16, '0') + '-b7ad6b7169203331-01';`;

/** The source of `pool`, for a Worker entry point. */
export const POOL = `${TRACEPARENT_OF}
async function pool(handler, path, n, c, env) {
  const pending = [];
  const ctx = { waitUntil: (p) => void pending.push(p), passThroughOnException() {}, props: {} };
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const request = new Request('http://bench.local' + path, { headers: { traceparent: traceparent(next) } });
      const response = await handler.fetch(request, env, ctx);
      await response.text();
    }
  };
  await Promise.all(Array.from({ length: c }, worker));
  while (pending.length > 0) await Promise.allSettled(pending.splice(0));
}`;
