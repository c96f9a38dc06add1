// edgetrace with its provider made as the module loads, as the official route's is: the exporter
// and provider from the Worker's env imported from `cloudflare:workers`, so the first request
// runs only per-request code. For cold-start: how much of the first request is setup.
import './stub-fetch.js';
import { env } from 'cloudflare:workers';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createTracerProvider } from '@edgetrace/core';
import { instrumentFetch } from '@edgetrace/fetch';
import { tracing } from '@edgetrace/hono';
import { createOtlpExporter } from '@edgetrace/otlp';
import { createApp } from './app.js';

const provider = createTracerProvider({
  serviceName: 'bench',
  env,
  exporter: createOtlpExporter({ env }),
  asyncLocalStorage: AsyncLocalStorage,
  traceBuffer: { coalesceMs: 50 },
});
provider.register();
const app = createApp(instrumentFetch(fetch), tracing({ provider, register: false }));
export default { fetch: app.fetch };
