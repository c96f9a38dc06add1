// edgetrace given the Worker's env at module scope (`tracing({ env })`, env from
// `cloudflare:workers`), so its provider is made as the module loads, as the official route's is,
// and the first request runs only per-request code. For cold-start: edgetrace-at-load.ts, and
// edgetrace-at-load-hand-made.ts with a CLIENT span that ends at its headers, as the official
// route's hand-made one does.
import './stub-fetch.js';
import { env } from 'cloudflare:workers';
import { tracing } from '@edgetrace/hono';
import { createApp } from './app.js';

const middleware = tracing({ serviceName: 'bench', env });

/** The benchmark app over `send`, traced by the provider made at load. */
export function appAtLoad(send: typeof fetch): { fetch: ReturnType<typeof createApp>['fetch'] } {
  return { fetch: createApp(send, middleware).fetch };
}
