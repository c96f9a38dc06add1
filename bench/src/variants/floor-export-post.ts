// The floor of any per-request export: bare Hono, and after each answer one POST of an
// export's size (a two-span trace's OTLP JSON is about 2 KB) to the collector in `waitUntil`,
// with its answer read. No span is made; what is left is the subrequest every per-request
// exporter pays for, whoever's it is. `postAfterEachRequest(ms)` gives the POST a deadline, as an OTLP
// exporter must honour one (OTEL_EXPORTER_OTLP_TIMEOUT): floor-export-post-timeout.ts; and
// `postAfterEachRequest(ms, worker)` adds it to another Worker: floor-traced-post.ts.

import { createApp } from './app.js';
import { stubFetch } from './stub-fetch.js';

const BODY = new Uint8Array(2048).fill(32);

interface Worker {
  fetch(request: Request, env: unknown, ctx?: never): Response | Promise<Response>;
}

export interface PostingWorker {
  fetch(request: Request, env: unknown, ctx?: { waitUntil(p: Promise<unknown>): void }): Promise<Response>;
}

export function postAfterEachRequest(
  timeoutMs?: number,
  worker: Worker = createApp((input, init) => fetch(input, init)),
): PostingWorker {
  return {
    async fetch(request: Request, env: unknown, ctx?: { waitUntil(p: Promise<unknown>): void }) {
      const response = await worker.fetch(request, env, ctx as never);
      const post = stubFetch('http://collector.stub/v1/traces', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
        ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
      }).then((answer) => answer.text());
      ctx?.waitUntil(post);
      return response;
    },
  };
}

export default postAfterEachRequest();
