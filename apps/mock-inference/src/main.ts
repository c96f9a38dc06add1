// The mock from the command line, once built (`pnpm --filter @edgetrace/mock-inference build`):
// `node apps/mock-inference/dist/main.mjs [--port 8000] [--otlp http://127.0.0.1:4318/v1/traces]`.
import { parseArgs } from 'node:util';
import { startMockInference } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.MOCK_PORT ?? '8000' },
    otlp: { type: 'string', default: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT },
  },
});
const mock = await startMockInference({
  port: Number(values.port),
  ...(values.otlp === undefined ? {} : { otlpEndpoint: values.otlp }),
});
console.log(`mock GPU server on ${mock.url}${values.otlp === undefined ? '' : ` (spans to ${values.otlp})`}`);
const stop = () => void mock.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
