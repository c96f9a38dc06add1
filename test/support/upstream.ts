// A scriptable HTTP server on 127.0.0.1 standing in for an upstream (a GPU server, an API):
// it records every request it receives and answers with a handler's plain or streamed reply.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type UpstreamHandler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

export interface Upstream {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /**
   * Resolves when a response is closed by the client before it finished. Each early close
   * answers one call, so a test waits for its own.
   */
  closedEarly(): Promise<void>;
  close(): Promise<void>;
}

/** Streams `chunks` with `delayMs` between them, as server-sent events would arrive. */
export async function writeSlowly(
  response: ServerResponse,
  chunks: string[],
  delayMs: number,
): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const chunk of chunks) {
    if (response.destroyed) return;
    response.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  response.end();
}

export async function startUpstream(handler: UpstreamHandler): Promise<Upstream> {
  const received: ReceivedRequest[] = [];
  let unclaimed = 0;
  const waiting: (() => void)[] = [];
  const earlyClose = (): void => {
    const waiter = waiting.shift();
    if (waiter === undefined) unclaimed++;
    else waiter();
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(request);
      res.on('close', () => {
        if (!res.writableFinished) earlyClose();
      });
      Promise.resolve(handler(request, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    closedEarly: () => {
      if (unclaimed > 0) {
        unclaimed--;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
