// edgetrace with the coalescing bound the benchmark sets at build time (`--cpu` compares bounds).

import { instrumentFetch } from '@edgetrace/fetch';
import { tracing } from '@edgetrace/hono';
import { createOtlpExporter } from '@edgetrace/otlp';
import { createApp } from './app.js';
import { stubFetch } from './stub-fetch.js';

/** Replaced by esbuild's `define`. */
declare const COALESCE_MS: number;

const exporter = createOtlpExporter({ endpoint: 'http://collector.stub/v1/traces', fetch: stubFetch });
const app = createApp(
  instrumentFetch(fetch),
  tracing({ serviceName: 'bench', exporter, traceBuffer: { coalesceMs: COALESCE_MS } }),
);
export default { fetch: app.fetch };
