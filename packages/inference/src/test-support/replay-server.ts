// A real HTTP server on 127.0.0.1 that replays a recorded transcript the way a test asks: whole,
// in small pieces, its first event and then the rest, cut off halfway (the connection destroyed), held open halfway (for aborts and
// cancels while a read is pending), or as an error answer.
import type { ServerResponse } from 'node:http';
import { type ReceivedRequest, startUpstream, type Upstream } from '../../../../test/support/upstream.js';
import type { Recording } from './recordings.js';

export type ReplayMode =
  | { readonly kind: 'whole' }
  | { readonly kind: 'pieces'; readonly size: number }
  /** The first event alone, then the rest in one write: runs of events arrive together. */
  | { readonly kind: 'first-then-rest' }
  /** Half the bytes, then the connection is destroyed. */
  | { readonly kind: 'cut' }
  /** Half the bytes, then nothing until the client goes away. */
  | { readonly kind: 'hang' }
  | { readonly kind: 'status'; readonly status: number; readonly body: string };

export interface ReplayServer {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** What the next requests get. */
  serve(recording: Recording, mode?: ReplayMode): void;
  /** Resolves when a response is closed by the client before it finished. */
  closedEarly(): Promise<void>;
  close(): Promise<void>;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function write(response: ServerResponse, recording: Recording, mode: ReplayMode): Promise<void> {
  if (mode.kind === 'status') {
    response.writeHead(mode.status, { 'content-type': 'application/json' }).end(mode.body);
    return;
  }
  response.writeHead(200, { 'content-type': recording.contentType });
  const { body } = recording;
  if (mode.kind === 'whole') {
    response.end(body);
    return;
  }
  if (mode.kind === 'pieces') {
    for (let at = 0; at < body.length && !response.destroyed; at += mode.size) {
      response.write(body.subarray(at, at + mode.size));
      await tick();
    }
    response.end();
    return;
  }
  const separator = recording.contentType === 'application/x-ndjson' ? '\n' : '\n\n';
  if (mode.kind === 'first-then-rest') {
    const first = body.indexOf(separator);
    response.write(body.subarray(0, first < 0 ? body.length : first + separator.length));
    await new Promise((resolve) => setTimeout(resolve, 20));
    response.end(first < 0 ? undefined : body.subarray(first + separator.length));
    return;
  }
  // Half the stream, cut at an event boundary so the client has whole events to read.
  const middle = Math.floor(body.length / 2);
  const boundary = body.indexOf(separator, middle);
  response.write(body.subarray(0, boundary < 0 ? middle : boundary + separator.length));
  await new Promise((resolve) => setTimeout(resolve, 20));
  if (mode.kind === 'cut') response.destroy();
}

export async function startReplay(): Promise<ReplayServer> {
  let current: { recording: Recording; mode: ReplayMode } | undefined;
  const upstream: Upstream = await startUpstream(async (_request, response) => {
    if (current === undefined) {
      response.writeHead(500).end('nothing to replay');
      return;
    }
    await write(response, current.recording, current.mode);
  });
  return {
    url: upstream.url,
    received: upstream.received,
    serve(recording, mode = { kind: 'whole' }) {
      current = { recording, mode };
    },
    closedEarly: () => upstream.closedEarly(),
    close: () => upstream.close(),
  };
}
