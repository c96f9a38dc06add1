// The viewer's HTTP server: POST /v1/traces (OTLP/HTTP, JSON or protobuf, gzip too), the JSON API
// the page reads, the live event stream, and the page. Binds to 127.0.0.1 by default and refuses
// bodies over a limit. Prints each trace as a terminal waterfall once no span has arrived for it
// for a moment.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DecodeError, decodeTraces } from './decode.js';
import { createEventHub } from './events.js';
import { PAGE, PAGE_CSP } from './page/page.js';
import { createStore, type StoreOptions, type TraceStore } from './store.js';
import { parseFilter } from './trace-filter.js';
import { viewTrace } from './trace-view.js';
import { renderWaterfall } from './waterfall.js';

export interface ViewerOptions extends StoreOptions {
  /** @default 4318 (the OTLP/HTTP port); 0 picks a free one */
  port?: number;
  /** @default '127.0.0.1' — loopback only */
  host?: string;
  /** Largest request body, compressed or not. @default 8388608 (8 MiB) */
  maxBodyBytes?: number;
  /** Where to print waterfalls; `false` for none. @default console.log */
  print?: ((text: string) => void) | false;
  /** Quiet time after a trace's last span before it is printed. @default 1000 */
  settleMs?: number;
}

export interface Viewer {
  readonly url: string;
  readonly store: TraceStore;
  /** Resolves when `count` traces have been printed (or at once if they have). */
  printed(count: number): Promise<void>;
  close(): Promise<void>;
}

class TooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new TooLarge());
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new TooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(text);
}

function sendPage(response: ServerResponse): void {
  response
    .writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page's own script and style only: a value that got in as markup still could not run.
      'content-security-policy': PAGE_CSP,
      'x-content-type-options': 'nosniff',
    })
    .end(PAGE);
}

export async function startViewer(options: ViewerOptions = {}): Promise<Viewer> {
  const { port = 4318, host = '127.0.0.1', maxBodyBytes = 8 * 1024 * 1024, settleMs = 1000 } = options;
  const print = options.print === undefined ? (text: string) => console.log(text) : options.print;
  const store = createStore(options);
  const hub = createEventHub();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let printedCount = 0;
  const waiters: { count: number; resolve: () => void }[] = [];

  const settle = (traceId: string): void => {
    clearTimeout(timers.get(traceId));
    timers.set(
      traceId,
      setTimeout(() => {
        timers.delete(traceId);
        const spans = store.get(traceId);
        if (spans !== undefined && print !== false)
          print(`${renderWaterfall(spans, 40, process.stdout.isTTY === true)}\n`);
        printedCount++;
        for (const waiter of waiters.filter((w) => printedCount >= w.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }, settleMs),
    );
  };

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof TooLarge)
        send(response, 413, { error: `the body is larger than ${maxBodyBytes} bytes` });
      return;
    }
    try {
      const spans = decodeTraces(
        body,
        String(request.headers['content-type'] ?? ''),
        String(request.headers['content-encoding'] ?? '').toLowerCase(),
      );
      const changed = store.add(spans);
      for (const traceId of changed) settle(traceId);
      // One list for the whole POST: with coalesced export, one carries many traces.
      if (changed.length > 0) {
        const summaries = new Map(store.list().map((s) => [s.traceId, s]));
        for (const traceId of changed) {
          const summary = summaries.get(traceId);
          if (summary !== undefined) hub.publish('trace', summary);
        }
      }
      const protobuf = String(request.headers['content-type']).includes('protobuf');
      // An empty ExportTraceServiceResponse: full success.
      if (protobuf) response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else send(response, 200, {});
    } catch (error) {
      send(response, error instanceof DecodeError ? 400 : 500, { error: String((error as Error).message) });
    }
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://viewer');
    if (request.method === 'POST' && url.pathname === '/v1/traces') {
      void receive(request, response);
      return;
    }
    if (request.method !== 'GET') {
      send(response, 405, { error: 'method not allowed' });
      return;
    }
    if (url.pathname === '/') sendPage(response);
    else if (url.pathname === '/api/traces') send(response, 200, store.list(parseFilter(url.searchParams)));
    else if (url.pathname === '/api/stats') send(response, 200, store.stats());
    else if (url.pathname === '/api/sli') send(response, 200, store.sli());
    else if (url.pathname === '/api/events') hub.attach(response);
    else if (url.pathname === '/favicon.ico') response.writeHead(204).end();
    else if (url.pathname.startsWith('/api/traces/')) {
      const traceId = url.pathname.slice('/api/traces/'.length);
      const spans = store.get(traceId);
      if (spans === undefined || spans.length === 0) send(response, 404, { error: 'no such trace' });
      else send(response, 200, viewTrace(traceId, spans));
    } else send(response, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    store,
    printed: (count) =>
      printedCount >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers.values()) clearTimeout(timer);
        hub.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
