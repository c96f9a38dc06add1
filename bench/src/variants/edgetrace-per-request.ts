// edgetrace with coalesced export off: each request's trace leaves in an export of its own.

import { instrumentFetch } from '@edgetrace/fetch';
import { tracing } from '@edgetrace/hono';
import { createOtlpExporter } from '@edgetrace/otlp';
import { createApp } from './app.js';
import { stubFetch } from './stub-fetch.js';

const exporter = createOtlpExporter({ endpoint: 'http://collector.stub/v1/traces', fetch: stubFetch });
const app = createApp(
  instrumentFetch(fetch),
  tracing({ serviceName: 'bench', exporter, traceBuffer: { coalesceMs: 0 } }),
);
export default { fetch: app.fetch };
