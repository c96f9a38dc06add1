// edgetrace configured the way its README starts: tracing() with no exporter in code, so the
// exporter is made from the Worker's env (OTEL_EXPORTER_OTLP_ENDPOINT) at the first request;
// instrumentFetch() as in the main variant. Exports go through the stub fetch.
import './stub-fetch.js';
import { instrumentFetch } from '@edgetrace/fetch';
import { tracing } from '@edgetrace/hono';
import { createApp } from './app.js';

const app = createApp(instrumentFetch(fetch), tracing({ serviceName: 'bench' }));
export default { fetch: app.fetch };
