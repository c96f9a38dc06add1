// The viewer from the command line: `node apps/viewer/src/main.ts [--port 4318] [--host 127.0.0.1] [--file traces.jsonl]`.
import { parseArgs } from 'node:util';
import { startViewer } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.VIEWER_PORT ?? '4318' },
    host: { type: 'string', default: '127.0.0.1' },
    file: { type: 'string' },
  },
});
const viewer = await startViewer({
  port: Number(values.port),
  host: values.host,
  ...(values.file === undefined ? {} : { file: values.file }),
});
console.log(`edgetrace viewer on ${viewer.url} — send OTLP/HTTP to ${viewer.url}/v1/traces`);
const stop = () => void viewer.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
