// A tiny OTLP/HTTP receiver on 127.0.0.1 for tests that run inside workerd: it records each
// POST (gunzipped when needed) and answers with scripted statuses. GET /received returns what it
// recorded; POST /script sets the next answers (a JSON list of statuses). Every trace body is
// checked against the official OTLP definitions; a violation is recorded with the request, and
// reading its spans fails the test (otlp-spans.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { checkOfficialOtlpJson } from '../../packages/otlp/src/test-support/official-otlp.js';

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Why the body is not an OTLP/JSON request the official definitions read exactly. */
  invalid?: string;
}

function violation(body: Buffer): string | undefined {
  try {
    checkOfficialOtlpJson(body);
    return undefined;
  } catch (error) {
    return String(error);
  }
}

export interface Receiver {
  readonly url: string;
  /** Forgets what was recorded and any scripted answers. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let recorded: RecordedRequest[] = [];
  let script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.method === 'GET' && req.url === '/received') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(recorded));
        return;
      }
      if (req.method === 'POST' && req.url === '/script') {
        script = JSON.parse(raw.toString()) as number[];
        recorded = [];
        res.writeHead(204).end();
        return;
      }
      const gzipped = req.headers['content-encoding'] === 'gzip';
      const body = gzipped ? gunzipSync(raw) : raw;
      const invalid = req.url === '/v1/traces' ? violation(body) : undefined;
      recorded.push({
        path: req.url ?? '',
        headers: req.headers,
        body: body.toString(),
        ...(invalid === undefined ? {} : { invalid }),
      });
      res.writeHead(script.shift() ?? 200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    reset: async () => {
      await fetch(`${url}/script`, { method: 'POST', body: '[]' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
