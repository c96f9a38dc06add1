// The page's live feed: server-sent events (`GET /api/events`) from the viewer's own server. Each
// change to a trace is sent as `event: trace` with the trace's summary, so the list updates as
// spans arrive instead of being polled; a comment every 15 s keeps idle connections open.
import type { ServerResponse } from 'node:http';

export interface EventHub {
  /** Holds `response` open as an event stream until the client leaves or the hub closes. */
  attach(response: ServerResponse): void;
  /** Sends one event to every client. */
  publish(event: string, data: unknown): void;
  close(): void;
}

export function createEventHub(keepAliveMs = 15_000): EventHub {
  const clients = new Set<ServerResponse>();
  const keepAlive = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n');
  }, keepAliveMs);
  keepAlive.unref();
  return {
    attach(response) {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // A first event at once, so the page knows it is live (and a reconnect re-reads the list).
      response.write('event: hello\ndata: {}\n\n');
      clients.add(response);
      response.on('close', () => clients.delete(response));
    },
    publish(event, data) {
      // JSON has no raw newlines, so one `data:` line carries it whole.
      const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const client of clients) client.write(frame);
    },
    close() {
      clearInterval(keepAlive);
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
