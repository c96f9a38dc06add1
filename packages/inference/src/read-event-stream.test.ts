// readEventStream on a plain response: events with parsed JSON, [DONE] as it is, the
// spec's end-of-stream rule, the size limit, and a loop left early cancelling the body.
import { describe, expect, it } from 'vitest';
import type { InferenceEvent } from './generation-span.js';
import { readEventStream } from './read-event-stream.js';

const encoder = new TextEncoder();

/** A response whose body sends `chunks` and notes whether it was cancelled. */
function streamed(chunks: string[]) {
  const state = { cancelled: false, pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[state.pulled++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }), state };
}

async function collect(response: Response, maxEventBytes?: number): Promise<InferenceEvent[]> {
  const events: InferenceEvent[] = [];
  const options = maxEventBytes === undefined ? {} : { maxEventBytes };
  for await (const event of readEventStream(response, options)) events.push(event);
  return events;
}

describe('readEventStream', () => {
  it('yields each event with its JSON parsed, and leaves other data as text', async () => {
    const { response } = streamed([
      'event: delta\ndata: {"text":"Hi"}\n\n',
      'data: plain words\n\n',
      'data: [DONE]\n\n',
    ]);
    const events = await collect(response);
    expect(events).toEqual([
      { event: 'delta', data: '{"text":"Hi"}', id: '', json: { text: 'Hi' } },
      { event: '', data: 'plain words', id: '' },
      { event: '', data: '[DONE]', id: '' },
    ]);
  });

  it('reads events split across chunks, and drops one the stream ends inside, as the SSE spec asks', async () => {
    const { response } = streamed(['data: {"a"', ':1}\n', '\ndata: {"cut":', 'true}\n']);
    const events = await collect(response);
    expect(events.map((e) => e.json)).toEqual([{ a: 1 }]);
  });

  it('yields nothing for a response without a body', async () => {
    expect(await collect(new Response(null, { status: 204 }))).toEqual([]);
  });

  it('skips an event that grows past maxEventBytes across chunks, and reads on', async () => {
    const long = 'x'.repeat(100);
    const { response } = streamed([`data: ${long}`, `${long}\n\n`, 'data: {"after":true}\n\n']);
    const events = await collect(response, 64);
    expect(events.map((e) => e.json)).toEqual([{ after: true }]);
  });

  it('cancels the body when the loop is left early, and reads no further', async () => {
    const { response, state } = streamed(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']);
    for await (const event of readEventStream(response)) {
      expect(event.json).toBe(1);
      break;
    }
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThan(3);
  });

  it('does not cancel a body it read to the end', async () => {
    const { response, state } = streamed(['data: 1\n\n']);
    await collect(response);
    expect(state.cancelled).toBe(false);
  });
});
