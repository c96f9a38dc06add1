// The floor for a CLIENT span: tracing() and the least a fetch instrumentation does by hand
// (hand-made-fetch.ts): a span that ends at the headers, no body tracking.
import { tracing } from '@edgetrace/hono';
import { createOtlpExporter } from '@edgetrace/otlp';
import { createApp } from './app.js';
import { handMadeFetch } from './hand-made-fetch.js';
import { stubFetch } from './stub-fetch.js';

const exporter = createOtlpExporter({ endpoint: 'http://collector.stub/v1/traces', fetch: stubFetch });
const app = createApp(handMadeFetch as typeof fetch, tracing({ serviceName: 'bench', exporter }));
export default { fetch: app.fetch };
