// The official route (official-setup.ts) with the official OTLP/HTTP exporter, as a user of the
// SDK on Workers would export: @opentelemetry/exporter-trace-otlp-http, whose build for
// non-Node runtimes posts with fetch (here the stub fetch, which replaces the global one) and
// brings the SDK's configuration, retries, timeouts and answer handling.
import './stub-fetch.js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { officialWorker } from './official-setup.js';

export default officialWorker(new OTLPTraceExporter({ url: 'http://collector.stub/v1/traces' }));
