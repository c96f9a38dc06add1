// The floor for /fetch: tracing() alone, the outgoing call made with the untraced fetch.
import { tracing } from '@edgetrace/hono';
import { createOtlpExporter } from '@edgetrace/otlp';
import { createApp } from './app.js';
import { stubFetch } from './stub-fetch.js';

const exporter = createOtlpExporter({ endpoint: 'http://collector.stub/v1/traces', fetch: stubFetch });
const app = createApp(fetch, tracing({ serviceName: 'bench', exporter }));
export default { fetch: app.fetch };
